import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { NotFoundError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, sleep } from '../support/fixtures.ts';

describeStore('ConversationService', (ctx) => {
  const service = () => ctx.store.conversations;

  it('getOrCreateConversation creates one and then returns the same', async () => {
    const user = await createUser(ctx.store);
    const first = await service().getOrCreateConversation(user.id);
    const second = await service().getOrCreateConversation(user.id);
    assert.equal(second.id, first.id);
    assert.equal(first.userId, user.id);
    assert.equal(first.status, 'active');
    assert.equal(first.title, null);
    assert.equal(first.messageCount, 0);
    assert.ok(first.createdAt instanceof Date);
  });

  it('getOrCreateConversation returns the most recently updated active conversation', async () => {
    const user = await createUser(ctx.store);
    const older = await service().createConversation(user.id, { title: 'older' });
    await sleep(5);
    const newer = await service().createConversation(user.id, { title: 'newer' });
    assert.equal((await service().getOrCreateConversation(user.id)).id, newer.id);

    await sleep(5);
    await service().saveMessage(user.id, older.id, { role: 'user', content: 'back to this one' });
    assert.equal((await service().getOrCreateConversation(user.id)).id, older.id);

    await service().archiveConversation(user.id, older.id);
    assert.equal((await service().getOrCreateConversation(user.id)).id, newer.id);
  });

  it('getOrCreateConversation starts a new conversation when all are archived', async () => {
    const user = await createUser(ctx.store);
    const archived = await service().createConversation(user.id);
    await service().archiveConversation(user.id, archived.id);
    const fresh = await service().getOrCreateConversation(user.id);
    assert.notEqual(fresh.id, archived.id);
    assert.equal(fresh.status, 'active');
  });

  it('getOrCreateConversation throws NotFoundError for a user that does not exist', async () => {
    await assert.rejects(
      service().getOrCreateConversation('6c3bd5a2-8f0e-4b0a-9d51-2f1f6f1e0c11'),
      NotFoundError,
    );
  });

  it('saveMessage stores the message with a seq and returns it', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const message = await service().saveMessage(user.id, conversation.id, {
      role: 'user',
      content: 'Hello',
    });
    assert.equal(message.role, 'user');
    assert.equal(message.content, 'Hello');
    assert.equal(message.seq, 1);
    assert.equal(message.conversationId, conversation.id);
    assert.equal(message.userId, user.id);
    assert.equal(message.metadata, null);
    assert.match(message.id, /^[0-9a-f-]{36}$/);
  });

  it('saveMessage keeps metadata as a JSON object', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const metadata = { tool: 'add_task', result: 'success', args: { title: 'milk' }, n: [1, 2.5] };
    const message = await service().saveMessage(user.id, conversation.id, {
      role: 'assistant',
      content: 'Task added',
      metadata,
    });
    assert.deepEqual(message.metadata, metadata);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.deepEqual(history.messages[0]?.metadata, metadata);
  });

  it('saveMessage bumps the conversation: updated_at moves and message_count grows', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    await sleep(20);
    await service().saveMessage(user.id, conversation.id, { role: 'user', content: 'hi' });
    const after = await service().getConversationForUser(user.id, conversation.id);
    assert.ok(after !== null);
    assert.ok(after.updatedAt > conversation.updatedAt);
    assert.equal(after.messageCount, 1);
    assert.equal(after.createdAt.getTime(), conversation.createdAt.getTime());
  });

  it('saveMessage throws NotFoundError for a conversation that does not exist', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(
      service().saveMessage(user.id, 'a1b2c3d4-0000-4000-8000-000000000000', {
        role: 'user',
        content: 'hi',
      }),
      (error) => error instanceof NotFoundError && error.message === 'conversation not found',
    );
  });

  it('getConversationHistory returns messages in chronological order', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    await service().saveMessage(user.id, conversation.id, { role: 'user', content: 'Hello' });
    await service().saveMessage(user.id, conversation.id, {
      role: 'assistant',
      content: 'Hi there!',
    });
    await service().saveMessage(user.id, conversation.id, { role: 'user', content: 'Bye' });
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.deepEqual(
      history.messages.map((message) => [message.seq, message.content]),
      [
        [1, 'Hello'],
        [2, 'Hi there!'],
        [3, 'Bye'],
      ],
    );
    for (let i = 1; i < history.messages.length; i++) {
      const previous = history.messages[i - 1];
      const current = history.messages[i];
      assert.ok(previous !== undefined && current !== undefined);
      assert.ok(previous.createdAt <= current.createdAt);
    }
    assert.equal(history.hasOlder, false);
    assert.equal(history.hasNewer, false);
    assert.equal(history.olderCursor, null);
  });

  it('orders messages by seq, not by created_at, which ties', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const contents = Array.from({ length: 30 }, (_, i) => `message ${i}`);
    for (const content of contents) {
      await service().saveMessage(user.id, conversation.id, { role: 'user', content });
    }
    // Give every message the same instant, and ids in the opposite order.
    await sql`update messages set created_at = '2026-01-01T00:00:00Z'
      where conversation_id = ${conversation.id}`.execute(ctx.store.database);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.deepEqual(
      history.messages.map((message) => message.content),
      contents,
    );
  });

  it('getConversationHistory returns the newest messages by default, 50 of them', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    await seedMessages(user.id, conversation.id, 60);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.equal(history.messages.length, 50);
    assert.equal(history.messages[0]?.seq, 11);
    assert.equal(history.messages.at(-1)?.seq, 60);
    assert.equal(history.hasOlder, true);
    assert.equal(history.hasNewer, false);

    const older = await service().getConversationHistory(user.id, conversation.id, {
      before: history.olderCursor ?? '',
    });
    assert.deepEqual(
      older.messages.map((message) => message.seq),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    assert.equal(older.hasOlder, false);
    assert.equal(older.hasNewer, true);
  });

  it('getConversationHistory on an empty conversation has nothing either side', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.deepEqual(history.messages, []);
    assert.equal(history.hasOlder, false);
    assert.equal(history.hasNewer, false);
    assert.equal(history.olderCursor, null);

    // The newer cursor of an empty page still works for polling.
    await service().saveMessage(user.id, conversation.id, { role: 'user', content: 'first' });
    const polled = await service().getConversationHistory(user.id, conversation.id, {
      after: history.newerCursor ?? '',
    });
    assert.deepEqual(
      polled.messages.map((message) => message.content),
      ['first'],
    );
  });

  it('getConversationHistory throws NotFoundError for a missing conversation', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(
      service().getConversationHistory(user.id, '0f0e0d0c-0b0a-4908-8706-050403020100'),
      NotFoundError,
    );
  });

  it('getUserConversations lists most recently updated first and filters by status', async () => {
    const user = await createUser(ctx.store);
    const a = await service().createConversation(user.id, { title: 'a' });
    await sleep(3);
    const b = await service().createConversation(user.id, { title: 'b' });
    await sleep(3);
    await service().createConversation(user.id, { title: 'c' });
    await sleep(3);
    await service().touchConversation(user.id, a.id);
    await service().archiveConversation(user.id, b.id);

    const all = await service().getUserConversations(user.id);
    assert.deepEqual(
      all.conversations.map((conversation) => conversation.title),
      ['b', 'a', 'c'],
    );
    assert.equal(all.nextCursor, null);
    const active = await service().getUserConversations(user.id, { status: 'active' });
    assert.deepEqual(
      active.conversations.map((conversation) => conversation.title),
      ['a', 'c'],
    );
    const archived = await service().getUserConversations(user.id, { status: 'archived' });
    assert.deepEqual(
      archived.conversations.map((conversation) => conversation.id),
      [b.id],
    );
  });

  it('getUserConversations pages with a cursor through ties in updated_at', async () => {
    const user = await createUser(ctx.store);
    // All created in one transaction: identical updated_at, ordered by id.
    await ctx.store.database.transaction().execute(async (trx) => {
      await sql`insert into conversations (user_id, status)
        select ${user.id}, case when i % 3 = 0 then 'archived' else 'active' end
        from generate_series(1, 25) as i`.execute(trx);
    });
    for (const status of [undefined, 'active', 'archived'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service().getUserConversations(user.id, { status, limit: 4, cursor });
        assert.ok(page.conversations.length <= 4);
        seen.push(...page.conversations.map((conversation) => conversation.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const expected = status === undefined ? 25 : status === 'active' ? 17 : 8;
      assert.equal(seen.length, expected, `status ${status ?? 'any'}`);
      assert.equal(new Set(seen).size, expected);
      assert.deepEqual(seen, [...seen].sort().reverse());
    }
  });

  it('getUserConversations pages by the microsecond: whole seconds, short fractions, ties', async () => {
    const user = await createUser(ctx.store);
    // Instants the server writes with no fraction, with trailing zeros
    // dropped, and a microsecond apart within one millisecond, which a Date
    // cannot tell apart; the first is also held by two conversations.
    const instants = [
      '2026-12-07 10:00:00+00',
      '2026-12-07 10:00:00+00',
      '2026-12-07 10:00:00.000001+00',
      '2026-12-07 10:00:00.1+00',
      '2026-12-07 10:00:00.12+00',
      '2026-12-07 10:00:00.12345+00',
      '2026-12-07 10:00:00.123456+00',
      '2026-12-07 10:00:00.123457+00',
      '2026-12-07 10:00:01+00',
    ];
    await ctx.store.database.transaction().execute(async (trx) => {
      for (const [index, instant] of instants.entries()) {
        await sql`insert into conversations (user_id, status, created_at, updated_at)
          values (${user.id}, ${index % 2 === 0 ? 'active' : 'archived'},
                  ${instant}::timestamptz, ${instant}::timestamptz)`.execute(trx);
      }
    });
    const expected = await sql<{ id: string }>`
      select id from conversations where user_id = ${user.id}
      order by updated_at desc, id desc`.execute(ctx.store.database);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service().getUserConversations(user.id, { limit, cursor });
        seen.push(...page.conversations.map((conversation) => conversation.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      assert.deepEqual(
        seen,
        expected.rows.map((row) => row.id),
        `pages of ${limit}`,
      );
    }
  });

  it('renames, archives, unarchives and touches a conversation', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id, { title: 'Groceries' });
    assert.equal(conversation.title, 'Groceries');

    const renamed = await service().renameConversation(user.id, conversation.id, '  Errands  ');
    assert.equal(renamed.title, 'Errands');
    const cleared = await service().renameConversation(user.id, conversation.id, null);
    assert.equal(cleared.title, null);

    const archived = await service().archiveConversation(user.id, conversation.id);
    assert.equal(archived.status, 'archived');
    const unarchived = await service().unarchiveConversation(user.id, conversation.id);
    assert.equal(unarchived.status, 'active');

    await sleep(20);
    const touched = await service().touchConversation(user.id, conversation.id);
    assert.ok(touched.updatedAt > unarchived.updatedAt);
  });

  it('deleteConversation removes it with its messages and says whether it did', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    await seedMessages(user.id, conversation.id, 3);
    assert.equal(await service().deleteConversation(user.id, conversation.id), true);
    assert.equal(await service().deleteConversation(user.id, conversation.id), false);
    assert.equal(await service().getConversationForUser(user.id, conversation.id), null);
    const remaining = await sql<{ count: string }>`
      select count(*) from messages where conversation_id = ${conversation.id}`.execute(
      ctx.store.database,
    );
    assert.equal(Number(remaining.rows[0]?.count), 0);
  });

  it('keeps created_at and updated_at as timezone-aware instants', async () => {
    const user = await createUser(ctx.store);
    const before = Date.now();
    const conversation = await service().createConversation(user.id);
    const after = Date.now();
    // A naive UTC timestamp read back in another zone would be hours off.
    assert.ok(conversation.createdAt.getTime() >= before - 1000);
    assert.ok(conversation.createdAt.getTime() <= after + 1000);
    const types = await sql<{ data_type: string }>`
      select distinct data_type from information_schema.columns
      where table_schema = 'public' and column_name in ('created_at', 'updated_at')`.execute(
      ctx.store.database,
    );
    assert.deepEqual(
      types.rows.map((row) => row.data_type),
      ['timestamp with time zone'],
    );
  });

  async function seedMessages(userId: string, conversationId: string, count: number) {
    for (let i = 1; i <= count; i++) {
      await service().saveMessage(userId, conversationId, {
        role: i % 2 === 1 ? 'user' : 'assistant',
        content: `message ${i}`,
      });
    }
  }
});
