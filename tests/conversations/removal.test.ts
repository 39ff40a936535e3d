import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createUser, notFound, ownerRows, validationFailure } from '../support/fixtures.ts';

describeStore('saving several messages, removing the last, clearing', (ctx) => {
  const service = () => ctx.store.conversations;

  async function seqs(conversationId: string): Promise<number[]> {
    const rows = await ownerRows(
      ctx.store,
      sql<{
        seq: number;
      }>`select seq from messages where conversation_id = ${conversationId} order by seq`,
    );
    return rows.map((row) => row.seq);
  }

  it('saves a batch in order with consecutive seq numbers', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    await service().saveMessage(user.id, conversation.id, { role: 'user', content: 'first' });
    const saved = await service().saveMessages(user.id, conversation.id, [
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'three', metadata: { n: 3 } },
    ]);
    assert.deepEqual(
      saved.map((message) => [message.seq, message.content]),
      [
        [2, 'two'],
        [3, 'three'],
      ],
    );
    assert.equal(
      (await service().getConversationForUser(user.id, conversation.id))?.messageCount,
      3,
    );
  });

  it('stores none of a batch when one message breaks a rule, and names it', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    await assert.rejects(
      service().saveMessages(user.id, conversation.id, [
        { role: 'user', content: 'fine' },
        { role: 'user', content: 'x'.repeat(1001) },
      ]),
      validationFailure('messages.1.content', /at most 1000 characters/),
    );
    await assert.rejects(
      service().saveMessages(user.id, conversation.id, []),
      validationFailure('messages', /at least one/),
    );
    assert.deepEqual(await seqs(conversation.id), []);
  });

  it('replays a batch sent again with the same keys instead of storing it twice', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    const batch = [
      { role: 'user' as const, content: 'a', idempotencyKey: 'k1' },
      { role: 'assistant' as const, content: 'b', idempotencyKey: 'k2' },
    ];
    const first = await service().saveMessages(user.id, conversation.id, batch);
    const again = await service().saveMessages(user.id, conversation.id, batch);
    assert.deepEqual(
      again.map((message) => message.id),
      first.map((message) => message.id),
    );
    assert.deepEqual(await seqs(conversation.id), [1, 2]);
  });

  it('removes the newest message, and the next one saved takes its number', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    for (const content of ['one', 'two', 'three']) {
      await service().saveMessage(user.id, conversation.id, { role: 'user', content });
    }
    const removed = await service().removeLastMessage(user.id, conversation.id);
    assert.equal(removed?.content, 'three');
    assert.equal(removed.seq, 3);
    assert.deepEqual(await seqs(conversation.id), [1, 2]);
    const next = await service().saveMessage(user.id, conversation.id, {
      role: 'assistant',
      content: 'again',
    });
    assert.equal(next.seq, 3);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.deepEqual(
      history.messages.map((message) => message.content),
      ['one', 'two', 'again'],
    );
  });

  it('says there is nothing to remove from an empty conversation', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    assert.equal(await service().removeLastMessage(user.id, conversation.id), null);
    assert.equal(
      (await service().getConversationForUser(user.id, conversation.id))?.messageCount,
      0,
    );
  });

  it('clears every message but keeps the conversation, numbering from 1 again', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id, { title: 'Kept' });
    await service().saveMessages(user.id, conversation.id, [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
    ]);
    assert.equal(await service().clearMessages(user.id, conversation.id), 2);
    assert.equal(await service().clearMessages(user.id, conversation.id), 0);
    const after = await service().getConversationForUser(user.id, conversation.id);
    assert.equal(after?.title, 'Kept');
    assert.equal(after.messageCount, 0);
    const next = await service().saveMessage(user.id, conversation.id, {
      role: 'user',
      content: 'c',
    });
    assert.equal(next.seq, 1);
  });

  it("treats another user's conversation as not found and leaves it alone", async () => {
    const owner = await createUser(ctx.store);
    const other = await createUser(ctx.store);
    const conversation = await service().createConversation(owner.id);
    await service().saveMessage(owner.id, conversation.id, { role: 'user', content: 'mine' });
    await assert.rejects(
      service().removeLastMessage(other.id, conversation.id),
      notFound('conversation'),
    );
    await assert.rejects(
      service().clearMessages(other.id, conversation.id),
      notFound('conversation'),
    );
    await assert.rejects(
      service().saveMessages(other.id, conversation.id, [{ role: 'user', content: 'x' }]),
      notFound('conversation'),
    );
    assert.deepEqual(await seqs(conversation.id), [1]);
  });

  it('keeps seq gap-free when removals race with appends', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id);
    for (let i = 0; i < 10; i++) {
      await service().saveMessage(user.id, conversation.id, { role: 'user', content: `seed ${i}` });
    }
    const work = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? service().removeLastMessage(user.id, conversation.id)
        : service().saveMessage(user.id, conversation.id, { role: 'user', content: `new ${i}` }),
    );
    const results = await Promise.all(work);
    const removed = results.filter((_, i) => i % 3 === 0).filter((message) => message !== null);
    const count = (await service().getConversationForUser(user.id, conversation.id))?.messageCount;
    assert.equal(count, 10 + 20 - removed.length);
    assert.deepEqual(
      await seqs(conversation.id),
      Array.from({ length: count }, (_, i) => i + 1),
    );
  });
});
