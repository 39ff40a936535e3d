// Per-user limits on model turns (counted in the database, so they hold
// across instances), titles from a conversation's first message, and the
// statements one turn costs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countTurnStatements } from '../../src/chat/turn-statements.ts';
import { describeStore, testEngines, type TestDatabase } from '../support/databases.ts';
import { modelFor, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';
import { sendUIMessages, uiTransport, userMessage } from '../support/ui-chat.ts';

/**
 * The minute windows are fixed (aligned to the clock), so a test that counts
 * turns within one starts early in a minute rather than straddle two.
 */
async function earlyInAMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describeStore('chat limits and titles', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function fakeModel(turns: number) {
    const fake = await startFakeOpenAI(
      Array.from({ length: turns }, () => ({ text: 'Noted.' })),
      { title: { text: '"Groceries for the week."' } },
    );
    servers.push(fake);
    return {
      fake,
      model: modelFor(fake),
    };
  }

  it('answers 429 rate_limited with Retry-After past the per-minute limit, on any instance, saving nothing', async () => {
    const { model } = await fakeModel(5);
    const chatSettings = { ratePerMinute: 2, ratePerDay: 100, modelTitles: false };
    const first = createTestApp(ctx.store, { model, chatSettings });
    const second = createTestApp(ctx.store, { model, chatSettings, tokens: first.tokens });
    const user = await signUp(first.app);
    const conversation = await ctx.store.conversations.createConversation(user.userId);
    await earlyInAMinute();
    const say = (app: typeof first.app, message: string) =>
      new Client(app, user.token).post('/api/chat', {
        conversation_id: conversation.id,
        message,
      });
    assert.equal((await say(first.app, 'one')).status, 200);
    assert.equal((await say(second.app, 'two')).status, 200);
    const refused = await say(second.app, 'three');
    assert.equal(refused.status, 429);
    assert.equal(json<{ error: { code: string } }>(refused).error.code, 'rate_limited');
    const retryAfter = Number(refused.headers.get('Retry-After'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    // The stream refuses it the same way, before any stream opens.
    await assert.rejects(
      sendUIMessages(uiTransport(first.app, user.token), conversation.id, [userMessage('four')]),
      /rate_limited/,
    );
    const found = await ctx.store.conversations.getConversationForUser(
      user.userId,
      conversation.id,
    );
    assert.equal(found?.messageCount, 4);
    // Another user has a budget of their own.
    const other = await signUp(first.app);
    assert.equal((await other.client.post('/api/chat', { message: 'hi' })).status, 200);
  });

  it('does not count a replay, and exempts the built-in model by default', async () => {
    const { model } = await fakeModel(1);
    const limited = createTestApp(ctx.store, {
      model,
      chatSettings: { ratePerMinute: 1, modelTitles: false },
    });
    const user = await signUp(limited.app);
    await earlyInAMinute();
    const headers = { 'Idempotency-Key': 'once' };
    assert.equal((await user.client.post('/api/chat', { message: 'a' }, headers)).status, 200);
    assert.equal((await user.client.post('/api/chat', { message: 'a' }, headers)).status, 200);
    const builtin = createTestApp(ctx.store, {
      chatSettings: { ratePerMinute: 1 },
      tokens: limited.tokens,
    });
    const client = new Client(builtin.app, user.token);
    for (const message of ['add x', 'add y', 'add z']) {
      assert.equal((await client.post('/api/chat', { message })).status, 200);
    }
    const strict = createTestApp(ctx.store, {
      chatSettings: { ratePerMinute: 1, rateExemptBuiltin: false },
      tokens: limited.tokens,
    });
    const counted = new Client(strict.app, user.token);
    const statuses = [];
    for (const message of ['list', 'list']) {
      statuses.push((await counted.post('/api/chat', { message })).status);
    }
    // The minute's one turn went to the model call above; the built-in turns were not counted.
    assert.deepEqual(statuses, [429, 429]);
  });

  it('titles a new conversation from its first message with the built-in model; a rename wins', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const conversation = await ctx.store.conversations.createConversation(user.userId);
    await user.client.post('/api/chat', {
      conversation_id: conversation.id,
      message:
        '  **remind me** to   call the plumber about the kitchen sink that keeps leaking every night!!  ',
    });
    const titled = await ctx.store.conversations.getConversationForUser(
      user.userId,
      conversation.id,
    );
    assert.equal(titled?.title, 'Remind me to call the plumber about the kitchen sink that…');
    await ctx.store.conversations.renameConversation(user.userId, conversation.id, 'Home');
    await user.client.post('/api/chat', { conversation_id: conversation.id, message: 'add x' });
    const renamed = await ctx.store.conversations.getOrCreateConversation(user.userId);
    assert.equal(renamed.title, 'Home');

    const named = await ctx.store.conversations.createConversation(user.userId, {
      title: 'Chosen',
    });
    await user.client.post('/api/chat', { conversation_id: named.id, message: 'add y' });
    const kept = await ctx.store.conversations.getConversationForUser(user.userId, named.id);
    assert.equal(kept?.title, 'Chosen');
  });

  it('asks another model for a short title once, or uses the message when that is off', async () => {
    const { fake, model } = await fakeModel(3);
    const { app, tokens } = createTestApp(ctx.store, { model });
    const user = await signUp(app);
    const one = json<{ conversation_id: string }>(
      await user.client.post('/api/chat', { message: 'we need milk, eggs and bread' }),
    );
    await user.client.post('/api/chat', { conversation_id: one.conversation_id, message: 'more' });
    assert.equal(fake.titleRequests.length, 1);
    const titled = await ctx.store.conversations.getConversationForUser(
      user.userId,
      one.conversation_id,
    );
    assert.equal(titled?.title, 'Groceries for the week');

    const off = createTestApp(ctx.store, { model, tokens, chatSettings: { modelTitles: false } });
    const conversation = await ctx.store.conversations.createConversation(user.userId);
    await new Client(off.app, user.token).post('/api/chat', {
      conversation_id: conversation.id,
      message: 'plan the trip',
    });
    assert.equal(fake.titleRequests.length, 1);
    const plain = await ctx.store.conversations.getConversationForUser(
      user.userId,
      conversation.id,
    );
    assert.equal(plain?.title, 'Plan the trip');
  });
});

for (const engine of testEngines()) {
  describe(`statements per chat turn [${engine.name}]`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await engine.migrated();
    });
    after(async () => {
      await database.dispose();
    });

    it('takes 4 round trips in 3 transactions (the turn, the tool, the reply), down from 20 statements in 5', async () => {
      const counted = await countTurnStatements({ ...database.options, migrate: false });
      // 1: the message appended with its conversation read in one statement,
      // then the claim and the history with the COMMIT (2 round trips; the
      // built-in model counts against no limits); 2: add_task, one statement
      // sent as one batch; 3: the reply appended, the claim ended and a first
      // turn's title set, one statement, one batch.
      // Before: 20 statements in 5 transactions, 15 of them BEGIN / set_config / COMMIT.
      // The drivers send BEGIN and the role switch with a transaction's first
      // statement, and a one-statement batch as an implicit transaction (one
      // Sync), so steps 2 and 3 send no BEGIN or COMMIT. The same on both engines.
      assert.deepEqual(counted, { roundTrips: 4, statements: 10, transactions: 3, control: 5 });
    });

    it('takes the same with an idempotency key, as the page sends: the earlier message is looked up in the append', async () => {
      const counted = await countTurnStatements(
        { ...database.options, migrate: false },
        { idempotencyKey: crypto.randomUUID() },
      );
      assert.deepEqual(counted, { roundTrips: 4, statements: 10, transactions: 3, control: 5 });
    });
  });
}
