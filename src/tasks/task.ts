import type { Due } from './due.ts';

export type TaskPriority = 'low' | 'normal' | 'high';
export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const satisfies readonly TaskPriority[];

export interface Task {
  id: string;
  userId: string;
  /** Small per-user number, 1, 2, 3..., never reused: what people mean by "task 3". */
  number: number;
  title: string;
  description: string | null;
  completed: boolean;
  /** Null when the task has no due date. */
  due: Due | null;
  priority: TaskPriority;
  createdAt: Date;
  updatedAt: Date;
}

export type TaskStatusFilter = 'all' | 'pending' | 'completed';
/** Days are the user's: "today" is today in their time zone. */
export type TaskDueFilter = 'today' | 'overdue' | 'upcoming' | 'none';
export const TASK_DUE_FILTERS = [
  'today',
  'overdue',
  'upcoming',
  'none',
] as const satisfies readonly TaskDueFilter[];

export interface TaskListOptions {
  status?: TaskStatusFilter | undefined;
  due?: TaskDueFilter | undefined;
  priority?: TaskPriority | undefined;
}

/** A task's UUID, or its per-user number. */
export type TaskRef = string | number;

export interface NewTask {
  title: string;
  description?: string | null | undefined;
  /** ISO 8601 date or date-time, or words ("tomorrow 5pm"), read in the user's time zone. */
  due?: string | null | undefined;
  priority?: TaskPriority | undefined;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
  /** As for NewTask; null clears the due date. */
  due?: string | null | undefined;
  priority?: TaskPriority | undefined;
}
