// API keys (personal access tokens): long-lived credentials a user creates
// for MCP clients and scripts. Only a SHA-256 of each key is kept; the key
// itself is shown once, when it is created.
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
    `CREATE TABLE api_keys (
       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       id uuid NOT NULL DEFAULT gen_random_uuid(),
       name text NOT NULL CONSTRAINT api_keys_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
       key_hash text NOT NULL CONSTRAINT api_keys_key_hash_format CHECK (key_hash ~ '^[0-9a-f]{64}$'),
       hint text NOT NULL CONSTRAINT api_keys_hint_length CHECK (char_length(hint) BETWEEN 1 AND 20),
       created_at timestamptz NOT NULL DEFAULT now(),
       last_used_at timestamptz,
       PRIMARY KEY (user_id, id),
       CONSTRAINT api_keys_key_hash_key UNIQUE (user_id, key_hash),
       CONSTRAINT api_keys_name_key UNIQUE (user_id, name)
     )`,
    `ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE api_keys FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY api_keys_owner ON api_keys TO ${USER_ROLE}
       USING (user_id = todochat_current_user_id())
       WITH CHECK (user_id = todochat_current_user_id())`,
    `GRANT SELECT, INSERT, DELETE, UPDATE (last_used_at) ON api_keys TO ${USER_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [`DROP TABLE api_keys`]);
}
