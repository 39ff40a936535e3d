import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStore } from '../support/databases.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

describeStore('the chat endpoint', (ctx) => {
  it('keeps no state between requests: a second app instance carries on from the database', async () => {
    const first = createTestApp(ctx.store);
    const user = await signUp(first.app);
    const one = await user.client.post('/api/chat', { message: 'add a task to buy milk' });
    const conversationId = json<{ conversation_id: string }>(one).conversation_id;

    // Another instance, as another server would be: same database, same token secret.
    const second = createTestApp(ctx.store, { tokens: first.tokens });
    const client = new Client(second.app, user.token);
    const two = await client.post('/api/chat', {
      conversation_id: conversationId,
      message: "what's pending?",
    });
    assert.equal(two.status, 200);
    assert.equal(json<{ response: string }>(two).response, 'You have 1 pending task:\n1. buy milk');
    const history = await ctx.store.conversations.getConversationHistory(
      user.userId,
      conversationId,
    );
    assert.deepEqual(
      history.messages.map((message) => message.role),
      ['user', 'assistant', 'user', 'assistant'],
    );
  });

  it("uses the active conversation when none is given, and refuses another user's", async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const bob = await signUp(app);
    const first = json<{ conversation_id: string }>(
      await alice.client.post('/api/chat', { message: 'hi' }),
    );
    const second = json<{ conversation_id: string }>(
      await alice.client.post('/api/chat', { message: 'add call mom' }),
    );
    assert.equal(second.conversation_id, first.conversation_id);
    const intrusion = await bob.client.post('/api/chat', {
      conversation_id: first.conversation_id,
      message: 'hi',
    });
    assert.equal(intrusion.status, 404);
    const history = await ctx.store.conversations.getConversationHistory(
      alice.userId,
      first.conversation_id,
    );
    assert.equal(history.messages.length, 4);
  });

  it("serves /api/{user_id}/chat for the token's user only", async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const bob = await signUp(app);
    const own = await alice.client.post(`/api/${alice.userId}/chat`, { message: 'add buy bread' });
    assert.equal(own.status, 200);
    const other = await alice.client.post(`/api/${bob.userId}/chat`, { message: 'add buy bread' });
    assert.equal(other.status, 404);
    assert.deepEqual(await ctx.store.tasks.listTasks(bob.userId), []);
  });

  it('refuses a message over 1000 characters with 422, saving nothing', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const reply = await user.client.post('/api/chat', { message: 'x'.repeat(1001) });
    assert.equal(reply.status, 422);
    // Checked before anything is written: not even the conversation is created.
    assert.deepEqual(
      (await ctx.store.conversations.getUserConversations(user.userId)).conversations,
      [],
    );
  });

  it('answers a retried request with the same Idempotency-Key once, from the database', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const headers = { 'Idempotency-Key': 'add-milk-1' };
    const first = json<{ response: string; conversation_id: string }>(
      await user.client.post('/api/chat', { message: 'add buy milk' }, headers),
    );
    const retry = json<{ response: string }>(
      await user.client.post('/api/chat', { message: 'add buy milk' }, headers),
    );
    assert.equal(retry.response, first.response);
    assert.equal((await ctx.store.tasks.listTasks(user.userId)).length, 1);
    const history = await ctx.store.conversations.getConversationHistory(
      user.userId,
      first.conversation_id,
    );
    assert.equal(history.messages.length, 2);
  });

  it('completes two simultaneous turns on one conversation, in a consistent order', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const { conversation_id: id } = json<{ conversation_id: string }>(
      await user.client.post('/api/chat', { message: 'hi' }),
    );
    const [a, b] = await Promise.all([
      user.client.post('/api/chat', { conversation_id: id, message: 'add task alpha' }),
      user.client.post('/api/chat', { conversation_id: id, message: 'add task beta' }),
    ]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const history = await ctx.store.conversations.getConversationHistory(user.userId, id);
    assert.equal(history.messages.length, 6);
    assert.deepEqual(
      history.messages.map((message) => message.seq),
      [1, 2, 3, 4, 5, 6],
    );
    // Every reply comes after the message it answers.
    for (const reply of history.messages.filter((message) => message.role === 'assistant')) {
      const question = history.messages.find((message) => message.id === reply.metadata?.reply_to);
      assert.ok(question !== undefined && question.seq < reply.seq);
    }
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(user.userId)).map((task) => task.title).sort(),
      ['alpha', 'beta'],
    );
  });

  it('finishes and saves the turn when the client disconnects mid-stream', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const controller = new AbortController();
    const response = await app.request('/api/chat/stream', {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'add a task to call the plumber' }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await reader?.cancel();
    // The reply lands in the database all the same.
    for (let attempt = 0; attempt < 50; attempt++) {
      const [conversation] = (await ctx.store.conversations.getUserConversations(user.userId))
        .conversations;
      if (conversation?.messageCount === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [conversation] = (await ctx.store.conversations.getUserConversations(user.userId))
      .conversations;
    assert.equal(conversation?.messageCount, 2);
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(user.userId)).map((task) => task.title),
      ['call the plumber'],
    );
  });
});
