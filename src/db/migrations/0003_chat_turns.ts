// Chat turns and per-user rate counters.
//
// chat_turns holds one row per user message the model answers: the claim
// that makes a turn run once however many copies of the request arrive, on
// however many instances. A copy finds the row and waits for (or replays)
// its outcome; a turn whose instance died is taken over once its lease has
// run out. It also carries a stop request from any instance to the one
// running the turn.
//
// chat_rate_counters counts model turns per user in fixed windows, so a limit
// holds across instances.
//
// Frozen in time: this file imports nothing from the application.
import { sql, type Kysely } from 'kysely';

const USER_ROLE = 'todochat_user_role';

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `CREATE TABLE chat_turns (
       user_id uuid NOT NULL,
       user_message_id uuid NOT NULL,
       conversation_id uuid NOT NULL,
       state text NOT NULL DEFAULT 'running'
         CONSTRAINT chat_turns_state_check CHECK (state IN ('running', 'done', 'failed')),
       attempt integer NOT NULL DEFAULT 1 CONSTRAINT chat_turns_attempt_positive CHECK (attempt > 0),
       lease_until timestamptz NOT NULL,
       stop_requested boolean NOT NULL DEFAULT false,
       reply_id uuid,
       error jsonb CONSTRAINT chat_turns_error_object CHECK (error IS NULL OR jsonb_typeof(error) = 'object'),
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, user_message_id),
       CONSTRAINT chat_turns_message_fkey FOREIGN KEY (user_id, user_message_id)
         REFERENCES messages (user_id, id) ON DELETE CASCADE,
       CONSTRAINT chat_turns_conversation_fkey FOREIGN KEY (user_id, conversation_id)
         REFERENCES conversations (user_id, id) ON DELETE CASCADE
     )`,
    // A stop request names a conversation: it finds the turns running there.
    `CREATE INDEX chat_turns_running_idx ON chat_turns (user_id, conversation_id)
       WHERE state = 'running'`,
    `CREATE TRIGGER chat_turns_set_updated_at BEFORE UPDATE ON chat_turns FOR EACH ROW
       EXECUTE FUNCTION todochat_set_updated_at()`,
    `CREATE TABLE chat_rate_counters (
       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       window_seconds integer NOT NULL CONSTRAINT chat_rate_counters_window_positive CHECK (window_seconds > 0),
       window_start timestamptz NOT NULL,
       count integer NOT NULL CONSTRAINT chat_rate_counters_count_nonnegative CHECK (count >= 0),
       PRIMARY KEY (user_id, window_seconds, window_start)
     )`,
    ...['chat_turns', 'chat_rate_counters'].flatMap((table) => [
      `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY ${table}_owner ON ${table} TO ${USER_ROLE}
         USING (user_id = todochat_current_user_id())
         WITH CHECK (user_id = todochat_current_user_id())`,
    ]),
    `GRANT SELECT, INSERT, UPDATE, DELETE ON chat_turns, chat_rate_counters TO ${USER_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [`DROP TABLE chat_rate_counters`, `DROP TABLE chat_turns`]);
}
