import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_THROTTLE_POLICY as policy,
  decideAttempt,
  delayAfter,
  throttleKey,
  type ThrottleState,
} from './login-throttle.ts';

describe('delayAfter', () => {
  const cases: [failures: number, ms: number][] = [
    [1, 0],
    [4, 0],
    [5, 1_000],
    [6, 2_000],
    [7, 4_000],
    [14, 512_000],
    [15, 900_000],
    [60, 900_000],
  ];
  for (const [failures, ms] of cases) {
    it(`waits ${ms} ms after attempt ${failures}`, () => {
      assert.equal(delayAfter(failures, policy), ms);
    });
  }
});

describe('decideAttempt', () => {
  const now = 1_700_000_000_000;

  it('admits a first attempt and starts the count at one', () => {
    assert.deepEqual(decideAttempt(undefined, now), {
      admitted: true,
      next: { failures: 1, blockedUntil: now, lastFailureAt: now },
    });
  });

  it('admits the free attempts one after another, then blocks', () => {
    let state: ThrottleState | undefined;
    const admitted: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const decision = decideAttempt(state, now);
      admitted.push(decision.admitted);
      if (decision.admitted) state = decision.next;
    }
    assert.deepEqual(admitted, [true, true, true, true, true, false, false, false]);
    assert.equal(state?.failures, 5);
  });

  it('refuses while blocked, with the seconds left rounded up', () => {
    const state = { failures: 6, blockedUntil: now + 1_500, lastFailureAt: now };
    assert.deepEqual(decideAttempt(state, now), { admitted: false, retryAfterSeconds: 2 });
    assert.deepEqual(decideAttempt(state, now + 1_499), { admitted: false, retryAfterSeconds: 1 });
  });

  it('admits again once the wait is over, doubling the next wait', () => {
    const state = { failures: 5, blockedUntil: now + 1_000, lastFailureAt: now };
    assert.deepEqual(decideAttempt(state, now + 1_000), {
      admitted: true,
      next: { failures: 6, blockedUntil: now + 3_000, lastFailureAt: now + 1_000 },
    });
  });

  it('never blocks within the free budget, even when its clock reads earlier than the last attempt', () => {
    const state = { failures: 4, blockedUntil: now + 5, lastFailureAt: now + 5 };
    const decision = decideAttempt(state, now);
    assert.equal(decision.admitted, true);
  });

  it('forgets a count whose last attempt is older than forgetAfterMs', () => {
    const state = { failures: 9, blockedUntil: now, lastFailureAt: now };
    const later = now + policy.forgetAfterMs;
    assert.deepEqual(decideAttempt(state, later), {
      admitted: true,
      next: { failures: 1, blockedUntil: later, lastFailureAt: later },
    });
  });
});

describe('throttleKey', () => {
  it('is the same for an email in any case or padding, and differs by address', () => {
    assert.deepEqual(
      throttleKey(' Ada@Example.com ', '10.0.0.1'),
      throttleKey('ada@example.com', '10.0.0.1'),
    );
    assert.notDeepEqual(
      throttleKey('ada@example.com', '10.0.0.1'),
      throttleKey('ada@example.com', '10.0.0.2'),
    );
    assert.equal(throttleKey('ada@example.com', 'local').length, 32);
  });
});
