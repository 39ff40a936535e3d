// One turn per (conversation, Idempotency-Key): however many copies arrive at
// once, on however many app instances, the model and the tools run once and
// every copy gets the same reply. A turn whose instance died can be retried.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import {
  modelFor,
  startFakeOpenAI,
  type FakeOpenAI,
  type ScriptedReply,
} from '../support/fake-openai.ts';
import { ownerRows } from '../support/fixtures.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

interface ChatReply {
  conversation_id: string;
  response: string;
  assistant_message_id: string;
}

describeStore('chat turn claims', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function fakeModel(script: ScriptedReply[]) {
    const fake = await startFakeOpenAI(script);
    servers.push(fake);
    const model = modelFor(fake);
    return { fake, model };
  }

  it('runs the tools once for 10 parallel requests with one key, across 3 instances', async () => {
    const first = createTestApp(ctx.store);
    const user = await signUp(first.app);
    const conversation = await ctx.store.conversations.createConversation(user.userId);
    const instances = [
      first.app,
      createTestApp(ctx.store, { tokens: first.tokens }).app,
      createTestApp(ctx.store, { tokens: first.tokens }).app,
    ];
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        new Client(instances[index % 3] ?? first.app, user.token).post(
          '/api/chat',
          { conversation_id: conversation.id, message: 'add a task to buy milk' },
          { 'Idempotency-Key': 'milk-once' },
        ),
      ),
    );
    assert.deepEqual(
      replies.map((reply) => reply.status),
      Array.from({ length: 10 }, () => 200),
    );
    const bodies = replies.map((reply) => json<ChatReply>(reply));
    assert.equal(new Set(bodies.map((body) => body.assistant_message_id)).size, 1);
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(user.userId)).map((task) => task.title),
      ['buy milk'],
    );
    const history = await ctx.store.conversations.getConversationHistory(
      user.userId,
      conversation.id,
    );
    assert.deepEqual(
      history.messages.map((message) => [message.role, message.content]),
      [
        ['user', 'add a task to buy milk'],
        ['assistant', "I've added task 1: buy milk."],
      ],
    );
  });

  it('asks the model once when copies of a slow turn wait for it', async () => {
    const { fake, model } = await fakeModel([
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"call mom"}' }] },
      { text: 'Added task 1: call mom.' },
    ]);
    const first = createTestApp(ctx.store, { model });
    const user = await signUp(first.app);
    const second = createTestApp(ctx.store, { model, tokens: first.tokens });
    const headers = { 'Idempotency-Key': 'mom-1' };
    const replies = await Promise.all(
      [first.app, second.app, first.app, second.app].map((app) =>
        new Client(app, user.token).post('/api/chat', { message: 'add call mom' }, headers),
      ),
    );
    assert.deepEqual(
      replies.map((reply) => [reply.status, json<ChatReply>(reply).response]),
      Array.from({ length: 4 }, () => [200, 'Added task 1: call mom.']),
    );
    assert.equal(fake.requests.length, 2);
    assert.equal((await ctx.store.tasks.listTasks(user.userId)).length, 1);
  });

  it('lets a retry take over a turn whose instance died (its lease ran out)', async () => {
    const { app } = createTestApp(ctx.store, { chatSettings: { timeoutMs: 1000 } });
    const user = await signUp(app);
    const headers = { 'Idempotency-Key': 'crash-1' };
    const conversation = await ctx.store.conversations.createConversation(user.userId);
    const saved = await ctx.store.conversations.saveMessage(user.userId, conversation.id, {
      role: 'user',
      content: 'add water plants',
      idempotencyKey: 'crash-1',
    });
    // An instance claimed the turn and died: its claim is running, its lease over.
    await ownerRows(
      ctx.store,
      sql`insert into chat_turns (user_id, user_message_id, conversation_id, lease_until)
          values (${user.userId}, ${saved.id}, ${conversation.id}, now() - interval '1 second')`,
    );
    const retry = await user.client.post(
      '/api/chat',
      { conversation_id: conversation.id, message: 'add water plants' },
      headers,
    );
    assert.equal(retry.status, 200);
    assert.equal(json<ChatReply>(retry).response, "I've added task 1: water plants.");
    const [turn] = await ownerRows<{ state: string; attempt: number }>(
      ctx.store,
      sql`select state, attempt from chat_turns where user_message_id = ${saved.id}`,
    );
    assert.deepEqual(turn, { state: 'done', attempt: 2 });
  });

  it('gives waiting copies the failure of the turn they waited on; a later retry runs again', async () => {
    const failure = { status: 500, body: '{"error":{"message":"down"}}', delayMs: 300 };
    const { fake, model } = await fakeModel([failure, { text: 'Back again.' }]);
    const { app } = createTestApp(ctx.store, { model, chatSettings: { maxRetries: 0 } });
    const user = await signUp(app);
    const headers = { 'Idempotency-Key': 'flaky-1' };
    const copies = await Promise.all(
      [1, 2, 3].map(() => user.client.post('/api/chat', { message: 'hello' }, headers)),
    );
    assert.deepEqual(
      copies.map((reply) => [reply.status, json<{ error: { code: string } }>(reply).error.code]),
      [
        [502, 'model_failed'],
        [502, 'model_failed'],
        [502, 'model_failed'],
      ],
    );
    assert.equal(fake.requests.length, 1);
    const retry = await user.client.post('/api/chat', { message: 'hello' }, headers);
    assert.equal(json<ChatReply>(retry).response, 'Back again.');
    assert.equal(fake.requests.length, 2);
  });
});
