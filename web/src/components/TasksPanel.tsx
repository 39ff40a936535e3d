// The task list beside the chat: add, tick, delete (with Undo), pending
// first and completed folded below.
import { useState } from 'react';
import type { Tasks } from '../state/tasks.ts';
import { plural } from '../lib/text.ts';
import { TaskItem } from './TaskItem.tsx';

export function TasksPanel({ tasks }: { tasks: Tasks }) {
  const [title, setTitle] = useState('');
  const pending = tasks.items.filter((task) => !task.completed);
  const completed = tasks.items.filter((task) => task.completed);
  const item = (task: (typeof tasks.items)[number]) => (
    <TaskItem
      key={task.id}
      task={task}
      onToggle={(done) => void tasks.setCompleted(task, done)}
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
          void tasks.add(text).then((added) => {
            if (added) setTitle('');
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
      <ul className="task-list" aria-label="Pending tasks">
        {pending.map(item)}
      </ul>
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
