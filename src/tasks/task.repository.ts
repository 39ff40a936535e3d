import { sql, type Selectable } from 'kysely';
import { execute, type UserExecutor, type UserTransaction } from '../db/scope.ts';
import type { TaskTable } from '../db/schema.ts';
import type { Due } from './due.ts';
import type { Task, TaskDueFilter, TaskPriority, TaskRef } from './task.ts';

type TaskRow = Omit<Selectable<TaskTable>, 'due_date'> & { due_date: string | null };

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    userId: row.user_id,
    number: row.number,
    title: row.title,
    description: row.description,
    completed: row.completed,
    due: row.due_date === null ? null : { date: row.due_date, at: row.due_at },
    priority: row.priority,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// due_date as text: both drivers would otherwise make a Date at local midnight.
const taskColumns = sql`id, user_id, number, title, description, completed,
  due_date::text as due_date, due_at, priority, created_at, updated_at`;

// Must match the expression in the tasks_user_due_idx index.
const priorityRank = sql`(case priority when 'high' then 0 when 'normal' then 1 else 2 end)`;

function refCondition(ref: TaskRef) {
  return typeof ref === 'number' ? sql`number = ${ref}` : sql`id = ${ref}`;
}

export interface TaskValues {
  title: string;
  description: string | null;
  due: Due | null;
  priority: TaskPriority;
}

/** Takes the user's next task number from their users row, which stays locked until commit. */
export async function insertTask(
  executor: UserExecutor,
  userId: string,
  values: TaskValues,
): Promise<Task | null> {
  const result = await execute(
    executor,
    sql<TaskRow>`
    with counter as (
      update users set next_task_number = next_task_number + 1
      where id = ${userId}
      returning next_task_number - 1 as number
    )
    insert into tasks (user_id, number, title, description, due_date, due_at, priority)
    select ${userId}, counter.number, ${values.title}, ${values.description},
           ${values.due?.date ?? null}::date, ${values.due?.at ?? null}::timestamptz, ${values.priority}
    from counter
    returning ${taskColumns}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toTask(row);
}

/** The due filters that depend on the user's today. */
export function needsToday(
  due: TaskDueFilter | undefined,
): due is 'today' | 'overdue' | 'upcoming' {
  return due === 'today' || due === 'overdue' || due === 'upcoming';
}

export type TaskListQuery = {
  completed: boolean | undefined;
  priority: TaskPriority | undefined;
} & (
  | { due: 'none' | undefined }
  | {
      due: 'today' | 'overdue' | 'upcoming';
      /** The user's today, `YYYY-MM-DD`, and the current instant. */
      today: string;
      now: Date;
    }
);

/**
 * The user's tasks by due day (none last), time of day (date-only after
 * timed), priority (high first) and number: the order of tasks_user_due_idx,
 * or of tasks_user_priority_due_idx when one priority is asked for, so every
 * list is read in index order without a sort.
 */
export async function findTasksByUser(
  executor: UserExecutor,
  userId: string,
  query: TaskListQuery,
): Promise<Task[]> {
  const conditions = [sql`user_id = ${userId}`];
  if (query.priority !== undefined) conditions.push(sql`priority = ${query.priority}`);
  if (query.completed !== undefined) conditions.push(sql`completed = ${query.completed}`);
  switch (query.due) {
    case 'today':
      conditions.push(sql`due_date = ${query.today}::date`);
      break;
    case 'overdue':
      // A range on due_date first, so the index bounds the scan.
      conditions.push(
        sql`not completed and due_date <= ${query.today}::date
            and (due_date < ${query.today}::date or due_at < ${query.now}::timestamptz)`,
      );
      break;
    case 'upcoming':
      conditions.push(sql`due_date > ${query.today}::date`);
      break;
    case 'none':
      conditions.push(sql`due_date is null`);
      break;
    case undefined:
      break;
  }
  // Qualified: a bare due_date would name the text column of the select list.
  const order =
    query.priority === undefined
      ? sql`tasks.due_date, tasks.due_at, ${priorityRank}, tasks.number`
      : sql`tasks.due_date, tasks.due_at, tasks.number`;
  const result = await execute(
    executor,
    sql<TaskRow>`
    select ${taskColumns} from tasks
    where ${sql.join(conditions, sql` and `)}
    order by ${order}`,
  );
  return result.rows.map(toTask);
}

/** One page of the user's tasks by number, after `afterNumber`: for export. */
export async function findTasksAfterNumber(
  trx: UserTransaction,
  userId: string,
  afterNumber: number,
  limit: number,
): Promise<Task[]> {
  const result = await sql<TaskRow>`
    select ${taskColumns} from tasks
    where user_id = ${userId} and number > ${afterNumber}
    order by number limit ${limit}`.execute(trx);
  return result.rows.map(toTask);
}

export async function findTask(
  executor: UserExecutor,
  userId: string,
  ref: TaskRef,
): Promise<Task | null> {
  const result = await execute(
    executor,
    sql<TaskRow>`
    select ${taskColumns} from tasks
    where user_id = ${userId} and ${refCondition(ref)}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toTask(row);
}

export interface TaskUpdate {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
  due?: Due | null | undefined;
  priority?: TaskPriority | undefined;
}

export async function updateTask(
  executor: UserExecutor,
  userId: string,
  ref: TaskRef,
  changes: TaskUpdate,
): Promise<Task | null> {
  const assignments = [
    ...(changes.title === undefined ? [] : [sql`title = ${changes.title}`]),
    ...(changes.description === undefined ? [] : [sql`description = ${changes.description}`]),
    ...(changes.completed === undefined ? [] : [sql`completed = ${changes.completed}`]),
    ...(changes.priority === undefined ? [] : [sql`priority = ${changes.priority}`]),
    ...(changes.due === undefined
      ? []
      : [
          sql`due_date = ${changes.due?.date ?? null}::date`,
          sql`due_at = ${changes.due?.at ?? null}::timestamptz`,
        ]),
  ];
  if (assignments.length === 0) return findTask(executor, userId, ref);
  const result = await execute(
    executor,
    sql<TaskRow>`
    update tasks set ${sql.join(assignments)}
    where user_id = ${userId} and ${refCondition(ref)}
    returning ${taskColumns}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toTask(row);
}

export async function deleteTask(
  executor: UserExecutor,
  userId: string,
  ref: TaskRef,
): Promise<Task | null> {
  const result = await execute(
    executor,
    sql<TaskRow>`
    delete from tasks where user_id = ${userId} and ${refCondition(ref)}
    returning ${taskColumns}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toTask(row);
}

/** The instants of the user's timed dues, to re-derive their days in a new time zone. */
export async function findTimedDues(
  trx: UserTransaction,
  userId: string,
): Promise<{ id: string; dueAt: Date }[]> {
  const result = await sql<{ id: string; due_at: Date }>`
    select id, due_at from tasks where user_id = ${userId} and due_at is not null`.execute(trx);
  return result.rows.map((row) => ({ id: row.id, dueAt: row.due_at }));
}

export async function updateDueDates(
  trx: UserTransaction,
  userId: string,
  dates: readonly { id: string; date: string }[],
): Promise<void> {
  if (dates.length === 0) return;
  await sql`
    update tasks set due_date = moved.due_date::date
    from (select unnest(${dates.map((entry) => entry.id)}::uuid[]) as id,
                 unnest(${dates.map((entry) => entry.date)}::text[]) as due_date) moved
    where tasks.user_id = ${userId} and tasks.id = moved.id
      and tasks.due_date is distinct from moved.due_date::date`.execute(trx);
}
