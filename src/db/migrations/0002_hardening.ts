// Hardening after an attack run: sign-in failures kept in the database, so
// that the throttle is atomic and shared by every server instance.
//
// Frozen in time: this file imports nothing from the application.
import { sql, type Kysely } from 'kysely';

const AUTH_ROLE = 'todochat_auth_role';

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    // key_hash is a SHA-256 of the throttle's key (email and client address),
    // so the table holds no address or email in the clear.
    `CREATE TABLE login_failures (
       key_hash bytea PRIMARY KEY CONSTRAINT login_failures_key_hash_length CHECK (octet_length(key_hash) = 32),
       failures integer NOT NULL CONSTRAINT login_failures_failures_nonnegative CHECK (failures >= 0),
       blocked_until timestamptz NOT NULL,
       last_failure_at timestamptz NOT NULL
     )`,
    `CREATE INDEX login_failures_last_failure_idx ON login_failures (last_failure_at)`,
    `ALTER TABLE login_failures ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE login_failures FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY login_failures_auth ON login_failures TO ${AUTH_ROLE}
       USING (current_user = '${AUTH_ROLE}') WITH CHECK (current_user = '${AUTH_ROLE}')`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO ${AUTH_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [`DROP TABLE login_failures`]);
}
