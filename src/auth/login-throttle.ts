// Slows password guessing: after a few failed sign-ins for one email from one
// address, further attempts wait, twice as long after each new failure.
// Held in memory, so it is per process; a fleet behind a load balancer gets
// one budget per instance.
import { RateLimitedError } from '../errors.ts';

const FREE_FAILURES = 5;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Throws RateLimitedError while `key` must wait. */
  check(key: string): void {
    const entry = this.#entries.get(key);
    const now = this.#now();
    if (entry === undefined || entry.blockedUntil <= now) return;
    const seconds = Math.ceil((entry.blockedUntil - now) / 1000);
    throw new RateLimitedError(
      `Too many failed sign-ins; try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
      seconds,
    );
  }

  fail(key: string): void {
    const now = this.#now();
    const previous = this.#entries.get(key);
    const failures =
      previous !== undefined && now - previous.lastFailure < FORGET_AFTER_MS
        ? previous.failures + 1
        : 1;
    const over = failures - FREE_FAILURES + 1;
    const blockedUntil =
      over > 0 ? now + Math.min(BASE_DELAY_MS * 2 ** (over - 1), MAX_DELAY_MS) : 0;
    this.#entries.delete(key);
    this.#entries.set(key, { failures, blockedUntil, lastFailure: now });
    // Maps iterate in insertion order: the first key is the stalest.
    if (this.#entries.size > MAX_ENTRIES) {
      const stalest = this.#entries.keys().next();
      if (stalest.done !== true) this.#entries.delete(stalest.value);
    }
  }

  succeed(key: string): void {
    this.#entries.delete(key);
  }
}
