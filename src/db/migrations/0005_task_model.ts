// The task model a person runs their week on: due dates, priorities, the
// user's time zone, and full-text search over messages and tasks.
//
// Frozen in time: this file imports nothing from the application.
//
// A due is two columns. due_date is the calendar day in the user's time zone
// and is set for every task that has a due; due_at is the exact instant and is
// set only when a time was given ("friday" has a day but no instant). Every
// list ("today", "overdue", "upcoming", "no date") is then a range over one
// indexed column, and a date-only due never shifts a day for someone west of
// Greenwich, as it would if it were stored as midnight UTC. The price: a
// timed due's day depends on the zone, so changing users.time_zone
// re-derives due_date for that user's timed tasks in the same transaction.
import { sql, type Kysely } from 'kysely';

const USER_ROLE = 'todochat_user_role';

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

// Under row-level security the planner uses an index only for a leakproof
// operator, and @@ (ts_match_vq) is not marked so: without this, a search
// reads every row of the user through the user_id index. It only answers
// true or false and raises no error that shows a value, so where the
// migration runs as a superuser (PGlite always; a self-hosted server
// usually) it is marked leakproof. On a managed server without superuser
// the search still works, scanning the user's rows.
const markLeakproof = (leakproof: boolean) => `
  DO $$ BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      ALTER FUNCTION ts_match_vq(tsvector, tsquery) ${leakproof ? 'LEAKPROOF' : 'NOT LEAKPROOF'};
    END IF;
  END $$`;

// High first, then normal, then low: the order lists are read in.
const PRIORITY_RANK = `(CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    `ALTER TABLE users
       ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'
         CONSTRAINT users_time_zone_length CHECK (char_length(time_zone) BETWEEN 1 AND 64)`,
    `GRANT UPDATE (time_zone) ON users TO ${USER_ROLE}`,

    `ALTER TABLE tasks
       ADD COLUMN due_date date,
       ADD COLUMN due_at timestamptz,
       ADD COLUMN priority text NOT NULL DEFAULT 'normal'
         CONSTRAINT tasks_priority_check CHECK (priority IN ('low', 'normal', 'high')),
       ADD CONSTRAINT tasks_due_at_has_date CHECK (due_at IS NULL OR due_date IS NOT NULL),
       ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
         to_tsvector('english', title || ' ' || coalesce(description, ''))
       ) STORED`,
    // The order of every list: due day (none last), time within the day
    // (date-only after timed ones), priority, number.
    `CREATE INDEX tasks_user_due_idx
       ON tasks (user_id, due_date, due_at, ${PRIORITY_RANK}, number)`,
    // The same order within one priority, for priority=high lists.
    `CREATE INDEX tasks_user_priority_due_idx
       ON tasks (user_id, priority, due_date, due_at, number)`,
    `CREATE INDEX tasks_search_idx ON tasks USING gin (search_vector) WITH (fastupdate = off)`,

    `ALTER TABLE messages
       ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED`,
    `CREATE INDEX messages_search_idx ON messages USING gin (search_vector) WITH (fastupdate = off)`,
    markLeakproof(true),
  ]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await run(db, [
    markLeakproof(false),
    `DROP INDEX messages_search_idx`,
    `ALTER TABLE messages DROP COLUMN search_vector`,
    `DROP INDEX tasks_search_idx`,
    `DROP INDEX tasks_user_priority_due_idx`,
    `DROP INDEX tasks_user_due_idx`,
    `ALTER TABLE tasks
       DROP CONSTRAINT tasks_due_at_has_date,
       DROP COLUMN search_vector,
       DROP COLUMN priority,
       DROP COLUMN due_at,
       DROP COLUMN due_date`,
    `REVOKE UPDATE (time_zone) ON users FROM ${USER_ROLE}`,
    `ALTER TABLE users DROP COLUMN time_zone`,
  ]);
}
