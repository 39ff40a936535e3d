// What a real model is given as history: earlier tool calls and their
// results as tool-call / tool-result messages, roles that alternate even
// after a failed turn. Asserted on the exact messages array the
// OpenAI-compatible server receives.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { SYSTEM_PROMPT } from '../../src/chat/chat.service.ts';
import { NO_REPLY_NOTE } from '../../src/chat/history.ts';
import { describeStore } from '../support/databases.ts';
import { modelFor, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestApp, json, signUp } from '../support/http.ts';

describeStore('history given to a model', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('replays tool calls and results as real messages, and keeps roles alternating after a failure', async () => {
    const fake = await startFakeOpenAI([
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"milk"}' }] },
      { text: 'Added task 1: milk.' },
      { toolCalls: [{ name: 'complete_task', arguments: '{"task_id":7}' }] },
      { text: 'There is no task 7.' },
      { status: 500, body: '{}' },
      { text: 'Hello again.' },
    ]);
    servers.push(fake);
    const model = modelFor(fake);
    const { app } = createTestApp(ctx.store, { model, chatSettings: { maxRetries: 0 } });
    const user = await signUp(app);
    const say = (message: string) => user.client.post('/api/chat', { message });
    const { conversation_id: id } = json<{ conversation_id: string }>(await say('add milk'));
    await say('complete task 7');
    assert.equal((await say('are you there?')).status, 502);
    assert.equal((await say('hello?')).status, 200);

    const last = fake.requests.at(-1) as { messages: unknown[] };
    assert.deepEqual(last.messages, [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: 'add milk' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1_0',
            type: 'function',
            function: { name: 'add_task', arguments: '{"title":"milk"}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_1_0',
        // As stored: jsonb keeps its own key order.
        content: '{"title":"milk","status":"created","task_id":1}',
      },
      { role: 'assistant', content: 'Added task 1: milk.' },
      { role: 'user', content: 'complete task 7' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_3_0',
            type: 'function',
            function: { name: 'complete_task', arguments: '{"task_id":7}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_3_0',
        content: JSON.stringify({
          code: 'not_found',
          hint: "Task 7 not found. Call list_tasks to see the user's task numbers.",
        }),
      },
      { role: 'assistant', content: 'There is no task 7.' },
      { role: 'user', content: 'are you there?' },
      { role: 'assistant', content: NO_REPLY_NOTE },
      { role: 'user', content: 'hello?' },
    ]);
    const saved = await ctx.store.conversations.getConversationHistory(user.userId, id);
    assert.equal(saved.messages.length, 7);
  });
});
