import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { appendMessage } from '../../src/conversations/message.repository.ts';
import { asUser } from '../../src/db/scope.ts';
import type { NewMessage } from '../../src/conversations/conversation.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, validationFailure } from '../support/fixtures.ts';

const rejectsWith = validationFailure;

describeStore('bad input', (ctx) => {
  const service = () => ctx.store.conversations;
  let userId = '';
  let conversationId = '';

  before(async () => {
    const user = await createUser(ctx.store);
    userId = user.id;
    conversationId = (await service().getOrCreateConversation(user.id)).id;
  });

  async function messageCount(): Promise<number> {
    const result = await sql<{ n: number }>`
      select count(*)::int as n from messages where conversation_id = ${conversationId}`.execute(
      ctx.store.database,
    );
    return result.rows[0]?.n ?? -1;
  }

  const cases: [string, NewMessage, string, RegExp][] = [
    [
      'a user message over 1000 characters',
      { role: 'user', content: 'x'.repeat(1001) },
      'content',
      /user messages may be at most 1000 characters \(got 1001\)/,
    ],
    [
      'a user message of 1001 emoji (counted as characters, not UTF-16 units)',
      { role: 'user', content: '😀'.repeat(1001) },
      'content',
      /at most 1000 characters/,
    ],
    [
      'an assistant message over 100000 characters',
      { role: 'assistant', content: 'x'.repeat(100_001) },
      'content',
      /at most 100000/,
    ],
    ['an empty message', { role: 'user', content: '' }, 'content', /must not be empty/],
    ['a blank message', { role: 'user', content: ' \n\t ' }, 'content', /must not be blank/],
    [
      'an unknown role',
      { role: 'system' as 'user', content: 'hi' },
      'role',
      /'user' or 'assistant'/,
    ],
    ['a NUL character in content', { role: 'user', content: 'a\u0000b' }, 'content', /NUL/],
    [
      'a lone surrogate in content',
      { role: 'user', content: 'a\ud800b' },
      'content',
      /well-formed/,
    ],
    [
      'a NUL character inside metadata',
      { role: 'assistant', content: 'ok', metadata: { nested: [{ key: 'a\u0000' }] } },
      'metadata',
      /NUL/,
    ],
    [
      'metadata that is an array',
      { role: 'assistant', content: 'ok', metadata: [1, 2] as never },
      'metadata',
      /JSON object/,
    ],
    [
      'metadata that is a string',
      { role: 'assistant', content: 'ok', metadata: 'tool=add' as never },
      'metadata',
      /JSON object/,
    ],
    [
      'metadata over 32 KiB',
      { role: 'assistant', content: 'ok', metadata: { blob: 'x'.repeat(40_000) } },
      'metadata',
      /at most 32768 bytes/,
    ],
    [
      'an idempotency key over 200 characters',
      { role: 'user', content: 'hi', idempotencyKey: 'k'.repeat(201) },
      'idempotencyKey',
      /at most 200/,
    ],
  ];

  for (const [name, input, field, message] of cases) {
    it(`refuses ${name} with a ValidationError naming ${field}, storing nothing`, async () => {
      const before = await messageCount();
      await assert.rejects(
        service().saveMessage(userId, conversationId, input),
        rejectsWith(field, message),
      );
      assert.equal(await messageCount(), before);
    });
  }

  it('accepts a user message of exactly 1000 characters, emoji included', async () => {
    const message = await service().saveMessage(userId, conversationId, {
      role: 'user',
      content: '😀'.repeat(1000),
    });
    assert.equal(message.content.length, 2000);
  });

  it('refuses malformed UUIDs for users and conversations', async () => {
    await assert.rejects(service().getOrCreateConversation('not-a-uuid'), rejectsWith('userId'));
    await assert.rejects(
      service().getConversationForUser(userId, "1' or '1'='1"),
      rejectsWith('conversationId', /must be a UUID/),
    );
    await assert.rejects(
      service().saveMessage(userId, '123', { role: 'user', content: 'hi' }),
      rejectsWith('conversationId'),
    );
    await assert.rejects(service().deleteConversation(userId, ''), rejectsWith('conversationId'));
  });

  it('refuses bad titles, statuses, cursors and limits for conversations', async () => {
    await assert.rejects(
      service().createConversation(userId, { title: 't'.repeat(201) }),
      rejectsWith('title', /at most 200/),
    );
    await assert.rejects(
      service().renameConversation(userId, conversationId, '   '),
      rejectsWith('title', /must not be empty/),
    );
    await assert.rejects(
      service().getUserConversations(userId, { status: 'deleted' as 'active' }),
      rejectsWith('status'),
    );
    await assert.rejects(
      service().getUserConversations(userId, { cursor: 'm1.MQ' }),
      rejectsWith('cursor', /not a cursor this API returned/),
    );
    await assert.rejects(
      service().getUserConversations(userId, { limit: 101 }),
      rejectsWith('limit', /between 1 and 100/),
    );
  });

  it('turns a constraint the database enforces into the same ValidationError', async () => {
    // Straight to the repository, past the service's checks: the database's
    // CHECK constraint is the backstop, and its error is translated.
    await assert.rejects(
      asUser(ctx.store.database, userId, (trx) =>
        appendMessage(trx, userId, conversationId, {
          role: 'user',
          content: 'x'.repeat(1001),
          metadata: null,
          idempotencyKey: null,
        }),
      ),
      rejectsWith('content', /user messages may be at most 1000 characters/),
    );
  });
});
