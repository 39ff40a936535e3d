// The sign-in throttle holds under a burst of parallel guesses and across
// server instances sharing one database: its state is the database's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DEFAULT_THROTTLE_POLICY, LoginThrottle } from '../../src/auth/login-throttle.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, uniqueEmail } from '../support/fixtures.ts';
import { Client, createTestApp, signUp, type TestApp } from '../support/http.ts';

const GUESSES = 40;
const FREE_FAILURES = 5;

for (const engine of testEngines()) {
  describe(`login throttle across two instances [${engine.name}]`, () => {
    let database: TestDatabase;
    const stores: Store[] = [];
    let instances: [TestApp, TestApp];

    before(async () => {
      database = await engine.migrated();
      stores.push(await openStore({ ...database.options, migrate: false }));
      // PGlite is embedded: one process owns it, so its two instances share the store.
      // On PostgreSQL each instance has a pool of its own, as two servers would.
      if (engine.name === 'postgres') {
        stores.push(await openStore({ ...database.options, migrate: false }));
      }
      const first = stores[0];
      if (first === undefined) throw new Error('no store');
      const second = stores[1] ?? first;
      // The wait after the free attempts is a minute here, not a second: on a
      // busy machine a burst of 40 password checks can outlast one second,
      // and then a sixth attempt would rightly go ahead.
      const policy = { ...DEFAULT_THROTTLE_POLICY, baseDelayMs: 60_000 };
      instances = [
        createTestApp(first, { throttle: new LoginThrottle(first.database, policy) }),
        createTestApp(second, { throttle: new LoginThrottle(second.database, policy) }),
      ];
    });

    after(async () => {
      for (const store of stores) await store.close();
      await database.dispose();
    });

    it(`checks at most ${FREE_FAILURES} passwords of ${GUESSES} parallel wrong guesses split between instances`, async () => {
      const user = await signUp(instances[0].app);
      const replies = await Promise.all(
        Array.from({ length: GUESSES }, (_, i) =>
          new Client(instances[i % 2 === 0 ? 0 : 1].app).post('/api/auth/login', {
            email: user.email,
            password: `wrong guess ${i}`,
          }),
        ),
      );
      const statuses = replies.map((reply) => reply.status);
      assert.equal(statuses.filter((status) => status === 401).length, FREE_FAILURES);
      assert.equal(statuses.filter((status) => status === 429).length, GUESSES - FREE_FAILURES);
      for (const reply of replies.filter((r) => r.status === 429)) {
        assert.ok(Number(reply.headers.get('Retry-After')) >= 1);
      }
      // The other instance refuses too, even the right password, until the wait is over.
      for (const { app } of instances) {
        const right = await new Client(app).post('/api/auth/login', {
          email: user.email,
          password: PASSWORD,
        });
        assert.equal(right.status, 429);
      }
    });

    it('starts the count again after a successful sign-in on either instance', async () => {
      const user = await signUp(instances[0].app);
      for (let i = 0; i < FREE_FAILURES - 1; i++) {
        const reply = await new Client(instances[i % 2 === 0 ? 0 : 1].app).post('/api/auth/login', {
          email: user.email,
          password: 'wrong',
        });
        assert.equal(reply.status, 401);
      }
      const right = await new Client(instances[1].app).post('/api/auth/login', {
        email: user.email,
        password: PASSWORD,
      });
      assert.equal(right.status, 200);
      const statuses: number[] = [];
      for (let i = 0; i < FREE_FAILURES + 1; i++) {
        const reply = await new Client(instances[0].app).post('/api/auth/login', {
          email: user.email,
          password: 'wrong',
        });
        statuses.push(reply.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    });

    it('keeps no email or address in the clear', async () => {
      const first = stores[0];
      assert.ok(first !== undefined);
      const rows = await sql<{ text: string }>`
        select row_to_json(f)::text as text from login_failures f`.execute(first.database);
      assert.ok(rows.rows.length > 0);
      for (const row of rows.rows) assert.doesNotMatch(row.text, /@example\.com|local/);
    });

    it('sweeps the counts older than forgetAfterMs and keeps the live ones', async () => {
      const first = stores[0];
      assert.ok(first !== undefined);
      const stale = Buffer.alloc(32, 0xa1);
      const live = Buffer.alloc(32, 0xa2);
      const hourAndMinute = DEFAULT_THROTTLE_POLICY.forgetAfterMs + 60_000;
      await sql`
        insert into login_failures (key_hash, failures, blocked_until, last_failure_at) values
          (${stale}, 3, now(), now() - make_interval(secs => ${hourAndMinute / 1000})),
          (${live}, 3, now(), now() - interval '1 minute')`.execute(first.database);
      const sweeping = new LoginThrottle(first.database, {
        ...DEFAULT_THROTTLE_POLICY,
        sweepOneIn: 1,
      });
      await sweeping.admit(uniqueEmail('sweep'), '192.0.2.1');
      const left = await sql<{ key_hash: Buffer }>`
        select key_hash from login_failures where key_hash in (${stale}, ${live})`.execute(
        first.database,
      );
      assert.deepEqual(
        left.rows.map((row) => Buffer.from(row.key_hash).toString('hex')),
        [live.toString('hex')],
      );
    });
  });
}
