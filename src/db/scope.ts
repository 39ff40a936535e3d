// Every query the services make runs in a transaction that has switched to a
// non-owner role, so row-level security applies even on an engine that
// connects as a superuser (PGlite always does). The user's id travels in the
// transaction-local setting app.user_id, which the policies read.
//
// Driver errors are translated here, once, into the domain's typed errors;
// nothing above this file sees SQL error codes.
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  AppError,
  ConflictError,
  DatabaseUnavailableError,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from '../errors.ts';
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

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

// Constraints a client's input can break even after validation (a race, or a
// caller that skipped the service): each becomes the error the service would
// have raised.
const CONSTRAINT_ISSUES: Readonly<Record<string, ValidationIssue>> = {
  users_email_length: { field: 'email', message: 'must be between 3 and 320 characters' },
  tasks_title_length: { field: 'title', message: 'must be between 1 and 200 characters' },
  tasks_description_length: { field: 'description', message: 'must be at most 2000 characters' },
  tasks_priority_check: { field: 'priority', message: "must be 'low', 'normal' or 'high'" },
  tasks_due_at_has_date: { field: 'due_date', message: 'must be set when due_at is' },
  users_time_zone_length: { field: 'time_zone', message: 'must be between 1 and 64 characters' },
  conversations_title_length: { field: 'title', message: 'must be between 1 and 200 characters' },
  conversations_status_check: { field: 'status', message: "must be 'active' or 'archived'" },
  messages_role_check: { field: 'role', message: "must be 'user' or 'assistant'" },
  messages_content_not_empty: { field: 'content', message: 'must not be empty' },
  messages_user_content_length: {
    field: 'content',
    message: 'user messages may be at most 1000 characters',
  },
  messages_content_length: { field: 'content', message: 'must be at most 100000 characters' },
  messages_metadata_object: { field: 'metadata', message: 'must be a JSON object' },
  messages_metadata_size: { field: 'metadata', message: 'must be at most 65536 bytes as JSON' },
  api_keys_name_length: { field: 'name', message: 'must be between 1 and 100 characters' },
  messages_idempotency_key_length: {
    field: 'idempotencyKey',
    message: 'must be between 1 and 200 characters',
  },
};

const FOREIGN_KEY_RESOURCES: Readonly<Record<string, string>> = {
  tasks_user_id_fkey: 'user',
  conversations_user_id_fkey: 'user',
  messages_conversation_fkey: 'conversation',
  api_keys_user_id_fkey: 'user',
};

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'PGlite is closed',
  'driver has already been destroyed',
];

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const { code, constraint, message } = error as DriverError;
  const text = typeof message === 'string' ? message : '';
  const name = typeof constraint === 'string' ? constraint : '';
  const options = { cause: error };

  if (typeof code === 'string') {
    if (code === '23514' || code === '23502') {
      const issue = CONSTRAINT_ISSUES[name];
      return issue === undefined
        ? new ValidationError(
            [{ field: name || 'input', message: 'violates a data rule' }],
            options,
          )
        : new ValidationError([issue], options);
    }
    if (code === '23503')
      return new NotFoundError(FOREIGN_KEY_RESOURCES[name] ?? 'record', options);
    if (code === '23505') return new ConflictError('That record already exists', options);
    // Writing a row the policies do not allow: to the caller it does not exist.
    if (code === '42501') return new NotFoundError('record', options);
    if (['22P02', '22P05', '22021', '22001', '22003'].includes(code)) {
      return new ValidationError([{ field: 'input', message: 'has an invalid value' }], options);
    }
    if (code === '57014') {
      return new DatabaseUnavailableError('The database did not answer in time', options);
    }
    if (code.startsWith('08') || code.startsWith('57P') || code === '53300') {
      return new DatabaseUnavailableError('The database is unavailable', options);
    }
    if (UNAVAILABLE_NODE_CODES.has(code)) {
      return new DatabaseUnavailableError('The database is unreachable', options);
    }
  }
  if (UNAVAILABLE_MESSAGES.some((fragment) => text.includes(fragment))) {
    return new DatabaseUnavailableError('The database is unavailable', options);
  }
  return error;
}

/** True when `error` is a unique violation of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const raw = error instanceof ConflictError ? error.cause : error;
  if (typeof raw !== 'object' || raw === null) return false;
  const { code, constraint: name } = raw as DriverError;
  return code === '23505' && name === constraint;
}
