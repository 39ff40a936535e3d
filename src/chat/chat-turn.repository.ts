// Claims on chat turns and the per-user model-call counters (0003_chat_turns).
import { sql, type Selectable } from 'kysely';
import { messageColumns, toMessage } from '../conversations/message.repository.ts';
import type { Message } from '../conversations/conversation.ts';
import { execute, type AtCommit, type UserExecutor, type UserTransaction } from '../db/scope.ts';
import type { JsonObject, MessageTable } from '../db/schema.ts';

export type TurnState = 'running' | 'done' | 'failed';

export interface TurnRecord {
  state: TurnState;
  attempt: number;
  /** Still running and its lease not yet over: someone is working on it. */
  live: boolean;
  stopRequested: boolean;
  replyId: string | null;
  error: JsonObject | null;
}

interface TurnRow {
  state: TurnState;
  attempt: number;
  live: boolean;
  stop_requested: boolean;
  reply_id: string | null;
  error: JsonObject | null;
}

function toTurn(row: TurnRow): TurnRecord {
  return {
    state: row.state,
    attempt: row.attempt,
    live: row.live,
    stopRequested: row.stop_requested,
    replyId: row.reply_id,
    error: row.error,
  };
}

/**
 * Claims the turn that answers `userMessageId`, in one statement: a new
 * turn, one that failed, or one whose lease ran out (its instance died) is
 * ours, and the attempt it returns fences out the earlier holder. Null when
 * the turn is running elsewhere or already answered.
 */
export async function claimTurn(
  trx: UserTransaction | AtCommit,
  userId: string,
  turn: { userMessageId: string; conversationId: string; leaseMs: number },
): Promise<number | null> {
  const result = await execute(
    trx,
    sql<{ attempt: number }>`
    insert into chat_turns (user_id, user_message_id, conversation_id, lease_until)
    values (${userId}, ${turn.userMessageId}, ${turn.conversationId},
            now() + ${turn.leaseMs} * interval '1 millisecond')
    on conflict (user_id, user_message_id) do update
      set state = 'running', attempt = chat_turns.attempt + 1, lease_until = excluded.lease_until,
          stop_requested = false, error = null
      where chat_turns.state = 'failed'
         or (chat_turns.state = 'running' and chat_turns.lease_until < now())
    returning attempt`,
  );
  return result.rows[0]?.attempt ?? null;
}

export async function findTurn(
  trx: UserTransaction,
  userId: string,
  userMessageId: string,
): Promise<TurnRecord | null> {
  const result = await sql<TurnRow>`
    select state, attempt, stop_requested, reply_id, error,
           (state = 'running' and lease_until >= now()) as live
    from chat_turns
    where user_id = ${userId} and user_message_id = ${userMessageId}`.execute(trx);
  const row = result.rows[0];
  return row === undefined ? null : toTurn(row);
}

/** Ends our attempt; false when another instance has taken the turn over since. */
export async function endTurn(
  trx: UserTransaction,
  userId: string,
  turn: { userMessageId: string; attempt: number },
  outcome: { state: 'done'; replyId: string } | { state: 'failed'; error: JsonObject },
): Promise<boolean> {
  const result = await trx
    .updateTable('chat_turns')
    .set({
      state: outcome.state,
      reply_id: outcome.state === 'done' ? outcome.replyId : null,
      error: outcome.state === 'failed' ? JSON.stringify(outcome.error) : null,
      lease_until: sql<Date>`now()`,
    })
    .where('user_id', '=', userId)
    .where('user_message_id', '=', turn.userMessageId)
    .where('attempt', '=', turn.attempt)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends our attempt with its reply, in one statement: the turn is marked done,
 * the reply appended as the conversation's next message (and, on a first
 * turn, the title set unless someone has named the conversation since).
 * Null, with nothing written, when another instance has taken the turn over.
 * The reply's id is chosen here so that the turn can point at it in the same
 * statement; the foreign key is checked at the statement's end.
 */
export async function finishTurn(
  executor: UserExecutor,
  userId: string,
  turn: { userMessageId: string; attempt: number; conversationId: string },
  reply: { content: string; metadata: JsonObject | null; title: string | null },
): Promise<Message | null> {
  const replyId = crypto.randomUUID();
  const metadata = reply.metadata === null ? null : JSON.stringify(reply.metadata);
  const result = await execute(
    executor,
    sql<Selectable<MessageTable>>`
    with turn as (
      update chat_turns
      set state = 'done', reply_id = ${replyId}, error = null, lease_until = now()
      where user_id = ${userId} and user_message_id = ${turn.userMessageId}
        and attempt = ${turn.attempt} and state = 'running'
      returning 1
    ), conversation as (
      update conversations
      set message_count = message_count + 1, title = coalesce(title, ${reply.title}::text)
      where user_id = ${userId} and id = ${turn.conversationId} and exists (select from turn)
      returning message_count
    )
    insert into messages (id, user_id, conversation_id, seq, role, content, metadata)
    select ${replyId}, ${userId}, ${turn.conversationId}, conversation.message_count,
           'assistant', ${reply.content}, ${metadata}::jsonb
    from conversation
    returning ${messageColumns}`,
  );
  const row = result.rows[0];
  return row === undefined ? null : toMessage(row);
}

/** Asks the turns running in a conversation to stop; how many were asked. */
export async function requestStop(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<number> {
  const result = await sql`
    update chat_turns set stop_requested = true
    where user_id = ${userId} and conversation_id = ${conversationId}
      and state = 'running' and lease_until >= now()`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

export interface RateWindow {
  seconds: number;
  limit: number;
}

export interface CountedWindow extends RateWindow {
  count: number;
  /** Until this window ends. */
  secondsLeft: number;
}

/**
 * Counts one model turn in each fixed window (aligned to the epoch, so every
 * instance agrees), dropping the user's windows that have ended. The caller
 * refuses the turn, and rolls the count back with it, when a count is over
 * its limit.
 */
export async function countModelTurn(
  trx: UserTransaction,
  userId: string,
  windows: readonly RateWindow[],
): Promise<CountedWindow[]> {
  const seconds = windows.map((window) => window.seconds);
  const result = await sql<{ window_seconds: number; count: number; seconds_left: number }>`
    with expired as (
      delete from chat_rate_counters
      where user_id = ${userId}
        and window_start + window_seconds * interval '1 second' <= now()
    )
    insert into chat_rate_counters (user_id, window_seconds, window_start, count)
    select ${userId}, w.seconds,
           to_timestamp(floor(extract(epoch from now()) / w.seconds) * w.seconds), 1
    from unnest(${seconds}::int[]) as w(seconds)
    on conflict (user_id, window_seconds, window_start)
      do update set count = chat_rate_counters.count + 1
    returning window_seconds, count,
      extract(epoch from window_start + window_seconds * interval '1 second' - now())::float8
        as seconds_left`.execute(trx);
  return windows.map((window) => {
    const row = result.rows.find((counted) => counted.window_seconds === window.seconds);
    return { ...window, count: row?.count ?? 0, secondsLeft: row?.seconds_left ?? 0 };
  });
}
