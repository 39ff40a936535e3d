import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { ValidationError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

const MESSAGES = 5000;

describeStore('history pagination', (ctx) => {
  const service = () => ctx.store.conversations;
  let userId = '';
  let conversationId = '';

  before(async () => {
    const user = await createUser(ctx.store);
    const conversation = await service().createConversation(user.id, { title: 'long' });
    userId = user.id;
    conversationId = conversation.id;
    // Seeded in one statement (through the service it would take a while);
    // every row shares one created_at, so only seq can order them.
    await ctx.store.database.transaction().execute(async (trx) => {
      await sql`insert into messages (user_id, conversation_id, seq, role, content)
        select ${userId}, ${conversationId}, i,
               case when i % 2 = 1 then 'user' else 'assistant' end, 'message ' || i
        from generate_series(1, ${MESSAGES}) as i`.execute(trx);
      await sql`update conversations set message_count = ${MESSAGES}
        where id = ${conversationId}`.execute(trx);
    });
  });

  async function collectBackward(limit: number): Promise<number[]> {
    const seqs: number[] = [];
    let page = await service().getConversationHistory(userId, conversationId, { limit });
    for (;;) {
      seqs.unshift(...page.messages.map((message) => message.seq));
      if (!page.hasOlder) break;
      assert.ok(page.olderCursor !== null);
      page = await service().getConversationHistory(userId, conversationId, {
        limit,
        before: page.olderCursor,
      });
    }
    return seqs;
  }

  async function collectForward(limit: number, onPage?: () => Promise<void>): Promise<number[]> {
    const seqs: number[] = [];
    let page = await service().getConversationHistory(userId, conversationId, {
      limit,
      after: startCursor(),
    });
    for (;;) {
      seqs.push(...page.messages.map((message) => message.seq));
      await onPage?.();
      if (!page.hasNewer) break;
      assert.ok(page.newerCursor !== null);
      page = await service().getConversationHistory(userId, conversationId, {
        limit,
        after: page.newerCursor,
      });
    }
    return seqs;
  }

  // The cursor before the first message: what a client gets from an empty page.
  function startCursor(): string {
    return `m1.${Buffer.from('0').toString('base64url')}`;
  }

  for (const limit of [1, 7, 50, 200]) {
    it(`pages backward and forward with limit ${limit}, each message once, in order`, async () => {
      const expected = await currentSeqs();
      if (limit === 1) {
        // 10,000 single-message round trips would say nothing the other
        // sizes do not: check that a page of one is the newest message.
        const page = await service().getConversationHistory(userId, conversationId, { limit });
        assert.equal(page.messages.length, 1);
        assert.equal(page.messages[0]?.seq, expected.length);
        return;
      }
      assert.deepEqual(await collectBackward(limit), expected);
      assert.deepEqual(await collectForward(limit), expected);
    });
  }

  it('pages forward without loss or repeats while new messages arrive', async () => {
    let added = 0;
    const seqs = await collectForward(100, async () => {
      // Two new messages land between every pair of page reads.
      for (let i = 0; i < 2; i++) {
        await service().saveMessage(userId, conversationId, {
          role: 'user',
          content: `late ${added++}`,
        });
      }
    });
    const expected = await currentSeqs();
    assert.ok(added > 0);
    assert.deepEqual(seqs, expected.slice(0, seqs.length));
    // The walk ends at most one page-turn behind the last arrivals.
    assert.ok(expected.length - seqs.length <= 2, `${expected.length - seqs.length} left`);
  });

  it('pages backward without loss while new messages arrive', async () => {
    const first = await service().getConversationHistory(userId, conversationId, { limit: 200 });
    await service().saveMessage(userId, conversationId, { role: 'user', content: 'newer' });
    const seqs = first.messages.map((message) => message.seq);
    let cursor = first.olderCursor;
    while (cursor !== null) {
      const page = await service().getConversationHistory(userId, conversationId, {
        limit: 200,
        before: cursor,
      });
      seqs.unshift(...page.messages.map((message) => message.seq));
      cursor = page.olderCursor;
    }
    const all = await currentSeqs();
    assert.deepEqual(seqs, all.slice(0, -1));
  });

  it('rejects a cursor it did not issue, and a limit out of range', async () => {
    for (const before of [
      '',
      'nonsense',
      'm1.%%%',
      'c1.MQ',
      `m1.${Buffer.from('-4').toString('base64url')}`,
    ]) {
      await assert.rejects(
        service().getConversationHistory(userId, conversationId, { before }),
        (error) => error instanceof ValidationError && error.issues[0]?.field === 'before',
        `before=${before}`,
      );
    }
    for (const limit of [0, -1, 201, 1.5, Number.NaN]) {
      await assert.rejects(
        service().getConversationHistory(userId, conversationId, { limit }),
        (error) => error instanceof ValidationError && error.issues[0]?.field === 'limit',
        `limit=${limit}`,
      );
    }
  });

  async function currentSeqs(): Promise<number[]> {
    const rows = await sql<{ seq: number }>`
      select seq from messages where conversation_id = ${conversationId} order by seq`.execute(
      ctx.store.database,
    );
    return rows.rows.map((row) => row.seq);
  }
});
