// The initial schema: users, tasks, conversations, messages, the two roles the
// service switches to, and the row-level security that confines each role.
//
// Frozen in time: this file imports nothing from the application, so later
// changes to the code cannot change what this migration did.
//
// Every key on user data leads with user_id. A message can only reference a
// conversation of the same user, and the layout is what a distributed Postgres
// sharded by user_id (Citus) requires. users is the root of that tree: its key
// *is* the user id, and it would be a reference or co-located table there.
import { sql, type Kysely } from 'kysely';

const USER_ROLE = 'todochat_user_role';
const AUTH_ROLE = 'todochat_auth_role';

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

// Roles are cluster-wide, so several databases on one server (tests, staging
// next to production) share them: create only when missing, tolerate a race.
const createRole = (role: string) => `
  DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
      CREATE ROLE ${role} NOLOGIN;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`;

// Another database may still grant to the role; then it stays, harmlessly.
const dropRole = (role: string) => `
  DO $$ BEGIN
    DROP ROLE IF EXISTS ${role};
  EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN NULL;
  END $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    createRole(USER_ROLE),
    createRole(AUTH_ROLE),
    // The connecting role must be able to SET ROLE to both (a superuser can anyway).
    `GRANT ${USER_ROLE}, ${AUTH_ROLE} TO CURRENT_USER`,
    `GRANT USAGE ON SCHEMA public TO ${USER_ROLE}, ${AUTH_ROLE}`,

    // '' (what current_setting returns once a transaction that set it has
    // ended) and NULL both mean "no user": such a session sees no rows.
    `CREATE FUNCTION todochat_current_user_id() RETURNS uuid
       LANGUAGE sql STABLE PARALLEL SAFE
       AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$`,

    `CREATE FUNCTION todochat_set_updated_at() RETURNS trigger
       LANGUAGE plpgsql
       AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$`,

    `CREATE TABLE users (
       id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
       email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 320),
       password_hash text,
       next_task_number integer NOT NULL DEFAULT 1 CONSTRAINT users_next_task_number_positive CHECK (next_task_number > 0),
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
    // Handing out task numbers must not count as a change to the account.
    `CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW
       WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
       EXECUTE FUNCTION todochat_set_updated_at()`,

    `CREATE TABLE tasks (
       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       id uuid NOT NULL DEFAULT gen_random_uuid(),
       number integer NOT NULL CONSTRAINT tasks_number_positive CHECK (number > 0),
       title text NOT NULL CONSTRAINT tasks_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
       description text CONSTRAINT tasks_description_length CHECK (char_length(description) <= 2000),
       completed boolean NOT NULL DEFAULT false,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, id),
       CONSTRAINT tasks_user_number_key UNIQUE (user_id, number)
     )`,
    `CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks FOR EACH ROW
       EXECUTE FUNCTION todochat_set_updated_at()`,

    // fillfactor leaves room on each page so that the update every saved
    // message makes to its conversation can stay a heap-only (HOT) update.
    `CREATE TABLE conversations (
       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       id uuid NOT NULL DEFAULT gen_random_uuid(),
       title text CONSTRAINT conversations_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
       status text NOT NULL DEFAULT 'active' CONSTRAINT conversations_status_check CHECK (status IN ('active', 'archived')),
       message_count integer NOT NULL DEFAULT 0 CONSTRAINT conversations_message_count_nonnegative CHECK (message_count >= 0),
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, id)
     ) WITH (fillfactor = 80)`,
    // Serves "most recent active conversation" and every page of the list,
    // filtered by status or merged across both statuses.
    `CREATE INDEX conversations_user_status_recency_idx
       ON conversations (user_id, status, updated_at DESC, id DESC)`,
    `CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON conversations FOR EACH ROW
       EXECUTE FUNCTION todochat_set_updated_at()`,

    // seq numbers a conversation's messages 1, 2, 3... with no gaps: it is
    // taken from conversations.message_count while that row is locked.
    `CREATE TABLE messages (
       user_id uuid NOT NULL,
       conversation_id uuid NOT NULL,
       id uuid NOT NULL DEFAULT gen_random_uuid(),
       seq integer NOT NULL CONSTRAINT messages_seq_positive CHECK (seq > 0),
       role text NOT NULL CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant')),
       content text NOT NULL CONSTRAINT messages_content_not_empty CHECK (char_length(content) >= 1),
       metadata jsonb CONSTRAINT messages_metadata_object CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
       idempotency_key text CONSTRAINT messages_idempotency_key_length CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, id),
       CONSTRAINT messages_conversation_seq_key UNIQUE (user_id, conversation_id, seq),
       CONSTRAINT messages_conversation_fkey FOREIGN KEY (user_id, conversation_id)
         REFERENCES conversations (user_id, id) ON DELETE CASCADE,
       CONSTRAINT messages_user_content_length CHECK (role <> 'user' OR char_length(content) <= 1000),
       CONSTRAINT messages_content_length CHECK (char_length(content) <= 100000),
       CONSTRAINT messages_metadata_size CHECK (octet_length(metadata::text) <= 65536)
     )`,
    `CREATE UNIQUE INDEX messages_idempotency_key
       ON messages (user_id, conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,

    // Row-level security, enabled and forced so that even the table owner is
    // subject to it. The service never queries as the owner: it switches to
    // one of the two roles below for every transaction.
    ...['users', 'tasks', 'conversations', 'messages'].flatMap((table) => [
      `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    ]),
    `CREATE POLICY users_self ON users TO ${USER_ROLE}
       USING (id = todochat_current_user_id())`,
    ...['tasks', 'conversations', 'messages'].map(
      (table) => `CREATE POLICY ${table}_owner ON ${table} TO ${USER_ROLE}
         USING (user_id = todochat_current_user_id())
         WITH CHECK (user_id = todochat_current_user_id())`,
    ),
    // Sign-up, sign-in and account deletion happen before there is a user
    // context; that role may touch the users table and nothing else.
    `CREATE POLICY users_accounts ON users TO ${AUTH_ROLE} USING (true) WITH CHECK (true)`,

    `GRANT SELECT, UPDATE (next_task_number) ON users TO ${USER_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON tasks, conversations, messages TO ${USER_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON users TO ${AUTH_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `DROP TABLE messages`,
    `DROP TABLE conversations`,
    `DROP TABLE tasks`,
    `DROP TABLE users`,
    `DROP FUNCTION todochat_set_updated_at()`,
    `DROP FUNCTION todochat_current_user_id()`,
    `REVOKE USAGE ON SCHEMA public FROM ${USER_ROLE}, ${AUTH_ROLE}`,
    dropRole(USER_ROLE),
    dropRole(AUTH_ROLE),
  ]);
}
