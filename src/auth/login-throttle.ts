// Slows password guessing: after a few failed sign-ins for one email from one
// address, further attempts wait, twice as long after each new failure.
//
// The state lives in the database (login_failures), so every server instance
// sharing it shares one budget, and an attempt is claimed before its password
// is checked, under a row lock: of 40 simultaneous guesses, only the free
// budget gets as far as the password check. A successful sign-in clears the
// count. The decision itself is the pure function `decideAttempt`.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { asAuth } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { RateLimitedError } from '../errors.ts';
import * as failures from './login-failure.repository.ts';

export interface ThrottlePolicy {
  /** Attempts that never wait. */
  freeFailures: number;
  /** The wait after the last free attempt; it doubles with each attempt after. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A count whose last attempt is older than this starts again from zero. */
  forgetAfterMs: number;
  /**
   * One attempt in this many also deletes the counts nobody has added to for
   * longer than forgetAfterMs, so the table stays as small as the live ones.
   */
  sweepOneIn: number;
}

export const DEFAULT_THROTTLE_POLICY: Readonly<ThrottlePolicy> = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  sweepOneIn: 100,
});

export interface ThrottleState {
  failures: number;
  blockedUntil: number;
  lastFailureAt: number;
}

export type AttemptDecision =
  { admitted: true; next: ThrottleState } | { admitted: false; retryAfterSeconds: number };

/** How long attempt number `failures` (1-based) makes the next one wait. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  const over = failures - policy.freeFailures;
  if (over < 0) return 0;
  return Math.min(policy.baseDelayMs * 2 ** over, policy.maxDelayMs);
}

/** Whether an attempt at `now` may go ahead, and the state it leaves if so. */
export function decideAttempt(
  previous: ThrottleState | undefined,
  now: number,
  policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
): AttemptDecision {
  // Only a spent budget blocks. Each instance's transaction reads the clock
  // when it starts, so one that waited for the row lock may read an earlier
  // time than the attempt it queued behind recorded.
  if (
    previous !== undefined &&
    previous.failures >= policy.freeFailures &&
    previous.blockedUntil > now
  ) {
    return {
      admitted: false,
      retryAfterSeconds: Math.max(1, Math.ceil((previous.blockedUntil - now) / 1000)),
    };
  }
  const fresh = previous === undefined || now - previous.lastFailureAt >= policy.forgetAfterMs;
  const count = fresh ? 1 : previous.failures + 1;
  return {
    admitted: true,
    next: { failures: count, blockedUntil: now + delayAfter(count, policy), lastFailureAt: now },
  };
}

export function throttleKey(email: string, address: string): Buffer {
  return createHash('sha256').update(`${email.trim().toLowerCase()}|${address}`).digest();
}

export class LoginThrottle {
  readonly #db: Kysely<Database>;
  readonly #policy: ThrottlePolicy;

  constructor(db: Kysely<Database>, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY) {
    this.#db = db;
    this.#policy = policy;
  }

  /** Counts an attempt for this email and address, or throws RateLimitedError while it must wait. */
  async admit(email: string, address: string): Promise<void> {
    const key = throttleKey(email, address);
    const decision = await asAuth(this.#db, async (trx) => {
      const { state, now } = await failures.lockLoginFailure(trx, key);
      const outcome = decideAttempt(state, now, this.#policy);
      if (outcome.admitted) await failures.saveLoginFailure(trx, key, outcome.next);
      return { ...outcome, now };
    });
    // The sweep reaches every key, so on a database sharded by key_hash every
    // shard: it runs in a transaction of its own, after the claim has
    // committed, so the claim stays on one shard and holds its row lock no
    // longer than it must.
    if (Math.random() * this.#policy.sweepOneIn < 1) {
      await asAuth(this.#db, (trx) =>
        failures.deleteLoginFailuresBefore(trx, decision.now - this.#policy.forgetAfterMs),
      );
    }
    if (!decision.admitted) {
      const seconds = decision.retryAfterSeconds;
      throw new RateLimitedError(
        `Too many failed sign-ins; try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
        seconds,
      );
    }
  }

  /** A sign-in went through: its count starts again. */
  async succeed(email: string, address: string): Promise<void> {
    const key = throttleKey(email, address);
    await asAuth(this.#db, (trx) => failures.deleteLoginFailure(trx, key));
  }
}
