// A user's todo list. Tasks are addressed by UUID or by their per-user number.
// Due dates are read and listed in the user's time zone, which each use case
// reads from their users row inside its own transaction.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { asUser, userStatement, type UserTransaction } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { findTimeZone } from '../users/user.repository.ts';
import { id, parse, text } from '../validation.ts';
import { calendarDate, parseDue, type Due } from './due.ts';
import * as tasks from './task.repository.ts';
import {
  TASK_DESCRIPTION_MAX,
  TASK_DUE_FILTERS,
  TASK_DUE_TEXT_MAX,
  TASK_PRIORITIES,
  TASK_TITLE_MAX,
  type NewTask,
  type Task,
  type TaskChanges,
  type TaskListOptions,
  type TaskRef,
  type TaskStatusFilter,
} from './task.ts';

export { TASK_DESCRIPTION_MAX, TASK_DUE_TEXT_MAX, TASK_TITLE_MAX };

const title = text({ min: 1, max: TASK_TITLE_MAX, trim: true });
const description = text({ max: TASK_DESCRIPTION_MAX, trim: true })
  .nullable()
  .transform((value) => (value === '' ? null : value));
export const prioritySchema = z.enum(TASK_PRIORITIES, {
  error: "must be 'low', 'normal' or 'high'",
});
const dueText = text({ max: TASK_DUE_TEXT_MAX }).nullable();

const newTaskSchema = z.object({
  title,
  description: description.optional(),
  due: dueText.optional(),
  priority: prioritySchema.optional(),
});
const changesSchema = z
  .object({ title, description, completed: z.boolean(), due: dueText, priority: prioritySchema })
  .partial()
  .refine(
    (changes) =>
      [changes.title, changes.description, changes.completed, changes.due, changes.priority].some(
        (value) => value !== undefined,
      ),
    {
      error: 'give at least one of title, description, completed, due or priority',
    },
  );
const statusSchema = z.enum(['all', 'pending', 'completed'], {
  error: "must be 'all', 'pending' or 'completed'",
});
const listOptionsSchema = z.object({
  status: statusSchema.default('all'),
  due: z
    .enum(TASK_DUE_FILTERS, { error: "must be 'today', 'overdue', 'upcoming' or 'none'" })
    .optional(),
  priority: prioritySchema.optional(),
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

export interface TaskServiceOptions {
  /** The clock "today" and words such as "tomorrow" are read against. */
  now?: () => Date;
}

export class TaskService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  constructor(db: Kysely<Database>, options: TaskServiceOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  async #timeZone(trx: UserTransaction, user: string): Promise<string> {
    const zone = await findTimeZone(trx, user);
    if (zone === null) throw new NotFoundError('user');
    return zone;
  }

  async #readDue(
    trx: UserTransaction,
    user: string,
    due: string | null | undefined,
  ): Promise<Due | null | undefined> {
    if (due === undefined || due === null) return due;
    return parseDue(due, await this.#timeZone(trx, user), this.#now());
  }

  async addTask(userId: string, input: NewTask): Promise<Task> {
    const user = parse(id, userId, 'userId');
    const values = parse(newTaskSchema, input);
    const row = {
      title: values.title,
      description: values.description ?? null,
      priority: values.priority ?? 'normal',
    };
    // Without a due date it is one statement, sent as one round trip; a due
    // date in words first needs the user's time zone, in the same transaction.
    const task =
      values.due === undefined || values.due === null
        ? await tasks.insertTask(userStatement(this.#db, user), user, { ...row, due: null })
        : await asUser(this.#db, user, async (trx) =>
            tasks.insertTask(trx, user, {
              ...row,
              due: (await this.#readDue(trx, user, values.due)) ?? null,
            }),
          );
    if (task === null) throw new NotFoundError('user');
    return task;
  }

  /** By due day (none last), then priority (high first), then number. */
  async listTasks(userId: string, options: TaskListOptions = {}): Promise<Task[]> {
    const user = parse(id, userId, 'userId');
    const filters = parse(listOptionsSchema, options);
    const completed = COMPLETED_FILTER[filters.status];
    const { due, priority } = filters;
    // Only a filter by day needs the user's today, and so their time zone
    // first; any other list is one statement, sent as one round trip.
    if (!tasks.needsToday(due)) {
      return tasks.findTasksByUser(userStatement(this.#db, user), user, {
        completed,
        priority,
        due,
      });
    }
    return asUser(this.#db, user, async (trx) => {
      const now = this.#now();
      const today = calendarDate(now, await this.#timeZone(trx, user));
      return tasks.findTasksByUser(trx, user, { completed, priority, due, today, now });
    });
  }

  async getTask(userId: string, ref: TaskRef): Promise<Task | null> {
    const user = parse(id, userId, 'userId');
    const task = parse(refSchema, ref, 'task');
    return tasks.findTask(userStatement(this.#db, user), user, task);
  }

  async updateTask(userId: string, ref: TaskRef, changes: TaskChanges): Promise<Task> {
    const user = parse(id, userId, 'userId');
    const task = parse(refSchema, ref, 'task');
    const values = parse(changesSchema, changes);
    // One statement in one round trip, unless a due date in words needs the
    // user's time zone read first.
    const updated =
      values.due === undefined || values.due === null
        ? await tasks.updateTask(userStatement(this.#db, user), user, task, {
            ...values,
            due: values.due,
          })
        : await asUser(this.#db, user, async (trx) =>
            tasks.updateTask(trx, user, task, {
              ...values,
              due: await this.#readDue(trx, user, values.due),
            }),
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
    return tasks.deleteTask(userStatement(this.#db, user), user, task);
  }

  /** The user's IANA time zone, in which their dues are read and shown. */
  async getTimeZone(userId: string): Promise<string> {
    const user = parse(id, userId, 'userId');
    return asUser(this.#db, user, (trx) => this.#timeZone(trx, user));
  }
}
