// Every query the services make runs in a transaction that has switched to a
// non-owner role, so row-level security applies even on an engine that
// connects as a superuser (PGlite always does). The user's id travels in the
// transaction-local setting app.user_id, which the policies read.
//
// The drivers (drivers.ts) send the switch with the transaction's first
// statement, and a one-statement operation (`userStatement`) as a single
// batch with its BEGIN, switch and COMMIT.
//
// An HTTP request that has only checked its token's signature runs inside
// `requiringUser()`: the first transaction it opens also checks that the
// user still exists, in the same round trip, and refuses otherwise.
//
// Driver errors are translated here, once, into the domain's typed errors;
// nothing above this file sees SQL error codes.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery, Kysely, QueryResult, RawBuilder, Transaction } from 'kysely';
import {
  AppError,
  ConflictError,
  DatabaseUnavailableError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type ValidationIssue,
} from '../errors.ts';
import { alone, batches, switchTo, UnknownUserError, type Scope } from './drivers.ts';
import type { Database } from './schema.ts';

export const USER_ROLE = 'todochat_user_role';
export const AUTH_ROLE = 'todochat_auth_role';

/** A transaction confined by RLS to one user's rows. */
export type UserTransaction = Transaction<Database> & { readonly __scope: 'user' };
/** A transaction that may read and write the users table, and nothing else. */
export type AuthTransaction = Transaction<Database> & { readonly __scope: 'auth' };

/**
 * One statement as the user, in a transaction of its own, sent as one round
 * trip. For operations that are a single statement; anything that reads and
 * then decides takes `asUser`.
 */
export interface UserStatement {
  readonly __scope: 'user-statement';
  readonly db: Kysely<Database>;
  readonly userId: string;
}

/** What a repository function that sends one statement accepts. */
export type UserExecutor = UserTransaction | UserStatement;

interface PendingUserCheck {
  userId: string;
  checked: boolean;
}

const pendingUserCheck = new AsyncLocalStorage<PendingUserCheck>();

/**
 * Runs `work` (an HTTP request) for a user whose token was verified but
 * whose row was not looked up: the first transaction for that user checks
 * it. Returns whether anything did; if not, the caller must check.
 */
export async function requiringUser(userId: string, work: () => Promise<void>): Promise<boolean> {
  const pending: PendingUserCheck = { userId, checked: false };
  await pendingUserCheck.run(pending, work);
  return pending.checked;
}

function scopeFor(userId: string): Scope {
  const pending = pendingUserCheck.getStore();
  if (pending === undefined || pending.checked || pending.userId !== userId) {
    return { role: USER_ROLE, userId };
  }
  // Marked before the answer: a failed check ends the request anyway.
  pending.checked = true;
  return { role: USER_ROLE, userId, requireUser: true };
}

export function asUser<T>(
  db: Kysely<Database>,
  userId: string,
  work: (trx: UserTransaction) => Promise<T>,
): Promise<T> {
  const scope = scopeFor(userId);
  return inTransaction(db, scope, (trx) => work(trx as UserTransaction));
}

export function asAuth<T>(
  db: Kysely<Database>,
  work: (trx: AuthTransaction) => Promise<T>,
): Promise<T> {
  return inTransaction(db, { role: AUTH_ROLE, userId: null }, (trx) =>
    work(trx as AuthTransaction),
  );
}

export function userStatement(db: Kysely<Database>, userId: string): UserStatement {
  return { __scope: 'user-statement', db, userId };
}

/** Sends `query` (a `sql` template or a compiled builder) through either kind of executor. */
export async function execute<R>(
  executor: UserExecutor,
  query: RawBuilder<R> | CompiledQuery<R>,
): Promise<QueryResult<R>> {
  if (!isUserStatement(executor)) return executor.executeQuery(compile(query, executor));
  const { db, userId } = executor;
  const scope = scopeFor(userId);
  const compiled = compile(query, db);
  if (!batches(db)) return inTransaction(db, scope, (trx) => trx.executeQuery(compiled));
  try {
    return await db.executeQuery(alone(compiled, scope));
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/** The query builder to build a statement for `executor` with. */
export function queries(executor: UserExecutor): Kysely<Database> {
  return isUserStatement(executor) ? executor.db : executor;
}

function isUserStatement(executor: UserExecutor): executor is UserStatement {
  return (executor as Partial<UserStatement>).__scope === 'user-statement';
}

function compile<R>(
  query: RawBuilder<R> | CompiledQuery<R>,
  db: Kysely<Database>,
): CompiledQuery<R> {
  return 'isRawBuilder' in query ? query.compile(db) : query;
}

async function inTransaction<T>(
  db: Kysely<Database>,
  scope: Scope,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.executeQuery(switchTo(scope));
      return work(trx);
    });
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
  messages_idempotency_key_length: {
    field: 'idempotencyKey',
    message: 'must be between 1 and 200 characters',
  },
};

const FOREIGN_KEY_RESOURCES: Readonly<Record<string, string>> = {
  tasks_user_id_fkey: 'user',
  conversations_user_id_fkey: 'user',
  messages_conversation_fkey: 'conversation',
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
  if (error instanceof UnknownUserError) {
    return new UnauthorizedError('The account for this token no longer exists');
  }
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
