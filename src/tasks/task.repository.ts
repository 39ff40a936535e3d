import { sql, type Selectable } from 'kysely';
import type { UserTransaction } from '../db/scope.ts';
import type { TaskTable } from '../db/schema.ts';
import type { Task, TaskRef } from './task.ts';

type TaskRow = Selectable<TaskTable>;

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    userId: row.user_id,
    number: row.number,
    title: row.title,
    description: row.description,
    completed: row.completed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function refColumn(ref: TaskRef): 'id' | 'number' {
  return typeof ref === 'number' ? 'number' : 'id';
}

/** Takes the user's next task number from their users row, which stays locked until commit. */
export async function insertTask(
  trx: UserTransaction,
  userId: string,
  values: { title: string; description: string | null },
): Promise<Task | null> {
  const result = await sql<TaskRow>`
    with counter as (
      update users set next_task_number = next_task_number + 1
      where id = ${userId}
      returning next_task_number - 1 as number
    )
    insert into tasks (user_id, number, title, description)
    select ${userId}, counter.number, ${values.title}, ${values.description} from counter
    returning *`.execute(trx);
  const row = result.rows[0];
  return row === undefined ? null : toTask(row);
}

export async function findTasksByUser(
  trx: UserTransaction,
  userId: string,
  completed: boolean | undefined,
): Promise<Task[]> {
  let query = trx.selectFrom('tasks').selectAll().where('user_id', '=', userId);
  if (completed !== undefined) query = query.where('completed', '=', completed);
  const rows = await query.orderBy('number').execute();
  return rows.map(toTask);
}

export async function findTask(
  trx: UserTransaction,
  userId: string,
  ref: TaskRef,
): Promise<Task | null> {
  const row = await trx
    .selectFrom('tasks')
    .selectAll()
    .where('user_id', '=', userId)
    .where(refColumn(ref), '=', ref)
    .executeTakeFirst();
  return row === undefined ? null : toTask(row);
}

export async function updateTask(
  trx: UserTransaction,
  userId: string,
  ref: TaskRef,
  changes: { title?: string; description?: string | null; completed?: boolean },
): Promise<Task | null> {
  const row = await trx
    .updateTable('tasks')
    .set(changes)
    .where('user_id', '=', userId)
    .where(refColumn(ref), '=', ref)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toTask(row);
}

export async function deleteTask(
  trx: UserTransaction,
  userId: string,
  ref: TaskRef,
): Promise<Task | null> {
  const row = await trx
    .deleteFrom('tasks')
    .where('user_id', '=', userId)
    .where(refColumn(ref), '=', ref)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toTask(row);
}
