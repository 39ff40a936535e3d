// A sign-in token's user is checked by the request's own first transaction as
// that user, in the same round trip as the operation (src/db/scope.ts): one
// round trip for auth and the operation, a deleted account refused, and
// requests of one user answered by whichever of their transactions checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TripCounter } from '../../src/db/trip-counter.ts';
import { InvalidTokenError } from '../../src/errors.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { createTestApp, json, signUp, type Reply } from '../support/http.ts';

const INVALID_TOKEN = 'Bearer realm="todochat", error="invalid_token"';

for (const engine of testEngines()) {
  describe(`the user check of a signed-in request [${engine.name}]`, () => {
    const counter = new TripCounter();
    let database: TestDatabase | undefined;
    let opened: Store | undefined;
    const store = (): Store => {
      if (opened === undefined) throw new Error('the store opens in before()');
      return opened;
    };

    before(async () => {
      database = await engine.migrated();
      opened = await openStore({
        ...database.options,
        migrate: false,
        onRoundTrip: counter.listener,
      });
    });
    after(async () => {
      await opened?.close();
      await database?.dispose();
    });

    it('rides with the operation: one round trip, one transaction', async () => {
      const { app } = createTestApp(store());
      const user = await signUp(app);
      await user.client.post('/api/chat/conversations', { title: 'groceries' });
      counter.reset();
      const reply = await user.client.get('/api/chat/conversations');
      assert.equal(reply.status, 200);
      assert.deepEqual(
        json<{ conversations: { title: string }[] }>(reply).conversations.map(
          (conversation) => conversation.title,
        ),
        ['groceries'],
      );
      assert.deepEqual(
        { roundTrips: counter.totals().roundTrips, transactions: counter.totals().transactions },
        { roundTrips: 1, transactions: 1 },
      );
    });

    it('lists tasks in one round trip, and reads the time zone first only for a day filter', async () => {
      const { app } = createTestApp(store());
      const user = await signUp(app);
      await user.client.post('/api/tasks', { title: 'buy milk' });
      await user.client.post('/api/tasks', { title: 'call mom', due: 'today' });
      const titles = (reply: Reply) =>
        json<{ tasks: { title: string }[] }>(reply).tasks.map((task) => task.title);
      counter.reset();
      const all = await user.client.get('/api/tasks');
      assert.equal(counter.totals().roundTrips, 1);
      assert.deepEqual(titles(all), ['call mom', 'buy milk']);
      assert.deepEqual(titles(await user.client.get('/api/tasks?due=none')), ['buy milk']);
      counter.reset();
      const today = await user.client.get('/api/tasks?due=today');
      assert.deepEqual(titles(today), ['call mom']);
      assert.deepEqual(
        { roundTrips: counter.totals().roundTrips, transactions: counter.totals().transactions },
        { roundTrips: 3, transactions: 1 },
      );
    });

    it("refuses a deleted account's token in the operation's own round trip", async () => {
      const { app } = createTestApp(store());
      const user = await signUp(app);
      assert.equal(await store().users.deleteUser(user.userId), true);
      for (const reply of [
        await user.client.get('/api/tasks'),
        await user.client.post('/api/tasks', { title: 'written by no one' }),
        await user.client.get('/api/chat/conversations'),
      ]) {
        assert.equal(reply.status, 401);
        assert.equal(reply.headers.get('WWW-Authenticate'), INVALID_TOKEN);
      }
    });

    it('answers concurrent requests of one user without a round trip more', async () => {
      const { app } = createTestApp(store());
      const user = await signUp(app);
      counter.reset();
      const replies = await Promise.all(
        Array.from({ length: 6 }, () => user.client.get('/api/chat/conversations')),
      );
      assert.deepEqual(
        replies.map((reply) => reply.status),
        [200, 200, 200, 200, 200, 200],
      );
      assert.equal(counter.totals().roundTrips, 6);
    });

    it('counts a transaction as the user begun while a request waits as its check', async () => {
      const { users, tasks } = store();
      const user = await users.createUser({ email: `check-${crypto.randomUUID()}@example.com` });
      const other = await users.createUser({ email: `other-${crypto.randomUUID()}@example.com` });
      let release = (): void => {};
      const waiting = new Promise<void>((resolve) => (release = resolve));
      const request = users.whileUnchecked(user.id, () => waiting);
      const unrelated = users.whileUnchecked(other.id, () => waiting);
      await tasks.listTasks(user.id);
      release();
      assert.equal(await request, true);
      // Another user's transaction checks nothing for this one.
      assert.equal(await unrelated, false);
      // A request that opens no transaction is not checked: its caller checks.
      assert.equal(await users.whileUnchecked(user.id, () => Promise.resolve()), false);
    });

    it('counts a failed check for no one', async () => {
      const { users, tasks } = store();
      const user = await users.createUser({ email: `gone-${crypto.randomUUID()}@example.com` });
      assert.equal(await users.deleteUser(user.id), true);
      let release = (): void => {};
      const waiting = new Promise<void>((resolve) => (release = resolve));
      const request = users.whileUnchecked(user.id, () => waiting);
      await assert.rejects(
        users.whileUnchecked(user.id, () => tasks.listTasks(user.id).then(() => undefined)),
        InvalidTokenError,
      );
      release();
      assert.equal(await request, false);
    });
  });
}
