// Every query the services make runs in a transaction that has switched to a
// non-owner role, so row-level security applies even on an engine that
// connects as a superuser (PGlite always does). The user's id travels in the
// transaction-local setting app.user_id, which the policies read.
//
// Whatever fails inside is translated once (database-errors.ts) into the
// domain's typed errors; nothing above src/db sees SQL error codes.
import { sql, type Kysely, type Transaction } from 'kysely';
import { translateDatabaseError } from './database-errors.ts';
import type { Database } from './schema.ts';

export const USER_ROLE = 'todochat_user_role';
export const AUTH_ROLE = 'todochat_auth_role';

/** A transaction confined by RLS to one user's rows. */
export type UserTransaction = Transaction<Database> & { readonly __scope: 'user' };
/** A transaction that may read and write the users table, and nothing else. */
export type AuthTransaction = Transaction<Database> & { readonly __scope: 'auth' };

export function asUser<T>(
  db: Kysely<Database>,
  userId: string,
  work: (trx: UserTransaction) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    // set_config('role', ..., true) is SET LOCAL ROLE as a function, which
    // lets both settings travel in one round trip.
    await sql`select set_config('role', ${USER_ROLE}, true), set_config('app.user_id', ${userId}, true)`.execute(
      trx,
    );
    return work(trx as UserTransaction);
  });
}

export function asAuth<T>(
  db: Kysely<Database>,
  work: (trx: AuthTransaction) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await sql`select set_config('role', ${AUTH_ROLE}, true)`.execute(trx);
    return work(trx as AuthTransaction);
  });
}

async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
