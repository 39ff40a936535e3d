// Hardening after an attack run:
// - policies that hold for the switched role only. 0001 wrote them `TO role`,
//   and a policy for a role applies to its members too: the connecting user
//   (granted both roles so that it can switch) saw every account through the
//   auth policy, and a user's rows once app.user_id was set, without ever
//   switching. Each policy now also requires current_user to be its role.
// - sign-in failures kept in the database, so that the throttle is atomic
//   and shared by every server instance.
// - outside sign-in identities: (issuer, subject) maps to a user of its own,
//   never onto a local account that happens to have the subject as its id.
//
// Frozen in time: this file imports nothing from the application.
import { sql, type Kysely } from 'kysely';

const USER_ROLE = 'todochat_user_role';
const AUTH_ROLE = 'todochat_auth_role';
const USER_DATA_TABLES = ['tasks', 'conversations', 'messages'] as const;

const isRole = (role: string) => `current_user = '${role}'`;

// The user a policy admits: app.user_id, but only once the session has
// switched to the user role. Written as one inlinable SQL function, like
// todochat_current_user_id(), so the planner still matches user_id against
// the indexes (a bare current_user test beside it cost the history page its
// index scan).
const SCOPED_USER_FUNCTION = `CREATE FUNCTION todochat_scoped_user_id() RETURNS uuid
   LANGUAGE sql STABLE PARALLEL SAFE
   AS $$ SELECT CASE WHEN ${isRole(USER_ROLE)}
                THEN nullif(current_setting('app.user_id', true), '')::uuid END $$`;

function policies(strict: boolean): string[] {
  const userId = strict ? 'todochat_scoped_user_id()' : 'todochat_current_user_id()';
  const ownRows = `user_id = ${userId}`;
  return [
    `ALTER POLICY users_self ON users USING (id = ${userId})`,
    ...USER_DATA_TABLES.map(
      (table) =>
        `ALTER POLICY ${table}_owner ON ${table} USING (${ownRows}) WITH CHECK (${ownRows})`,
    ),
    strict
      ? `ALTER POLICY users_accounts ON users USING (${isRole(AUTH_ROLE)}) WITH CHECK (${isRole(AUTH_ROLE)})`
      : `ALTER POLICY users_accounts ON users USING (true) WITH CHECK (true)`,
  ];
}

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    SCOPED_USER_FUNCTION,
    ...policies(true),
    // The auth policy is now a condition the planner must check before any
    // condition that could leak a row (lower() is not leakproof), so a lookup
    // by lower(email) could no longer use its index. A stored lower-case copy
    // compared with = (leakproof) can.
    `ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED`,
    `DROP INDEX users_email_key`,
    `CREATE UNIQUE INDEX users_email_key ON users (email_lower)`,
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
       USING (${isRole(AUTH_ROLE)}) WITH CHECK (${isRole(AUTH_ROLE)})`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO ${AUTH_ROLE}`,

    // Looked up before anyone is known, by what the other service says; like
    // users (whose id is the user id) it is keyed by that, not by user_id.
    `CREATE TABLE identities (
       issuer text NOT NULL CONSTRAINT identities_issuer_length CHECK (char_length(issuer) <= 2000),
       subject text NOT NULL CONSTRAINT identities_subject_length CHECK (char_length(subject) BETWEEN 1 AND 500),
       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (issuer, subject)
     )`,
    `CREATE INDEX identities_user_id_idx ON identities (user_id)`,
    `ALTER TABLE identities ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE identities FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY identities_auth ON identities TO ${AUTH_ROLE}
       USING (${isRole(AUTH_ROLE)}) WITH CHECK (${isRole(AUTH_ROLE)})`,
    `GRANT SELECT, INSERT, DELETE ON identities TO ${AUTH_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `DROP TABLE identities`,
    `DROP TABLE login_failures`,
    `DROP INDEX users_email_key`,
    `ALTER TABLE users DROP COLUMN email_lower`,
    `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
    ...policies(false),
    `DROP FUNCTION todochat_scoped_user_id()`,
  ]);
}
