import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { ConflictError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

describeStore('concurrent writes', (ctx) => {
  const service = () => ctx.store.conversations;

  it('stores 200 concurrent saves on one conversation with gap-free seq numbers', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const contents = Array.from({ length: 200 }, (_, i) => `concurrent ${i}`);
    const saved = await Promise.all(
      contents.map((content, i) =>
        service().saveMessage(user.id, conversation.id, {
          role: i % 2 === 0 ? 'user' : 'assistant',
          content,
        }),
      ),
    );
    assert.deepEqual(
      saved.map((message) => message.seq).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );

    const rows = await sql<{ seq: number; content: string }>`
      select seq, content from messages where conversation_id = ${conversation.id} order by seq`.execute(
      ctx.store.database,
    );
    assert.equal(rows.rows.length, 200);
    assert.deepEqual(
      rows.rows.map((row) => row.seq),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    assert.deepEqual(rows.rows.map((row) => row.content).sort(), [...contents].sort());
    const after = await service().getConversationForUser(user.id, conversation.id);
    assert.equal(after?.messageCount, 200);
  });

  it('stores one message for 20 concurrent retries with one idempotency key', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        service().saveMessageWithOutcome(user.id, conversation.id, {
          role: 'user',
          content: 'add a task to buy milk',
          idempotencyKey: 'retry-1',
        }),
      ),
    );
    assert.equal(new Set(attempts.map((attempt) => attempt.message.id)).size, 1);
    assert.equal(attempts.filter((attempt) => attempt.created).length, 1);
    const history = await service().getConversationHistory(user.id, conversation.id);
    assert.equal(history.messages.length, 1);
    assert.equal(history.messages[0]?.seq, 1);
    // The rolled-back duplicates left no hole in the numbering.
    const next = await service().saveMessage(user.id, conversation.id, {
      role: 'assistant',
      content: 'Added.',
    });
    assert.equal(next.seq, 2);
  });

  it('returns the first message for a retry, and refuses a key reused for other content', async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(user.id);
    const input = { role: 'user' as const, content: 'hello', idempotencyKey: 'k-1' };
    const first = await service().saveMessageWithOutcome(user.id, conversation.id, input);
    const retry = await service().saveMessageWithOutcome(user.id, conversation.id, input);
    assert.equal(first.created, true);
    assert.equal(retry.created, false);
    assert.deepEqual(retry.message, first.message);
    await assert.rejects(
      service().saveMessage(user.id, conversation.id, { ...input, content: 'something else' }),
      ConflictError,
    );
    // Keys are scoped to their conversation.
    const other = await service().createConversation(user.id);
    const elsewhere = await service().saveMessageWithOutcome(user.id, other.id, input);
    assert.equal(elsewhere.created, true);
  });

  it('returns one conversation to 20 concurrent first calls of getOrCreateConversation', async () => {
    const user = await createUser(ctx.store);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => service().getOrCreateConversation(user.id)),
    );
    assert.equal(new Set(results.map((conversation) => conversation.id)).size, 1);
    const count = await sql<{ count: string }>`
      select count(*) from conversations where user_id = ${user.id}`.execute(ctx.store.database);
    assert.equal(Number(count.rows[0]?.count), 1);
  });
});
