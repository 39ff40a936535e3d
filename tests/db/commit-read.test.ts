// Statements sent with their transaction's COMMIT (withCommit in
// src/db/scope.ts): they see the transaction's own writes, cost no round
// trip of their own, run under the transaction's row-level security, in the
// order made and after the statements sent the ordinary way, and when
// anything fails the transaction's error is the one thrown and nothing it
// wrote stays.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type QueryResult, type RawBuilder } from 'kysely';
import { appendMessage, findHistory } from '../../src/conversations/message.repository.ts';
import {
  asUser,
  execute,
  held,
  withCommit,
  type AtCommit,
  type UserTransaction,
} from '../../src/db/scope.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';

const firstWords = (batch: readonly string[]) => batch.map((text) => text.split(/\s/)[0]);
const CONTENT = { role: 'user', content: 'hello', metadata: null, idempotencyKey: null } as const;
const WHOLE = { afterSeq: null, beforeSeq: null, limit: 10 };

/** Runs `make` with the COMMIT's executor inside `trx`, and hands its promise out. */
async function atCommit<T>(
  trx: UserTransaction,
  make: (commit: AtCommit) => Promise<T>,
): Promise<{ result: Promise<T> }> {
  const commit = withCommit(trx);
  const result = make(commit);
  result.catch(() => undefined);
  await held(commit);
  return { result };
}

const one = (query: RawBuilder<{ n: number }>) => (commit: AtCommit) =>
  execute(commit, query).then((result: QueryResult<{ n: number }>) => result.rows[0]?.n);

for (const engine of testEngines()) {
  describe(`statements sent with the COMMIT [${engine.name}]`, () => {
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

    it('see what the transaction wrote and ride in the COMMIT batch', async () => {
      const { userId, conversationId } = await setup();
      const { result } = await asUser(opened().database, userId, async (trx) => {
        await appendMessage(trx, userId, conversationId, CONTENT);
        return atCommit(trx, (commit) => findHistory(commit, userId, conversationId, WHOLE));
      });
      const found = await result;
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

    it('alone in their transaction, are one batch with BEGIN, the switch and COMMIT', async () => {
      const { userId, conversationId } = await setup();
      const { result } = await asUser(opened().database, userId, (trx) =>
        atCommit(trx, (commit) => findHistory(commit, userId, conversationId, WHOLE)),
      );
      assert.deepEqual((await result)?.messages, []);
      assert.deepEqual(batches.map(firstWords), [['begin', 'select', 'select', 'commit']]);
    });

    it('run in the order made, after the statements sent the ordinary way', async () => {
      const { userId, conversationId } = await setup();
      const counted = sql<{ n: number }>`select count(*)::int as n from messages`;
      const { first, second, ordinary } = await asUser(opened().database, userId, async (trx) => {
        const commit = withCommit(trx);
        const write = appendMessage(commit, userId, conversationId, CONTENT);
        const reads = one(counted)(commit);
        write.catch(() => undefined);
        reads.catch(() => undefined);
        await held(commit);
        // Made after them, sent before them: the held write is not in yet.
        const now = (await execute(trx, counted)).rows[0]?.n;
        return { first: write, second: reads, ordinary: now };
      });
      assert.equal(ordinary, 0);
      assert.equal((await first)?.content, 'hello');
      assert.equal(await second, 1);
      assert.deepEqual(batches.map(firstWords), [
        ['begin', 'select', 'select'],
        ['with', 'select', 'commit'],
      ]);
    });

    it("run under the user's row-level security", async () => {
      const owner = await setup();
      const other = await setup();
      const { result } = await asUser(opened().database, other.userId, (trx) =>
        atCommit(trx, (commit) => findHistory(commit, other.userId, owner.conversationId, WHOLE)),
      );
      assert.equal(await result, null);
      // Asking with the owner's id under the other user's switch finds nothing either.
      const spoofed = await asUser(opened().database, other.userId, (trx) =>
        atCommit(
          trx,
          one(sql`select count(*)::int as n from messages where user_id = ${owner.userId}`),
        ),
      );
      assert.equal(await spoofed.result, 0);
    });

    it('that fail, fail the transaction: its error is thrown and the write is undone', async () => {
      const { userId, conversationId } = await setup();
      let read: Promise<unknown> | undefined;
      await assert.rejects(
        asUser(opened().database, userId, async (trx) => {
          await appendMessage(trx, userId, conversationId, CONTENT);
          const handed = await atCommit(
            trx,
            one(sql`select 1 / (select count(*)::int - 1 from messages) as n`),
          );
          read = handed.result;
          return handed;
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

    it('are dropped, and reject, when the transaction rolls back before its COMMIT', async () => {
      const { userId, conversationId } = await setup();
      let read: Promise<unknown> | undefined;
      await assert.rejects(
        asUser(opened().database, userId, async (trx) => {
          await appendMessage(trx, userId, conversationId, CONTENT);
          read = (await atCommit(trx, one(sql`select 1 as n`))).result;
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      // Never sent: the last batch is the ROLLBACK alone.
      assert.deepEqual(batches.at(-1), ['rollback']);
      await assert.rejects(read ?? Promise.resolve(), /rolled back/);
      assert.equal(await count(userId, conversationId), 0);
    });
  });
}
