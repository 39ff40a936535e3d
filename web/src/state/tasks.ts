// The task panel's state. Ticks and deletes show at once and are rolled back,
// with the reason, when the server refuses; a delete waits a few seconds
// for Undo before it is sent.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, call, type Task, type TaskChanges } from '../api/client.ts';

export const UNDO_SECONDS = 5;

export interface PendingDelete {
  task: Task;
  undo: () => void;
}

export interface Tasks {
  items: Task[];
  loaded: boolean;
  /** The last refusal, phrased for a person; null when all went through. */
  problem: string | null;
  pendingDelete: PendingDelete | null;
  refresh: () => Promise<void>;
  add: (title: string, extra?: { due?: string; priority?: Task['priority'] }) => Promise<boolean>;
  setCompleted: (task: Task, completed: boolean) => Promise<void>;
  /** A date-only due (YYYY-MM-DD), or null to clear it. */
  setDue: (task: Task, day: string | null) => Promise<void>;
  setPriority: (task: Task, priority: Task['priority']) => Promise<void>;
  remove: (task: Task) => void;
  dismissProblem: () => void;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function useTasks(onSignedOut: (error: unknown) => void): Tasks {
  const [items, setItems] = useState<Task[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [pendingDelete, setPendingDelete] = useState<PendingDelete | null>(null);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const hidden = useRef(new Set<string>());

  const fail = useCallback(
    (what: string, error: unknown) => {
      if (error instanceof ApiError && error.signedOut) onSignedOut(error);
      else setProblem(`${what}: ${reason(error)}`);
    },
    [onSignedOut],
  );

  const refresh = useCallback(async () => {
    try {
      const { tasks } = await call(api.GET('/api/tasks', { params: { query: { status: 'all' } } }));
      setItems(tasks.filter((task) => !hidden.current.has(task.id)));
      setLoaded(true);
    } catch (error) {
      fail('Could not load your tasks', error);
    }
  }, [fail]);

  useEffect(() => {
    void refresh();
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, [refresh]);

  const add = useCallback(
    async (title: string, extra: { due?: string; priority?: Task['priority'] } = {}) => {
      try {
        const task = await call(api.POST('/api/tasks', { body: { title, ...extra } }));
        setItems((previous) => [...previous, task]);
        setProblem(null);
        return true;
      } catch (error) {
        fail('Could not add the task', error);
        return false;
      }
    },
    [fail],
  );

  const setCompleted = useCallback(
    async (task: Task, completed: boolean) => {
      const flip = (value: boolean) => {
        setItems((previous) =>
          previous.map((item) => (item.id === task.id ? { ...item, completed: value } : item)),
        );
      };
      flip(completed);
      try {
        const saved = await call(
          api.PATCH('/api/tasks/{id}', { params: { path: { id: task.id } }, body: { completed } }),
        );
        setItems((previous) => previous.map((item) => (item.id === saved.id ? saved : item)));
      } catch (error) {
        flip(task.completed);
        fail(
          `Could not mark task ${task.number} ${completed ? 'done' : 'not done'}; it is back as it was`,
          error,
        );
      }
    },
    [fail],
  );

  // Like a tick: shown at once, the server's answer replaces it, a refusal puts the task back.
  const change = useCallback(
    async (task: Task, shown: Partial<Task>, body: TaskChanges, what: string) => {
      const put = (value: Task) => {
        setItems((previous) => previous.map((item) => (item.id === task.id ? value : item)));
      };
      put({ ...task, ...shown });
      try {
        put(await call(api.PATCH('/api/tasks/{id}', { params: { path: { id: task.id } }, body })));
      } catch (error) {
        put(task);
        fail(`Could not ${what} of task ${task.number}; it is back as it was`, error);
      }
    },
    [fail],
  );

  const setDue = useCallback(
    (task: Task, day: string | null) =>
      change(
        task,
        { due_date: day, due_at: null },
        { due: day },
        day === null ? 'clear the due date' : 'change the due date',
      ),
    [change],
  );

  const setPriority = useCallback(
    (task: Task, priority: Task['priority']) =>
      change(task, { priority }, { priority }, 'change the priority'),
    [change],
  );

  const remove = useCallback(
    (task: Task) => {
      hidden.current.add(task.id);
      setItems((previous) => previous.filter((item) => item.id !== task.id));
      const restore = () => {
        hidden.current.delete(task.id);
        setItems((previous) =>
          [...previous, task].sort((left, right) => left.number - right.number),
        );
      };
      const timer = setTimeout(() => {
        timers.current.delete(task.id);
        setPendingDelete((current) => (current?.task.id === task.id ? null : current));
        call(api.DELETE('/api/tasks/{id}', { params: { path: { id: task.id } } }))
          .then(() => hidden.current.delete(task.id))
          .catch((error: unknown) => {
            restore();
            fail(`Could not delete task ${task.number}; it is back`, error);
          });
      }, UNDO_SECONDS * 1000);
      timers.current.set(task.id, timer);
      setPendingDelete({
        task,
        undo: () => {
          clearTimeout(timer);
          timers.current.delete(task.id);
          setPendingDelete(null);
          restore();
        },
      });
    },
    [fail],
  );

  return {
    items,
    loaded,
    problem,
    pendingDelete,
    refresh,
    add,
    setCompleted,
    setDue,
    setPriority,
    remove,
    dismissProblem: () => {
      setProblem(null);
    },
  };
}
