import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { describeStore } from '../support/databases.ts';
import {
  modelFor,
  startFakeOpenAI,
  type FakeOpenAI,
  type ScriptedReply,
} from '../support/fake-openai.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

describeStore('chat with an OpenAI-compatible model', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function setUp(script: ScriptedReply[], timeoutMs = 10_000) {
    const fake = await startFakeOpenAI(script);
    servers.push(fake);
    const model = modelFor(fake);
    const { app } = createTestApp(ctx.store, { model, chatSettings: { timeoutMs } });
    const user = await signUp(app);
    return { fake, app, ...user };
  }

  async function messagesOf(client: Client, conversationId: string) {
    const history = await client.get(`/api/chat/conversations/${conversationId}/messages`);
    return json<{
      messages: { role: string; content: string; metadata: Record<string, unknown> | null }[];
    }>(history).messages;
  }

  it('runs the tool the model calls, sends the result back, and persists both messages', async () => {
    const { fake, client, userId } = await setUp([
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"buy milk"}' }] },
      { text: 'I added task 1: buy milk.' },
    ]);
    const reply = await client.post('/api/chat', { message: 'add a task to buy milk' });
    assert.equal(reply.status, 200);
    const body = json<{
      conversation_id: string;
      response: string;
      tool_calls: { name: string; arguments: unknown; result: unknown }[];
    }>(reply);
    assert.equal(body.response, 'I added task 1: buy milk.');
    assert.deepEqual(
      body.tool_calls.map((call) => [call.name, call.arguments, call.result]),
      [['add_task', { title: 'buy milk' }, { task_id: 1, status: 'created', title: 'buy milk' }]],
    );

    // The task really exists.
    const tasks = await ctx.store.tasks.listTasks(userId);
    assert.deepEqual(
      tasks.map((task) => task.title),
      ['buy milk'],
    );

    // The first request carried the tools (the MCP definitions) and the user's message;
    // the second carried the tool's result back.
    const first = fake.requests[0] as {
      tools: { function: { name: string } }[];
      messages: { role: string; content: unknown }[];
    };
    assert.deepEqual(first.tools.map((tool) => tool.function.name).sort(), [
      'add_task',
      'complete_task',
      'delete_task',
      'list_tasks',
      'update_task',
    ]);
    assert.deepEqual(first.messages.at(-1), { role: 'user', content: 'add a task to buy milk' });
    const second = fake.requests[1] as {
      messages: { role: string; content: unknown; tool_call_id?: string }[];
    };
    const toolMessage = second.messages.find((message) => message.role === 'tool');
    assert.ok(toolMessage !== undefined);
    assert.deepEqual(JSON.parse(String(toolMessage.content)), {
      task_id: 1,
      status: 'created',
      title: 'buy milk',
    });

    const saved = await messagesOf(client, body.conversation_id);
    assert.deepEqual(
      saved.map((message) => [message.role, message.content]),
      [
        ['user', 'add a task to buy milk'],
        ['assistant', 'I added task 1: buy milk.'],
      ],
    );
    const metadata = saved[1]?.metadata as {
      model: string;
      tool_calls: { name: string }[];
      timings: { model_ms: number };
    };
    assert.equal(metadata.model, 'openai-compatible.chat:fake-model');
    assert.equal(metadata.tool_calls[0]?.name, 'add_task');
    assert.ok(metadata.timings.model_ms >= 0);
  });

  it('lets the model see a failed tool and answer', async () => {
    const { fake, client } = await setUp([
      { toolCalls: [{ name: 'complete_task', arguments: '{"task_id":42}' }] },
      { text: 'There is no task 42.' },
    ]);
    const reply = await client.post('/api/chat', { message: 'complete task 42' });
    assert.equal(reply.status, 200);
    const body = json<{ response: string; tool_calls: { error?: string }[] }>(reply);
    assert.equal(body.response, 'There is no task 42.');
    assert.match(body.tool_calls[0]?.error ?? '', /Task 42 not found\. Call list_tasks/);
    const second = fake.requests[1] as { messages: { role: string; content: unknown }[] };
    const toolMessage = second.messages.find((message) => message.role === 'tool');
    assert.match(String(toolMessage?.content), /not found/);
  });

  it('survives a malformed tool call: the model is told and answers', async () => {
    const { client, userId } = await setUp([
      { toolCalls: [{ name: 'add_task', arguments: '{"title": ' }] },
      { text: 'Sorry, something went wrong adding that.' },
    ]);
    const reply = await client.post('/api/chat', { message: 'add something' });
    assert.equal(reply.status, 200);
    assert.equal(
      json<{ response: string }>(reply).response,
      'Sorry, something went wrong adding that.',
    );
    assert.deepEqual(await ctx.store.tasks.listTasks(userId), []);
  });

  it('answers 502 when the model fails, keeping the user message once across retries', async () => {
    const { client } = await setUp([
      { status: 500, body: '{"error":{"message":"upstream exploded"}}' },
      { status: 500, body: '{"error":{"message":"upstream exploded"}}' },
      { status: 500, body: '{"error":{"message":"upstream exploded"}}' },
      { status: 500, body: '{"error":{"message":"upstream exploded"}}' },
      { text: 'Now it works.' },
    ]);
    const headers = { 'Idempotency-Key': 'turn-1' };
    const failed = await client.post('/api/chat', { message: 'hello?' }, headers);
    assert.equal(failed.status, 502);
    const error = json<{ error: { code: string; message: string } }>(failed).error;
    assert.equal(error.code, 'model_failed');
    assert.doesNotMatch(error.message, /upstream exploded/);
    const again = await client.post('/api/chat', { message: 'hello?' }, headers);
    assert.equal(again.status, 502);
    const retried = await client.post('/api/chat', { message: 'hello?' }, headers);
    assert.equal(retried.status, 200);
    const body = json<{ conversation_id: string; response: string }>(retried);
    assert.equal(body.response, 'Now it works.');
    const saved = await messagesOf(client, body.conversation_id);
    assert.deepEqual(
      saved.map((message) => [message.role, message.content]),
      [
        ['user', 'hello?'],
        ['assistant', 'Now it works.'],
      ],
    );
    // A retry after success replays the answer without asking the model again.
    const replay = await client.post('/api/chat', { message: 'hello?' }, headers);
    assert.equal(json<{ response: string }>(replay).response, 'Now it works.');
    assert.equal((await messagesOf(client, body.conversation_id)).length, 2);
  });

  it('answers 504 when the model does not answer in time, keeping the user message', async () => {
    const { client, userId } = await setUp([{ hang: true }], 500);
    const reply = await client.post('/api/chat', { message: 'are you there?' });
    assert.equal(reply.status, 504);
    assert.equal(json<{ error: { code: string } }>(reply).error.code, 'model_timeout');
    const conversation = await ctx.store.conversations.getOrCreateConversation(userId);
    const history = await ctx.store.conversations.getConversationHistory(userId, conversation.id);
    assert.deepEqual(
      history.messages.map((message) => message.content),
      ['are you there?'],
    );
  });
});
