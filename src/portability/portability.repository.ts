// Whole-account reads and writes for export and import: keyset pages over
// each table's own key, and bulk inserts of already validated rows.
import { sql } from 'kysely';
import type { UserTransaction } from '../db/scope.ts';
import type {
  ExportedAccount,
  ExportedConversation,
  ExportedMessage,
  ExportedTask,
} from './export-document.ts';
import { isoTime, optionalIsoTime } from '../iso-time.ts';

export async function findAccount(
  trx: UserTransaction,
  userId: string,
): Promise<ExportedAccount | null> {
  const result = await sql<{
    email: string;
    time_zone: string;
    next_task_number: number;
    created_at: Date;
  }>`select email, time_zone, next_task_number, created_at from users where id = ${userId}`.execute(
    trx,
  );
  const row = result.rows[0];
  return row === undefined
    ? null
    : {
        email: row.email,
        time_zone: row.time_zone,
        next_task_number: row.next_task_number,
        created_at: isoTime(row.created_at),
      };
}

interface TaskRow {
  id: string;
  number: number;
  title: string;
  description: string | null;
  completed: boolean;
  due_date: string | null;
  due_at: Date | null;
  priority: ExportedTask['priority'];
  created_at: Date;
  updated_at: Date;
}

/** Tasks by number, after `afterNumber`: the (user_id, number) key. */
export async function findTasksPage(
  trx: UserTransaction,
  userId: string,
  afterNumber: number,
  limit: number,
): Promise<ExportedTask[]> {
  const result = await sql<TaskRow>`
    select id, number, title, description, completed, due_date::text as due_date, due_at,
           priority, created_at, updated_at
    from tasks where user_id = ${userId} and number > ${afterNumber}
    order by number limit ${limit}`.execute(trx);
  return result.rows.map((row) => ({
    ...row,
    due_at: optionalIsoTime(row.due_at),
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  }));
}

export type ConversationHead = Omit<ExportedConversation, 'messages'>;

interface ConversationHeadRow {
  id: string;
  title: string | null;
  status: 'active' | 'archived';
  created_at: Date;
  updated_at: Date;
}

function toConversationHead(row: ConversationHeadRow): ConversationHead {
  return {
    ...row,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}

/** Conversations by id, after `afterId`: the (user_id, id) key. */
export async function findConversationsPage(
  trx: UserTransaction,
  userId: string,
  afterId: string | null,
  limit: number,
): Promise<ConversationHead[]> {
  const result = await sql<ConversationHeadRow>`
    select id, title, status, created_at, updated_at from conversations
    where user_id = ${userId} ${afterId === null ? sql`` : sql`and id > ${afterId}`}
    order by id limit ${limit}`.execute(trx);
  return result.rows.map(toConversationHead);
}

export async function findConversationHead(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<ConversationHead | null> {
  const result = await sql<ConversationHeadRow>`
    select id, title, status, created_at, updated_at from conversations
    where user_id = ${userId} and id = ${conversationId}`.execute(trx);
  const row = result.rows[0];
  return row === undefined ? null : toConversationHead(row);
}

/** A conversation's messages by seq, after `afterSeq`: the (user_id, conversation_id, seq) key. */
export async function findMessagesPage(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
  afterSeq: number,
  limit: number,
): Promise<ExportedMessage[]> {
  const result = await sql<{
    id: string;
    seq: number;
    role: 'user' | 'assistant';
    content: string;
    metadata: ExportedMessage['metadata'];
    idempotency_key: string | null;
    created_at: Date;
  }>`
    select id, seq, role, content, metadata, idempotency_key, created_at from messages
    where user_id = ${userId} and conversation_id = ${conversationId} and seq > ${afterSeq}
    order by seq limit ${limit}`.execute(trx);
  return result.rows.map((row) => ({ ...row, created_at: isoTime(row.created_at) }));
}

/** Locks the users row (as adding a task does) and says whether the account holds anything. */
export async function lockAccountIfEmpty(
  trx: UserTransaction,
  userId: string,
): Promise<'empty' | 'not_empty' | 'missing'> {
  const result = await sql<{ empty: boolean }>`
    select not exists (select from tasks where user_id = ${userId})
       and not exists (select from conversations where user_id = ${userId}) as empty
    from users where id = ${userId} for update`.execute(trx);
  const row = result.rows[0];
  if (row === undefined) return 'missing';
  return row.empty ? 'empty' : 'not_empty';
}

export async function updateImportedAccount(
  trx: UserTransaction,
  userId: string,
  values: { timeZone: string; nextTaskNumber: number },
): Promise<void> {
  // Numbers are never reused: one already handed out here stays handed out.
  await sql`
    update users set time_zone = ${values.timeZone},
           next_task_number = greatest(next_task_number, ${values.nextTaskNumber})
    where id = ${userId}`.execute(trx);
}

export async function insertTasks(
  trx: UserTransaction,
  userId: string,
  rows: readonly ExportedTask[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into tasks (user_id, id, number, title, description, completed, due_date, due_at,
                       priority, created_at, updated_at)
    select ${userId}, r.id, r.number, r.title, r.description, r.completed, r.due_date, r.due_at,
           r.priority, r.created_at, r.updated_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      id uuid, number integer, title text, description text, completed boolean, due_date date,
      due_at timestamptz, priority text, created_at timestamptz, updated_at timestamptz)`.execute(
    trx,
  );
}

export async function insertConversations(
  trx: UserTransaction,
  userId: string,
  rows: readonly (ConversationHead & { message_count: number })[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into conversations (user_id, id, title, status, message_count, created_at, updated_at)
    select ${userId}, r.id, r.title, r.status, r.message_count, r.created_at, r.updated_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      id uuid, title text, status text, message_count integer, created_at timestamptz,
      updated_at timestamptz)`.execute(trx);
}

export async function insertMessages(
  trx: UserTransaction,
  userId: string,
  rows: readonly (ExportedMessage & { conversation_id: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into messages (user_id, conversation_id, id, seq, role, content, metadata,
                          idempotency_key, created_at)
    select ${userId}, r.conversation_id, r.id, r.seq, r.role, r.content, nullif(r.metadata, 'null'::jsonb),
           r.idempotency_key, r.created_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      conversation_id uuid, id uuid, seq integer, role text, content text, metadata jsonb,
      idempotency_key text, created_at timestamptz)`.execute(trx);
}
