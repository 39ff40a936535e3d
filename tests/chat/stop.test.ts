// Stopping a reply: useChat's stop() (the request aborted) or the stop route
// for JSON clients, from any instance. The partial text is saved with
// finish_reason "stopped"; tools already run stay recorded. A JSON client
// that merely disconnects still gets its reply finished and saved.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { describeStore } from '../support/databases.ts';
import {
  modelFor,
  startFakeOpenAI,
  type FakeOpenAI,
  type ScriptedReply,
} from '../support/fake-openai.ts';
import { sleep } from '../support/fixtures.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';
import { readTurn, uiTransport, userMessage } from '../support/ui-chat.ts';

describeStore('stopping a reply', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function setUp(script: ScriptedReply[]) {
    const fake = await startFakeOpenAI(script);
    servers.push(fake);
    const model = modelFor(fake);
    const settings = { stopPollMs: 50, modelTitles: false };
    const first = createTestApp(ctx.store, { model, chatSettings: settings });
    const user = await signUp(first.app);
    const second = createTestApp(ctx.store, {
      model,
      chatSettings: settings,
      tokens: first.tokens,
    });
    return { fake, first, second, ...user };
  }

  async function waitForReply(userId: string, conversationId: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const history = await ctx.store.conversations.getConversationHistory(userId, conversationId);
      const reply = history.messages.find((message) => message.role === 'assistant');
      if (reply !== undefined) return reply;
      await sleep(20);
    }
    throw new Error('no reply was saved');
  }

  it('saves the partial text as "stopped" when the UI stream is aborted, with the tools already run', async () => {
    const { first, token, userId } = await setUp([
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"milk"}' }] },
      { text: 'I added milk and now I am still writing', hangAfter: true },
    ]);
    const conversation = await ctx.store.conversations.createConversation(userId);
    const controller = new AbortController();
    const stream = await uiTransport(first.app, token).sendMessages({
      trigger: 'submit-message',
      chatId: conversation.id,
      messageId: undefined,
      messages: [userMessage('add milk')],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    let deltas = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (value.type === 'text-delta' && ++deltas === 3) break;
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);

    const reply = await waitForReply(userId, conversation.id);
    assert.equal(reply.metadata?.finish_reason, 'stopped');
    assert.match(reply.content, /^I added milk/);
    assert.deepEqual(
      (reply.metadata as unknown as { tool_calls: { name: string }[] }).tool_calls.map(
        (call) => call.name,
      ),
      ['add_task'],
    );
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(userId)).map((task) => task.title),
      ['milk'],
    );
  });

  it('stops a JSON turn from another instance through the stop route', async () => {
    const { fake, second, client, token, userId } = await setUp([
      { text: 'Let me think about that for a very long', hangAfter: true },
    ]);
    const conversation = await ctx.store.conversations.createConversation(userId);
    const pending = client.post('/api/chat', {
      conversation_id: conversation.id,
      message: 'think hard',
    });
    // Once the model has begun to write, stop it from the other instance.
    for (let attempt = 0; attempt < 100 && fake.requests.length === 0; attempt++) await sleep(20);
    await sleep(150);
    const other = new Client(second.app, token);
    const stop = await other.post(`/api/chat/conversations/${conversation.id}/stop`);
    assert.deepEqual(stop.body, { stopped: 1 });
    const reply = await pending;
    assert.equal(reply.status, 200);
    const body = json<{ response: string; finish_reason: string }>(reply);
    assert.equal(body.finish_reason, 'stopped');
    assert.match(body.response, /^Let me think/);
    const saved = await waitForReply(userId, conversation.id);
    assert.equal(saved.metadata?.finish_reason, 'stopped');
  });

  it("answers 404 to a stop for another user's conversation", async () => {
    const { client } = await setUp([]);
    const { app } = createTestApp(ctx.store);
    const other = await signUp(app);
    const conversation = await ctx.store.conversations.createConversation(other.userId);
    const reply = await client.post(`/api/chat/conversations/${conversation.id}/stop`);
    assert.equal(reply.status, 404);
  });

  it('finishes and saves a JSON turn whose client disconnected', async () => {
    const { first, token, userId } = await setUp([{ text: 'All done here.' }]);
    const conversation = await ctx.store.conversations.createConversation(userId);
    const controller = new AbortController();
    const request = first.app.request('/api/chat', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversation_id: conversation.id, message: 'hi' }),
      signal: controller.signal,
    });
    controller.abort();
    await Promise.resolve(request).catch(() => undefined);
    const reply = await waitForReply(userId, conversation.id);
    assert.equal(reply.content, 'All done here.');
    assert.equal(reply.metadata?.finish_reason, 'stop');
  });

  it('reads a stopped reply back in full with the stock reader', async () => {
    const { first, token, userId } = await setUp([{ text: 'Short answer.' }]);
    const conversation = await ctx.store.conversations.createConversation(userId);
    const stream = await uiTransport(first.app, token).sendMessages({
      trigger: 'submit-message',
      chatId: conversation.id,
      messageId: undefined,
      messages: [userMessage('hi')],
      abortSignal: undefined,
    });
    const turn = await readTurn(stream);
    assert.equal(turn.message?.metadata?.finish_reason, 'stop');
  });
});
