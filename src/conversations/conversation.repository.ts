import { sql, type Selectable } from 'kysely';
import { execute, queries, type UserExecutor, type UserTransaction } from '../db/scope.ts';
import type { ConversationTable } from '../db/schema.ts';
import type { Conversation, ConversationStatus } from './conversation.ts';
import { positionFromUtc, type ConversationPosition } from './cursor.ts';

type ConversationRow = Selectable<ConversationTable>;

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    status: row.status,
    messageCount: row.message_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertConversation(
  executor: UserExecutor,
  userId: string,
  title: string | null,
): Promise<Conversation> {
  const query = queries(executor)
    .insertInto('conversations')
    .values({ user_id: userId, title })
    .returningAll()
    .compile();
  const row = (await execute(executor, query)).rows[0];
  if (row === undefined) throw new Error('insert into conversations returned no row');
  return toConversation(row);
}

export async function findConversation(
  executor: UserExecutor,
  userId: string,
  id: string,
): Promise<Conversation | null> {
  const query = queries(executor)
    .selectFrom('conversations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .compile();
  const row = (await execute(executor, query)).rows[0];
  return row === undefined ? null : toConversation(row);
}

export async function findLatestActiveConversation(
  trx: UserTransaction,
  userId: string,
): Promise<Conversation | null> {
  const row = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : toConversation(row);
}

/**
 * Locks the user's row until the transaction ends, serialising "find or
 * create" for one user without touching anyone else. False if no such user.
 */
export async function lockUserRow(trx: UserTransaction, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export interface PagedConversation {
  conversation: Conversation;
  /** updated_at in UTC as the server writes a timestamp, microseconds intact. */
  updatedAtUtc: string;
}

/** Where the page after `row` starts: the cursor's position. */
export function positionAfter(row: PagedConversation): ConversationPosition {
  return positionFromUtc(row.updatedAtUtc, row.conversation.id);
}

/**
 * One page of a user's conversations, most recently updated first. Each
 * status is read as its own ordered range of the recency index and the
 * ranges are merged, so a page costs the same however many conversations
 * the user has.
 */
export async function findConversationsPage(
  executor: UserExecutor,
  userId: string,
  statuses: readonly ConversationStatus[],
  after: ConversationPosition | null,
  limit: number,
): Promise<PagedConversation[]> {
  const ranges = statuses.map(
    (status) => sql`(
      select * from conversations
      where user_id = ${userId} and status = ${status}
      ${after === null ? sql`` : sql`and (updated_at, id) < (${after.updatedAt}::timestamptz, ${after.id}::uuid)`}
      order by updated_at desc, id desc
      limit ${limit})`,
  );
  const result = await execute(
    executor,
    // A cursor needs updated_at to the microsecond, which a Date cannot hold:
    // it also comes as text, in UTC, and only the row a cursor is made from
    // is turned into a position. The server's own timestamp output costs
    // less than to_char formatting every row into the cursor's shape.
    sql<ConversationRow & { updated_at_utc: string }>`
    select *, (updated_at at time zone 'UTC')::text as updated_at_utc
    from (${sql.join(ranges, sql` union all `)}) as page
    order by updated_at desc, id desc
    limit ${limit}`,
  );
  return result.rows.map((row) => ({
    conversation: toConversation(row),
    updatedAtUtc: row.updated_at_utc,
  }));
}

export async function updateConversation(
  executor: UserExecutor,
  userId: string,
  id: string,
  changes: { title?: string | null; status?: ConversationStatus },
): Promise<Conversation | null> {
  const query = queries(executor)
    .updateTable('conversations')
    // updated_at is set by the trigger; naming it here makes an update with
    // no other change (a touch) still an update.
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .returningAll()
    .compile();
  const row = (await execute(executor, query)).rows[0];
  return row === undefined ? null : toConversation(row);
}

export async function deleteConversation(
  executor: UserExecutor,
  userId: string,
  id: string,
): Promise<boolean> {
  const query = queries(executor)
    .deleteFrom('conversations')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .compile();
  return ((await execute(executor, query)).numAffectedRows ?? 0n) > 0n;
}
