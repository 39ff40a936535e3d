import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { NotFoundError } from '../../src/errors.ts';
import type { Conversation } from '../../src/conversations/conversation.ts';
import type { User } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

describeStore('conversation isolation between users', (ctx) => {
  const service = () => ctx.store.conversations;
  let alice: User;
  let bob: User;
  let alicesConversation: Conversation;

  before(async () => {
    alice = await createUser(ctx.store);
    bob = await createUser(ctx.store);
    alicesConversation = await service().createConversation(alice.id, { title: 'private' });
    await service().saveMessage(alice.id, alicesConversation.id, {
      role: 'user',
      content: 'my secret plans',
      idempotencyKey: 'alice-1',
    });
  });

  async function snapshot(): Promise<unknown> {
    const conversations = await sql`
      select id, title, status, message_count, updated_at from conversations
      where user_id = ${alice.id} order by id`.execute(ctx.store.database);
    const messages = await sql`
      select id, seq, content from messages where user_id = ${alice.id} order by seq`.execute(
      ctx.store.database,
    );
    return { conversations: conversations.rows, messages: messages.rows };
  }

  const isNotFound = (error: unknown) =>
    error instanceof NotFoundError && error.message === 'conversation not found';

  it("finds nothing and changes nothing when another user uses the conversation's id", async () => {
    const id = alicesConversation.id;
    const before = await snapshot();

    assert.equal(await service().getConversationForUser(bob.id, id), null);
    await assert.rejects(service().getConversationHistory(bob.id, id), isNotFound);
    await assert.rejects(
      service().saveMessage(bob.id, id, { role: 'user', content: 'intrusion' }),
      isNotFound,
    );
    // Not even a replay of Alice's idempotency key reveals her message.
    await assert.rejects(
      service().saveMessage(bob.id, id, {
        role: 'user',
        content: 'my secret plans',
        idempotencyKey: 'alice-1',
      }),
      isNotFound,
    );
    await assert.rejects(service().renameConversation(bob.id, id, 'mine now'), isNotFound);
    await assert.rejects(service().archiveConversation(bob.id, id), isNotFound);
    await assert.rejects(service().unarchiveConversation(bob.id, id), isNotFound);
    await assert.rejects(service().touchConversation(bob.id, id), isNotFound);
    assert.equal(await service().deleteConversation(bob.id, id), false);

    const bobsList = await service().getUserConversations(bob.id);
    assert.ok(bobsList.conversations.every((conversation) => conversation.userId === bob.id));
    const bobsOwn = await service().getOrCreateConversation(bob.id);
    assert.notEqual(bobsOwn.id, id);

    assert.deepEqual(await snapshot(), before);
  });

  it('reports a missing conversation exactly as it reports another user’s', async () => {
    const missing = await service()
      .getConversationHistory(bob.id, '9d3c5a8e-1111-4222-8333-444455556666')
      .catch((error: unknown) => error);
    const foreign = await service()
      .getConversationHistory(bob.id, alicesConversation.id)
      .catch((error: unknown) => error);
    assert.ok(missing instanceof NotFoundError && foreign instanceof NotFoundError);
    assert.equal(foreign.message, missing.message);
    assert.deepEqual(foreign.details, missing.details);
  });

  it('pages only the conversation named, whatever conversation or user a cursor came from', async () => {
    // A message cursor is a position (a seq), not a capability: used on another
    // conversation it must select from that conversation alone.
    const long = await service().createConversation(alice.id, { title: 'long' });
    for (let index = 1; index <= 12; index++) {
      await service().saveMessage(alice.id, long.id, { role: 'user', content: `long ${index}` });
    }
    const short = await service().createConversation(alice.id, { title: 'short' });
    await service().saveMessage(alice.id, short.id, { role: 'user', content: 'short 1' });
    const bobs = await service().createConversation(bob.id, { title: 'bob' });
    await service().saveMessage(bob.id, bobs.id, { role: 'user', content: 'bob 1' });

    const latest = await service().getConversationHistory(alice.id, long.id, { limit: 3 });
    assert.ok(latest.olderCursor !== null);
    const older = { before: latest.olderCursor, limit: 50 };

    const fromShort = await service().getConversationHistory(alice.id, short.id, older);
    assert.deepEqual(
      fromShort.messages.map((message) => message.content),
      ['short 1'],
    );
    const fromBob = await service().getConversationHistory(bob.id, bobs.id, older);
    assert.deepEqual(
      fromBob.messages.map((message) => message.content),
      ['bob 1'],
    );
    await assert.rejects(service().getConversationHistory(bob.id, long.id, older), isNotFound);
  });

  it('deleting a user removes their conversations and messages, and no one else’s', async () => {
    const carol = await createUser(ctx.store);
    const conversation = await service().getOrCreateConversation(carol.id);
    await service().saveMessage(carol.id, conversation.id, { role: 'user', content: 'bye' });
    const before = await snapshot();

    assert.equal(await ctx.store.users.deleteUser(carol.id), true);

    const left = await sql<{ conversations: number; messages: number }>`
      select (select count(*)::int from conversations where user_id = ${carol.id}) as conversations,
             (select count(*)::int from messages where user_id = ${carol.id}) as messages`.execute(
      ctx.store.database,
    );
    assert.deepEqual(left.rows[0], { conversations: 0, messages: 0 });
    assert.deepEqual(await snapshot(), before);
  });
});
