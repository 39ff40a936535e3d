// The task list beside the chat: add (with a due date and priority), tick,
// date, prioritise, delete (with Undo); pending tasks grouped Overdue / Today
// / Upcoming / No date, completed folded below.
import { useState } from 'react';
import type { Task } from '../api/client.ts';
import { dayIn, groupByDue } from '../lib/due.ts';
import type { Tasks } from '../state/tasks.ts';
import { plural } from '../lib/text.ts';
import { PRIORITY_NAMES, TaskItem } from './TaskItem.tsx';

export function TasksPanel({ tasks, timeZone }: { tasks: Tasks; timeZone: string }) {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [priority, setPriority] = useState<Task['priority']>('normal');
  const now = new Date();
  const today = dayIn(timeZone, now);
  const pending = tasks.items.filter((task) => !task.completed);
  const completed = tasks.items.filter((task) => task.completed);
  const item = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      today={today}
      timeZone={timeZone}
      onToggle={(done) => void tasks.setCompleted(task, done)}
      onDue={(day) => void tasks.setDue(task, day)}
      onPriority={(value) => void tasks.setPriority(task, value)}
      onDelete={() => {
        tasks.remove(task);
      }}
    />
  );

  return (
    <>
      <h2 id="tasks-title">Tasks</h2>
      <form
        className="add-task"
        onSubmit={(event) => {
          event.preventDefault();
          const text = title.trim();
          if (text === '') return;
          const extra = {
            ...(due === '' ? {} : { due }),
            ...(priority === 'normal' ? {} : { priority }),
          };
          void tasks.add(text, extra).then((added) => {
            if (!added) return;
            setTitle('');
            setDue('');
            setPriority('normal');
          });
        }}
      >
        <label htmlFor="new-task" className="visually-hidden">
          New task
        </label>
        <input
          id="new-task"
          placeholder="Add a task"
          maxLength={200}
          value={title}
          onChange={(event) => {
            setTitle(event.target.value);
          }}
        />
        <button type="submit" disabled={title.trim() === ''}>
          Add
        </button>
        <div className="add-task-extra">
          <input
            type="date"
            aria-label="New task due date"
            value={due}
            onChange={(event) => {
              setDue(event.target.value);
            }}
          />
          <select
            aria-label="New task priority"
            value={priority}
            onChange={(event) => {
              setPriority(event.target.value as Task['priority']);
            }}
          >
            {(['high', 'normal', 'low'] as const).map((value) => (
              <option key={value} value={value}>
                {PRIORITY_NAMES[value]} priority
              </option>
            ))}
          </select>
        </div>
      </form>
      {tasks.problem !== null && (
        <div className="problem" role="alert">
          <p>{tasks.problem}</p>
          <button type="button" className="secondary" onClick={tasks.dismissProblem}>
            Dismiss
          </button>
        </div>
      )}
      {tasks.loaded && tasks.items.length === 0 && (
        <p className="muted">No tasks yet. Add one here or ask the assistant.</p>
      )}
      {groupByDue(pending, today, now).map(({ group, tasks: members }) => (
        <section key={group} className="task-group" aria-labelledby={`due-${group}`}>
          <h3 id={`due-${group}`} className={group === 'Overdue' ? 'overdue' : undefined}>
            {group}
          </h3>
          <ul className="task-list" aria-label={`${group} tasks`}>
            {members.map(item)}
          </ul>
        </section>
      ))}
      {completed.length > 0 && (
        <details className="completed">
          <summary>Completed ({completed.length})</summary>
          <ul className="task-list" aria-label="Completed tasks">
            {completed.map(item)}
          </ul>
        </details>
      )}
      <div role="status" className="undo-area">
        {tasks.pendingDelete !== null && (
          <div className="toast">
            <span>Deleted task {tasks.pendingDelete.task.number}.</span>
            <button type="button" className="secondary" onClick={tasks.pendingDelete.undo}>
              Undo
            </button>
          </div>
        )}
      </div>
      <p className="visually-hidden">{plural(pending.length, 'task')} pending</p>
    </>
  );
}
