// A user's todo list. Tasks are addressed by UUID or by their per-user number.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { asUser } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, parse, text } from '../validation.ts';
import * as tasks from './task.repository.ts';
import {
  TASK_DESCRIPTION_MAX,
  TASK_TITLE_MAX,
  type NewTask,
  type Task,
  type TaskChanges,
  type TaskRef,
  type TaskStatusFilter,
} from './task.ts';

export { TASK_DESCRIPTION_MAX, TASK_TITLE_MAX };

const title = text({ min: 1, max: TASK_TITLE_MAX, trim: true });
const description = text({ max: TASK_DESCRIPTION_MAX, trim: true })
  .nullable()
  .transform((value) => (value === '' ? null : value));

const newTaskSchema = z.object({ title, description: description.optional() });
const changesSchema = z
  .object({ title, description, completed: z.boolean() })
  .partial()
  .refine(
    (changes) =>
      changes.title !== undefined ||
      changes.description !== undefined ||
      changes.completed !== undefined,
    { error: 'give at least one of title, description or completed' },
  );
const statusSchema = z.enum(['all', 'pending', 'completed'], {
  error: "must be 'all', 'pending' or 'completed'",
});
// Task numbers are a PostgreSQL integer: anything larger cannot name a task.
export const TASK_NUMBER_MAX = 2_147_483_647;

const refSchema = z.union([id, z.int().positive().max(TASK_NUMBER_MAX)], {
  error: 'must be a task UUID or a task number (1, 2, 3...)',
});

const COMPLETED_FILTER: Record<TaskStatusFilter, boolean | undefined> = {
  all: undefined,
  pending: false,
  completed: true,
};

export class TaskService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async addTask(userId: string, input: NewTask): Promise<Task> {
    const user = parse(id, userId, 'userId');
    const values = parse(newTaskSchema, input);
    const task = await asUser(this.#db, user, (trx) =>
      tasks.insertTask(trx, user, { title: values.title, description: values.description ?? null }),
    );
    if (task === null) throw new NotFoundError('user');
    return task;
  }

  async listTasks(userId: string, options: { status?: TaskStatusFilter } = {}): Promise<Task[]> {
    const user = parse(id, userId, 'userId');
    const status = parse(statusSchema.default('all'), options.status, 'status');
    return asUser(this.#db, user, (trx) =>
      tasks.findTasksByUser(trx, user, COMPLETED_FILTER[status]),
    );
  }

  async getTask(userId: string, ref: TaskRef): Promise<Task | null> {
    const user = parse(id, userId, 'userId');
    const task = parse(refSchema, ref, 'task');
    return asUser(this.#db, user, (trx) => tasks.findTask(trx, user, task));
  }

  async updateTask(userId: string, ref: TaskRef, changes: TaskChanges): Promise<Task> {
    const user = parse(id, userId, 'userId');
    const task = parse(refSchema, ref, 'task');
    const values = parse(changesSchema, changes);
    const updated = await asUser(this.#db, user, (trx) =>
      tasks.updateTask(trx, user, task, values),
    );
    if (updated === null) throw new NotFoundError('task');
    return updated;
  }

  async completeTask(userId: string, ref: TaskRef): Promise<Task> {
    return this.updateTask(userId, ref, { completed: true });
  }

  /** The deleted task, or null when there was none (or it is another user's). */
  async deleteTask(userId: string, ref: TaskRef): Promise<Task | null> {
    const user = parse(id, userId, 'userId');
    const task = parse(refSchema, ref, 'task');
    return asUser(this.#db, user, (trx) => tasks.deleteTask(trx, user, task));
  }
}
