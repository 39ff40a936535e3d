// One task: its box, number, title (wrapping, however long), due badge and
// priority mark, then its controls: a due date picker with Clear, a priority
// menu, and delete.
import type { Task } from '../api/client.ts';
import { dueGroup, dueLabel } from '../lib/due.ts';

export const PRIORITY_NAMES: Readonly<Record<Task['priority'], string>> = {
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

interface Props {
  task: Task;
  today: string;
  timeZone: string;
  onToggle: (completed: boolean) => void;
  onDue: (day: string | null) => void;
  onPriority: (priority: Task['priority']) => void;
  onDelete: () => void;
}

export function TaskItem({ task, today, timeZone, onToggle, onDue, onPriority, onDelete }: Props) {
  const name = `task ${task.number}: ${task.title}`;
  const overdue = !task.completed && dueGroup(task, today, new Date()) === 'Overdue';
  return (
    <li className={`task${task.completed ? ' done' : ''}`}>
      <div className="task-main">
        <label>
          <input
            type="checkbox"
            checked={task.completed}
            onChange={(event) => {
              onToggle(event.target.checked);
            }}
          />
          <span className="number">{task.number}.</span>
          <span className="task-title">
            {task.priority === 'high' && (
              <span className="priority high" title="High priority">
                <span aria-hidden="true">!</span>
                <span className="visually-hidden">High priority: </span>
              </span>
            )}
            {task.title}
          </span>
        </label>
        <button
          type="button"
          className="icon delete"
          aria-label={`Delete ${name}`}
          onClick={onDelete}
        >
          <span aria-hidden="true">✕</span>
        </button>
      </div>
      <div className="task-meta">
        {task.due_date !== null && (
          <span className={`due-badge${overdue ? ' overdue' : ''}`}>
            {overdue ? 'Overdue: ' : 'Due '}
            {dueLabel(task, today, timeZone)}
          </span>
        )}
        {task.priority === 'low' && <span className="priority low">Low priority</span>}
        <input
          // Left to itself while typed in, and renewed whenever the saved (or rolled back) day changes.
          key={task.due_date ?? 'none'}
          type="date"
          className="due-input"
          aria-label={`Due date for ${name}`}
          defaultValue={task.due_date ?? ''}
          onChange={(event) => {
            // A half-typed date reads as "" too, so only a whole one is sent; Clear clears.
            if (event.target.value !== '') onDue(event.target.value);
          }}
        />
        {task.due_date !== null && (
          <button
            type="button"
            className="secondary small"
            aria-label={`Clear due date for ${name}`}
            onClick={() => {
              onDue(null);
            }}
          >
            Clear
          </button>
        )}
        <select
          aria-label={`Priority for ${name}`}
          value={task.priority}
          onChange={(event) => {
            onPriority(event.target.value as Task['priority']);
          }}
        >
          {(['high', 'normal', 'low'] as const).map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_NAMES[priority]}
            </option>
          ))}
        </select>
      </div>
    </li>
  );
}
