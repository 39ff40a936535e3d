import { sql, type Selectable } from 'kysely';
import type { UserTransaction } from '../db/scope.ts';
import type { JsonObject, MessageTable } from '../db/schema.ts';
import type { Message, MessageRole } from './conversation.ts';

type MessageRow = Selectable<MessageTable>;

function toMessage(row: Omit<MessageRow, 'idempotency_key'>): Message {
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

const messageColumns = sql`id, user_id, conversation_id, seq, role, content, metadata, created_at`;

/**
 * Appends a message in one statement: bumping the conversation's
 * message_count locks its row until commit, so concurrent appends take
 * consecutive seq numbers; the same update moves updated_at (trigger).
 * Null when the conversation does not exist for this user.
 */
export async function appendMessage(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
  values: {
    role: MessageRole;
    content: string;
    metadata: JsonObject | null;
    idempotencyKey: string | null;
  },
): Promise<Message | null> {
  const metadata = values.metadata === null ? null : JSON.stringify(values.metadata);
  const result = await sql<MessageRow>`
    with conversation as (
      update conversations set message_count = message_count + 1
      where user_id = ${userId} and id = ${conversationId}
      returning message_count
    )
    insert into messages (user_id, conversation_id, seq, role, content, metadata, idempotency_key)
    select ${userId}, ${conversationId}, conversation.message_count, ${values.role},
           ${values.content}, ${metadata}::jsonb, ${values.idempotencyKey}
    from conversation
    returning ${messageColumns}`.execute(trx);
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

export async function findMessageById(
  trx: UserTransaction,
  userId: string,
  id: string,
): Promise<Message | null> {
  const result = await sql<MessageRow>`
    select ${messageColumns} from messages where user_id = ${userId} and id = ${id}`.execute(trx);
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

export async function findMessageByIdempotencyKey(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
  idempotencyKey: string,
): Promise<Message | null> {
  const row = await trx
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
    .executeTakeFirst();
  return row === undefined ? null : toMessage(row);
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
  trx: UserTransaction,
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
  const result = await sql<{ message_count: number } & Partial<MessageRow>>`
    select c.message_count, m.*
    from conversations c
    left join lateral (
      select ${messageColumns} from messages
      where ${range}
      order by seq ${direction}
      limit ${limit}
    ) m on true
    where c.user_id = ${userId} and c.id = ${conversationId}`.execute(trx);
  const first = result.rows[0];
  if (first === undefined) return null;
  const messages = result.rows
    .filter((row): row is { message_count: number } & MessageRow => row.id != null)
    .map(toMessage)
    .sort((a, b) => a.seq - b.seq);
  return { messageCount: first.message_count, messages };
}
