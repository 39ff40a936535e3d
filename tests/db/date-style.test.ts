// A server, database or role may be set to a DateStyle other than ISO. The
// store must still read every timestamp as a Date and every due date as
// YYYY-MM-DD: the row readers expect ISO output, and each transaction asks
// for it (src/db/drivers.ts). Without that, timestamps read as null.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery } from 'kysely';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { createTestApp, json, signUp } from '../support/http.ts';

const STYLE = 'SQL, DMY';

for (const engine of testEngines()) {
  describe(`a database whose DateStyle is '${STYLE}' [${engine.name}]`, () => {
    let database: TestDatabase | undefined;
    let store: Store | undefined;
    const opened = (): Store => {
      if (store === undefined) throw new Error('the store opens in before()');
      return store;
    };

    before(async () => {
      database = await engine.migrated();
      store = await openStore({ ...database.options, migrate: false });
      if (engine.name === 'postgres') {
        // The database's default, as an operator would set it: every new
        // connection of the pool starts in this style.
        await store.database.executeQuery(
          CompiledQuery.raw(
            `do $$ begin execute format('alter database %I set datestyle = %L', current_database(), '${STYLE}'); end $$`,
          ),
        );
        await store.close();
        store = await openStore({ ...database.options, migrate: false });
      } else {
        // PGlite is one session, so the session's setting is everyone's.
        await store.database.executeQuery(CompiledQuery.raw(`set datestyle = '${STYLE}'`));
      }
    });
    after(async () => {
      await store?.close();
      await database?.dispose();
    });

    it('is in force outside the store’s transactions', async () => {
      const result = await opened().database.executeQuery<{ DateStyle: string }>(
        CompiledQuery.raw('show datestyle'),
      );
      assert.equal(result.rows[0]?.DateStyle, STYLE);
    });

    it('still gives Dates and ISO due dates through the services', async () => {
      const s = opened();
      const startedAt = Date.now();
      const user = await s.users.createUser({ email: `style-${crypto.randomUUID()}@example.com` });
      const conversations = [];
      for (const title of ['one', 'two', 'three']) {
        conversations.push(await s.conversations.createConversation(user.id, { title }));
      }
      const [first] = conversations;
      assert.ok(first !== undefined);
      const message = await s.conversations.saveMessage(user.id, first.id, {
        role: 'user',
        content: 'hello',
      });
      const task = await s.tasks.addTask(user.id, { title: 'pay rent', due: '2026-12-31T09:30Z' });

      const stamps = [
        user.createdAt,
        ...conversations.flatMap((conversation) => [
          conversation.createdAt,
          conversation.updatedAt,
        ]),
        message.createdAt,
        task.createdAt,
        task.updatedAt,
      ];
      for (const stamp of stamps) {
        assert.ok(stamp instanceof Date, String(stamp));
        // The engine's clock and ours are the same machine's.
        assert.ok(Math.abs(stamp.getTime() - startedAt) < 10 * 60_000, stamp.toISOString());
      }
      assert.deepEqual(task.due, { date: '2026-12-31', at: new Date('2026-12-31T09:30:00Z') });
      const [listed] = await s.tasks.listTasks(user.id);
      assert.deepEqual(listed?.due, task.due);

      // The conversation cursor carries a timestamp: paging must still work.
      const firstPage = await s.conversations.getUserConversations(user.id, { limit: 2 });
      assert.equal(firstPage.conversations.length, 2);
      assert.ok(firstPage.nextCursor !== null);
      const secondPage = await s.conversations.getUserConversations(user.id, {
        limit: 2,
        cursor: firstPage.nextCursor,
      });
      assert.deepEqual(
        [...firstPage.conversations, ...secondPage.conversations].map((c) => c.title).sort(),
        ['one', 'three', 'two'],
      );

      const history = await s.conversations.getConversationHistory(user.id, first.id);
      assert.deepEqual(history.messages[0]?.createdAt, message.createdAt);
    });

    it('still gives ISO times over HTTP, where each request also checks its user', async () => {
      // A signed-in request takes the checked switch (src/db/drivers.ts),
      // a different first statement from the services' own.
      const { app } = createTestApp(opened());
      const { client } = await signUp(app);
      const created = await client.post('/api/tasks', { title: 'call mum', due: '2026-12-24' });
      assert.equal(created.status, 201);
      const listed = json<{ tasks: { due_date: string; created_at: string }[] }>(
        await client.get('/api/tasks'),
      );
      const [task] = listed.tasks;
      assert.ok(task !== undefined);
      assert.equal(task.due_date, '2026-12-24');
      assert.match(task.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  });
}
