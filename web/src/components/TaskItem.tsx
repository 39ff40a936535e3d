// One task: its box, number and title (wrapping, however long), and delete.
// Further fields (due date, priority) go beside the title here.
import type { Task } from '../api/client.ts';

interface Props {
  task: Task;
  onToggle: (completed: boolean) => void;
  onDelete: () => void;
}

export function TaskItem({ task, onToggle, onDelete }: Props) {
  const name = `task ${task.number}: ${task.title}`;
  return (
    <li className={`task${task.completed ? ' done' : ''}`}>
      <label>
        <input
          type="checkbox"
          checked={task.completed}
          onChange={(event) => {
            onToggle(event.target.checked);
          }}
        />
        <span className="number">{task.number}.</span>
        <span className="task-title">{task.title}</span>
      </label>
      <button
        type="button"
        className="icon delete"
        aria-label={`Delete ${name}`}
        onClick={onDelete}
      >
        <span aria-hidden="true">✕</span>
      </button>
    </li>
  );
}
