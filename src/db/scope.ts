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
// `requiringUser()`: the first transaction as its user also checks that the
// user still exists, in the same round trip, and refuses otherwise.
//
// Whatever fails inside is translated once (database-errors.ts) into the
// domain's typed errors; nothing above src/db sees SQL error codes.
import type { CompiledQuery, Kysely, QueryResult, RawBuilder, Transaction } from 'kysely';
import { translateDatabaseError } from './database-errors.ts';
import { alone, batches, sentWithCommit, switchTo, type Scope } from './drivers.ts';
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

/**
 * A statement that rides with its transaction's COMMIT (`withCommit`): what
 * a repository function may also accept.
 */
export interface AtCommit {
  readonly __scope: 'at-commit';
  readonly trx: UserTransaction;
  /** Settle as the connection takes each statement made through this. */
  readonly taken: Promise<unknown>[];
}

/** What a repository function accepts that can also send with the COMMIT. */
export type Executor = UserExecutor | AtCommit;

/**
 * Sends the statements made through it with `trx`'s COMMIT, saving the
 * round trip the COMMIT would take alone. For statements whose answers
 * nothing in the transaction waits for: they run in the transaction, in the
 * order made, after every statement sent the ordinary way, and each promise
 * settles only after the commit, so awaiting one inside the transaction
 * never returns. Hand the promise out of the transaction, mark it handled (a
 * failed commit rejects it, and the transaction's own error is the one to
 * report), await it after. Before the transaction's work returns, await
 * `held()`: a statement still on its way to the connection when the COMMIT
 * goes would miss it.
 */
export function withCommit(trx: UserTransaction): AtCommit {
  return { __scope: 'at-commit', trx, taken: [] };
}

/** Resolves once the connection holds every statement made through `commit`. */
export async function held(commit: AtCommit): Promise<void> {
  await Promise.all(commit.taken);
}

/** One request whose token's user has not been seen to exist yet. */
interface PendingUserCheck {
  checked: boolean;
}

// The requests waiting on a user check, by database and user. A module-level
// map rather than an AsyncLocalStorage: on Node 20 one of those turns on
// promise hooks for the whole process, which cost a chat turn over HTTP a
// tenth (15.95 -> 17.62 ms on PostgreSQL, hooks toggled in one process);
// Node 24's cost nothing, but 20 is supported. A transaction as the user
// does the check for every request of that user waiting when it begins, and
// tells each what its own first transaction would: the user existed after
// the request began. A failed check answers none of them.
const pendingChecks = new WeakMap<Kysely<Database>, Map<string, Set<PendingUserCheck>>>();

/**
 * Runs `work` (an HTTP request) for a user whose token was verified but
 * whose row was not looked up: the first transaction as that user, on `db`,
 * checks it. Returns whether anything did; if not, the caller must check.
 */
export async function requiringUser(
  db: Kysely<Database>,
  userId: string,
  work: () => Promise<void>,
): Promise<boolean> {
  let users = pendingChecks.get(db);
  if (users === undefined) {
    users = new Map();
    pendingChecks.set(db, users);
  }
  let waiting = users.get(userId);
  if (waiting === undefined) {
    waiting = new Set();
    users.set(userId, waiting);
  }
  const pending: PendingUserCheck = { checked: false };
  waiting.add(pending);
  try {
    await work();
  } finally {
    waiting.delete(pending);
    if (waiting.size === 0) users.delete(userId);
  }
  return pending.checked;
}

/**
 * Tells the requests running inside `requiringUser()` for this user that it
 * was seen to exist by a query that did not switch to the user (an
 * auth-role read or delete of the row), so no check is owed afterwards.
 * Deleting one's own account must not end in "this account no longer
 * exists".
 */
export function confirmUserExists(db: Kysely<Database>, userId: string): void {
  const waiting = pendingChecks.get(db)?.get(userId);
  if (waiting !== undefined) for (const pending of waiting) pending.checked = true;
}

/** How a transaction as `userId` switches, and the requests its check answers. */
interface Switch {
  readonly scope: Scope;
  readonly answers: readonly PendingUserCheck[];
}

function switchFor(db: Kysely<Database>, userId: string): Switch {
  const waiting = pendingChecks.get(db)?.get(userId);
  const answers: PendingUserCheck[] = [];
  if (waiting !== undefined)
    for (const pending of waiting) if (!pending.checked) answers.push(pending);
  if (answers.length === 0) return { scope: { role: USER_ROLE, userId }, answers };
  return { scope: { role: USER_ROLE, userId, requireUser: true }, answers };
}

/** The check went through: the user exists, for every request it answers. */
function answered(answers: readonly PendingUserCheck[]): void {
  for (const pending of answers) pending.checked = true;
}

export async function asUser<T>(
  db: Kysely<Database>,
  userId: string,
  work: (trx: UserTransaction) => Promise<T>,
): Promise<T> {
  const { scope, answers } = switchFor(db, userId);
  const result = await inTransaction(db, scope, (trx) => work(trx as UserTransaction));
  answered(answers);
  return result;
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
  executor: Executor,
  query: RawBuilder<R> | CompiledQuery<R>,
): Promise<QueryResult<R>> {
  if (isAtCommit(executor)) {
    const { trx } = executor;
    const compiled = compile(query, trx);
    // An outside Kysely has no such drivers: there it is sent now, in order,
    // and held() still waits for it, so that it cannot trail the COMMIT.
    if (!batches(trx)) {
      const sent = trx.executeQuery(compiled);
      executor.taken.push(sent);
      return sent;
    }
    const result = sentWithCommit(compiled);
    // Should the connection refuse it, the refusal below is the one thrown.
    result.catch(() => undefined);
    const taken = trx.executeQuery(compiled);
    executor.taken.push(taken);
    await taken;
    return result;
  }
  if (!isUserStatement(executor)) return executor.executeQuery(compile(query, executor));
  const { db, userId } = executor;
  const { scope, answers } = switchFor(db, userId);
  const compiled = compile(query, db);
  let result: QueryResult<R>;
  if (!batches(db)) result = await inTransaction(db, scope, (trx) => trx.executeQuery(compiled));
  else {
    try {
      result = await db.executeQuery(alone(compiled, scope));
    } catch (error) {
      throw translateDatabaseError(error);
    }
  }
  answered(answers);
  return result;
}

/** The query builder to build a statement for `executor` with. */
export function queries(executor: Executor): Kysely<Database> {
  if (isAtCommit(executor)) return executor.trx;
  return isUserStatement(executor) ? executor.db : executor;
}

function isUserStatement(executor: Executor): executor is UserStatement {
  return (executor as Partial<UserStatement>).__scope === 'user-statement';
}

function isAtCommit(executor: Executor): executor is AtCommit {
  return (executor as Partial<AtCommit>).__scope === 'at-commit';
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
