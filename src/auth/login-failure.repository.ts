import { sql } from 'kysely';
import type { AuthTransaction } from '../db/scope.ts';
import type { ThrottleState } from './login-throttle.ts';

/**
 * The count for `keyHash`, locked until the transaction ends, and the
 * database's clock (one clock for every instance). The row is created first
 * when missing, so that two first attempts queue on the same lock.
 */
export async function lockLoginFailure(
  trx: AuthTransaction,
  keyHash: Buffer,
): Promise<{ state: ThrottleState | undefined; now: number }> {
  await trx
    .insertInto('login_failures')
    .values({
      key_hash: keyHash,
      failures: 0,
      blocked_until: sql<Date>`'-infinity'::timestamptz`,
      last_failure_at: sql<Date>`'-infinity'::timestamptz`,
    })
    .onConflict((conflict) => conflict.column('key_hash').doNothing())
    .execute();
  const row = await trx
    .selectFrom('login_failures')
    .select([
      'failures',
      sql<number>`(extract(epoch from blocked_until) * 1000)::float8`.as('blocked_until_ms'),
      sql<number>`(extract(epoch from last_failure_at) * 1000)::float8`.as('last_failure_ms'),
      // clock_timestamp(), not now(): the time once the lock is held, not
      // when the transaction began (possibly before a queued attempt).
      sql<number>`(extract(epoch from clock_timestamp()) * 1000)::float8`.as('now_ms'),
    ])
    .where('key_hash', '=', keyHash)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return {
    state:
      row.failures === 0
        ? undefined
        : {
            failures: row.failures,
            blockedUntil: row.blocked_until_ms,
            lastFailureAt: row.last_failure_ms,
          },
    now: row.now_ms,
  };
}

export async function saveLoginFailure(
  trx: AuthTransaction,
  keyHash: Buffer,
  state: ThrottleState,
): Promise<void> {
  await trx
    .updateTable('login_failures')
    .set({
      failures: state.failures,
      blocked_until: sql<Date>`to_timestamp(${state.blockedUntil / 1000})`,
      last_failure_at: sql<Date>`to_timestamp(${state.lastFailureAt / 1000})`,
    })
    .where('key_hash', '=', keyHash)
    .execute();
}

export async function deleteLoginFailure(trx: AuthTransaction, keyHash: Buffer): Promise<void> {
  await trx.deleteFrom('login_failures').where('key_hash', '=', keyHash).execute();
}

export async function deleteLoginFailuresBefore(
  trx: AuthTransaction,
  beforeMs: number,
): Promise<void> {
  await trx
    .deleteFrom('login_failures')
    .where('last_failure_at', '<', sql<Date>`to_timestamp(${beforeMs / 1000})`)
    .execute();
}
