// A read sent with its transaction's COMMIT (withCommit in src/db/scope.ts):
// it sees the transaction's own writes, costs no round trip of its own, runs
// under the transaction's row-level security, and when anything fails the
// transaction's error is the one thrown and nothing it wrote stays.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { appendMessage, findHistory } from '../../src/conversations/message.repository.ts';
import { asUser, execute, withCommit } from '../../src/db/scope.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';

const firstWords = (batch: readonly string[]) => batch.map((text) => text.split(/\s/)[0]);
const CONTENT = { role: 'user', content: 'hello', metadata: null, idempotencyKey: null } as const;

for (const engine of testEngines()) {
  describe(`a read sent with the COMMIT [${engine.name}]`, () => {
    let database: TestDatabase | undefined;
    let store: Store | undefined;
    let batches: string[][] = [];
    const opened = (): Store => {
      if (store === undefined) throw new Error('the store opens in before()');
      return store;
    };
    const setup = async () => {
      const user = await opened().users.createUser({
        email: `commit-read-${crypto.randomUUID()}@example.com`,
      });
      const conversation = await opened().conversations.createConversation(user.id, {});
      batches = [];
      return { userId: user.id, conversationId: conversation.id };
    };
    const count = async (userId: string, conversationId: string) =>
      (await opened().conversations.getConversationHistory(userId, conversationId, { limit: 50 }))
        .messages.length;

    before(async () => {
      database = await engine.migrated();
      store = await openStore({
        ...database.options,
        migrate: false,
        onRoundTrip: (statements) => batches.push(statements.map((text) => text.trim())),
      });
    });
    after(async () => {
      await store?.close();
      await database?.dispose();
    });

    it('sees what the transaction wrote and rides in the COMMIT batch', async () => {
      const { userId, conversationId } = await setup();
      const { history } = await asUser(opened().database, userId, async (trx) => {
        await appendMessage(trx, userId, conversationId, CONTENT);
        const pending = findHistory(withCommit(trx), userId, conversationId, {
          afterSeq: null,
          beforeSeq: null,
          limit: 10,
        });
        pending.catch(() => undefined);
        return { history: pending };
      });
      const found = await history;
      assert.deepEqual(
        found?.messages.map((message) => message.content),
        ['hello'],
      );
      // BEGIN, the switch and the insert; then the read and COMMIT.
      assert.deepEqual(batches.map(firstWords), [
        ['begin', 'select', 'with'],
        ['select', 'commit'],
      ]);
    });

    it('alone in its transaction, is one batch with BEGIN, the switch and COMMIT', async () => {
      const { userId, conversationId } = await setup();
      const pending = await asUser(opened().database, userId, (trx) => {
        const read = findHistory(withCommit(trx), userId, conversationId, {
          afterSeq: null,
          beforeSeq: null,
          limit: 10,
        });
        read.catch(() => undefined);
        return Promise.resolve({ read });
      });
      assert.deepEqual((await pending.read)?.messages, []);
      assert.deepEqual(batches.map(firstWords), [['begin', 'select', 'select', 'commit']]);
    });

    it("reads under the user's row-level security", async () => {
      const owner = await setup();
      const other = await setup();
      const pending = await asUser(opened().database, other.userId, (trx) => {
        const read = findHistory(withCommit(trx), other.userId, owner.conversationId, {
          afterSeq: null,
          beforeSeq: null,
          limit: 10,
        });
        read.catch(() => undefined);
        return Promise.resolve({ read });
      });
      assert.equal(await pending.read, null);
      // Asking with the owner's id under the other user's switch finds nothing either.
      const spoofed = await asUser(opened().database, other.userId, (trx) => {
        const read = execute(
          withCommit(trx),
          sql<{
            n: number;
          }>`select count(*)::int as n from messages where user_id = ${owner.userId}`,
        );
        read.catch(() => undefined);
        return Promise.resolve({ read });
      });
      assert.equal((await spoofed.read).rows[0]?.n, 0);
    });

    it('that fails, fails the transaction: its error is thrown and the write is undone', async () => {
      const { userId, conversationId } = await setup();
      let read: Promise<unknown> | undefined;
      await assert.rejects(
        asUser(opened().database, userId, async (trx) => {
          await appendMessage(trx, userId, conversationId, CONTENT);
          read = execute(withCommit(trx), sql`select 1 / (select count(*) - 1 from messages)`);
          read.catch(() => undefined);
          return { read };
        }),
        (error: Error) => {
          // Translated like any database failure: no SQL in what a client sees.
          assert.doesNotMatch(error.message, /division/);
          return true;
        },
      );
      await assert.rejects(read ?? Promise.resolve());
      assert.equal(await count(userId, conversationId), 0);
      // The connection is usable afterwards.
      await opened().conversations.saveMessage(userId, conversationId, {
        role: 'user',
        content: 'x',
      });
      assert.equal(await count(userId, conversationId), 1);
    });

    it('is dropped, and rejects, when the transaction rolls back before its COMMIT', async () => {
      const { userId, conversationId } = await setup();
      let read: Promise<unknown> | undefined;
      await assert.rejects(
        asUser(opened().database, userId, async (trx) => {
          await appendMessage(trx, userId, conversationId, CONTENT);
          read = execute(withCommit(trx), sql`select 1`);
          read.catch(() => undefined);
          await Promise.resolve();
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      // The read was never sent: the last batch is the ROLLBACK alone.
      assert.deepEqual(batches.at(-1), ['rollback']);
      await assert.rejects(read ?? Promise.resolve(), /rolled back/);
      assert.equal(await count(userId, conversationId), 0);
    });
  });
}
