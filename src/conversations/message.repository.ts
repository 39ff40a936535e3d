import { sql, type Selectable } from 'kysely';
import {
  execute,
  queries,
  type Executor,
  type UserExecutor,
  type UserTransaction,
} from '../db/scope.ts';
import type { JsonObject, MessageTable } from '../db/schema.ts';
import type { Conversation, Message, MessageRole } from './conversation.ts';

type MessageRow = Selectable<MessageTable>;

/** A message to append, as validated by the service. */
interface NewMessageRow {
  role: MessageRole;
  content: string;
  metadata: JsonObject | null;
  idempotencyKey: string | null;
}

export function toMessage(row: Omit<MessageRow, 'idempotency_key'>): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    userId: row.user_id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}

export const messageColumns = sql`id, user_id, conversation_id, seq, role, content, metadata, created_at`;

/**
 * Appends a message in one statement: bumping the conversation's
 * message_count locks its row until commit, so concurrent appends take
 * consecutive seq numbers; the same update moves updated_at (trigger).
 * Null when the conversation does not exist for this user.
 */
export async function appendMessage(
  executor: Executor,
  userId: string,
  conversationId: string,
  values: NewMessageRow,
): Promise<Message | null> {
  const metadata = values.metadata === null ? null : JSON.stringify(values.metadata);
  const result = await execute(
    executor,
    sql<MessageRow>`
    with conversation as (
      update conversations set message_count = message_count + 1
      where user_id = ${userId} and id = ${conversationId}
      returning message_count
    )
    insert into messages (user_id, conversation_id, seq, role, content, metadata, idempotency_key)
    select ${userId}, ${conversationId}, conversation.message_count, ${values.role},
           ${values.content}, ${metadata}::jsonb, ${values.idempotencyKey}
    from conversation
    returning ${messageColumns}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

export async function findMessageById(
  executor: UserExecutor,
  userId: string,
  id: string,
): Promise<Message | null> {
  const result = await execute(
    executor,
    sql<MessageRow>`
    select ${messageColumns} from messages where user_id = ${userId} and id = ${id}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

/**
 * The CTEs of an append under an idempotency key: `earlier`, the message
 * stored under the key (`created` false; none for a null key), and
 * `inserted`, the message appended when there is none (`created` true).
 */
function appendOnce(userId: string, conversationId: string, values: NewMessageRow) {
  const metadata = values.metadata === null ? null : JSON.stringify(values.metadata);
  return sql`earlier as (
      select ${messageColumns}, false as created from messages
      where user_id = ${userId} and conversation_id = ${conversationId}
        and idempotency_key = ${values.idempotencyKey}
    ), bumped as (
      update conversations set message_count = message_count + 1
      where user_id = ${userId} and id = ${conversationId} and not exists (select from earlier)
      returning message_count
    ), inserted as (
      insert into messages (user_id, conversation_id, seq, role, content, metadata, idempotency_key)
      select ${userId}, ${conversationId}, bumped.message_count, ${values.role},
             ${values.content}, ${metadata}::jsonb, ${values.idempotencyKey}
      from bumped
      returning ${messageColumns}, true as created
    )`;
}

/**
 * appendMessage for a message with an idempotency key, in one statement: the
 * message stored earlier under the key if there is one (`created` false),
 * else the new one. Null when the conversation does not exist for this user.
 * Two concurrent first attempts both miss the earlier row; the second then
 * fails on the messages_idempotency_key index.
 */
export async function appendMessageOnce(
  executor: UserExecutor,
  userId: string,
  conversationId: string,
  values: NewMessageRow & { idempotencyKey: string },
): Promise<{ message: Message; created: boolean } | null> {
  const result = await execute(
    executor,
    sql<MessageRow & { created: boolean }>`
    with ${appendOnce(userId, conversationId, values)}
    select * from inserted union all select * from earlier`,
  );
  const row = result.rows[0];
  return row === undefined ? null : { message: toMessage(row), created: row.created };
}

export async function findMessageByIdempotencyKey(
  executor: UserExecutor,
  userId: string,
  conversationId: string,
  idempotencyKey: string,
): Promise<Message | null> {
  const query = queries(executor)
    .selectFrom('messages')
    .select([
      'id',
      'user_id',
      'conversation_id',
      'seq',
      'role',
      'content',
      'metadata',
      'created_at',
    ])
    .where('user_id', '=', userId)
    .where('conversation_id', '=', conversationId)
    .where('idempotency_key', '=', idempotencyKey)
    .compile();
  const row = (await execute(executor, query)).rows[0];
  return row === undefined ? null : toMessage(row);
}

/**
 * A chat turn's opening in one statement: the conversation as it stood, the
 * message stored earlier under the idempotency key if there is one
 * (`created` false), else the message appended now. Null when the
 * conversation does not exist for this user. A null key matches nothing, so
 * the message is always new. Races on the key end as in appendMessageOnce.
 */
export async function appendToConversation(
  executor: UserExecutor,
  userId: string,
  conversationId: string,
  values: NewMessageRow,
): Promise<{ conversation: Conversation; message: Message; created: boolean } | null> {
  const result = await execute(
    executor,
    sql<
      MessageRow & {
        created: boolean;
        conversation_title: string | null;
        conversation_status: Conversation['status'];
        conversation_message_count: number;
        conversation_created_at: Date;
        conversation_updated_at: Date;
      }
    >`
    with conversation as (
      select title, status, message_count, created_at, updated_at from conversations
      where user_id = ${userId} and id = ${conversationId}
    ), ${appendOnce(userId, conversationId, values)}, message as (
      select * from inserted union all select * from earlier
    )
    select message.*, conversation.title as conversation_title,
           conversation.status as conversation_status,
           conversation.message_count as conversation_message_count,
           conversation.created_at as conversation_created_at,
           conversation.updated_at as conversation_updated_at
    from message, conversation`,
  );
  const row = result.rows[0];
  if (row === undefined) return null;
  return {
    conversation: {
      id: conversationId,
      userId,
      title: row.conversation_title,
      status: row.conversation_status,
      messageCount: row.conversation_message_count,
      createdAt: row.conversation_created_at,
      updatedAt: row.conversation_updated_at,
    },
    message: toMessage(row),
    created: row.created,
  };
}

export interface HistoryWindow {
  /** Only messages with seq greater than this; read oldest first. */
  afterSeq: number | null;
  /** Only messages with seq less than this. */
  beforeSeq: number | null;
  limit: number;
}

/**
 * The conversation's message count and one window of its messages, in one
 * statement, chronological. Null when the conversation does not exist for
 * this user. Every shape is a bounded range scan of the (user_id,
 * conversation_id, seq) key, whatever the conversation's length.
 */
export async function findHistory(
  executor: Executor,
  userId: string,
  conversationId: string,
  window: HistoryWindow,
): Promise<{ messageCount: number; messages: Message[] } | null> {
  const { afterSeq, beforeSeq, limit } = window;
  const range = sql.join(
    [
      sql`user_id = ${userId} and conversation_id = ${conversationId}`,
      ...(afterSeq === null ? [] : [sql`seq > ${afterSeq}`]),
      ...(beforeSeq === null ? [] : [sql`seq < ${beforeSeq}`]),
    ],
    sql` and `,
  );
  const direction = afterSeq === null ? sql`desc` : sql`asc`;
  const result = await execute(
    executor,
    sql<{ message_count: number } & Partial<MessageRow>>`
    select c.message_count, m.*
    from conversations c
    left join lateral (
      select ${messageColumns} from messages
      where ${range}
      order by seq ${direction}
      limit ${limit}
    ) m on true
    where c.user_id = ${userId} and c.id = ${conversationId}`,
  );
  const first = result.rows[0];
  if (first === undefined) return null;
  const messages = result.rows
    .filter((row): row is { message_count: number } & MessageRow => row.id != null)
    .map(toMessage)
    .sort((a, b) => a.seq - b.seq);
  return { messageCount: first.message_count, messages };
}

/**
 * Locks the conversation row, as an append does, and returns its message
 * count; null when the conversation does not exist for this user. The removals
 * below take the lock first and delete in a later statement: under READ
 * COMMITTED that statement's snapshot includes every append that committed
 * while this one waited, so the newest message is the one at the count.
 */
async function lockConversation(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<number | null> {
  const result = await execute(
    trx,
    sql<{ message_count: number }>`
    select message_count from conversations
    where user_id = ${userId} and id = ${conversationId}
    for no key update`,
  );
  return result.rows[0]?.message_count ?? null;
}

/**
 * Removes the conversation's newest message and lowers its count, so seq stays
 * 1..count with no gaps. Undefined when the conversation does not exist for
 * this user; null when it has no messages.
 */
export async function removeLastMessage(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<Message | null | undefined> {
  const count = await lockConversation(trx, userId, conversationId);
  if (count === null) return undefined;
  if (count === 0) return null;
  const result = await execute(
    trx,
    sql<MessageRow>`
    with removed as (
      delete from messages
      where user_id = ${userId} and conversation_id = ${conversationId} and seq = ${count}
      returning ${messageColumns}
    ), counted as (
      update conversations set message_count = ${count - 1}
      where user_id = ${userId} and id = ${conversationId} and exists (select from removed)
    )
    select * from removed`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

/**
 * Removes every message of the conversation and sets its count back to zero,
 * so the next message is seq 1 again. The number removed; null when the
 * conversation does not exist for this user.
 */
export async function removeAllMessages(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<number | null> {
  const count = await lockConversation(trx, userId, conversationId);
  if (count === null) return null;
  if (count === 0) return 0;
  const result = await execute(
    trx,
    sql<{ removed: number }>`
    with removed as (
      delete from messages
      where user_id = ${userId} and conversation_id = ${conversationId}
      returning 1
    ), counted as (
      update conversations set message_count = 0
      where user_id = ${userId} and id = ${conversationId}
    )
    select count(*)::int as removed from removed`,
  );
  return result.rows[0]?.removed ?? 0;
}
