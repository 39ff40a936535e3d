// The limits of a task, defined here once; the migration's CHECK constraints
// hold the same numbers (tests/db/limits.test.ts compares them).
export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 2000;

export interface Task {
  id: string;
  userId: string;
  /** Small per-user number, 1, 2, 3..., never reused: what people mean by "task 3". */
  number: number;
  title: string;
  description: string | null;
  completed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type TaskStatusFilter = 'all' | 'pending' | 'completed';

/** A task's UUID, or its per-user number. */
export type TaskRef = string | number;

export interface NewTask {
  title: string;
  description?: string | null | undefined;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
}
