// The store as an OpenAI Agents SDK session, driven by the SDK's own runner
// with a scripted model: what the runner keeps, what the next run's model is
// sent, and the session's own methods, on both engines.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  Agent,
  Usage,
  run,
  setTracingDisabled,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';
import { sql } from 'kysely';
import { StoreSession, todoAgentTools } from '../../src/agents/index.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, notFound, ownerRows, validationFailure } from '../support/fixtures.ts';

type Output = ModelResponse['output'];

// The runner would otherwise try to export traces to the model vendor.
setTracingDisabled(true);

/** A model that answers each request with the next scripted output and keeps what it was sent. */
class ScriptedModel implements Model {
  readonly requests: ModelRequest[] = [];
  readonly #script: ((request: ModelRequest) => Output)[];

  constructor(script: ((request: ModelRequest) => Output)[]) {
    this.#script = [...script];
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(structuredClone(request));
    const next = this.#script.shift();
    if (next === undefined) return Promise.reject(new Error('the script has no more responses'));
    return Promise.resolve({ usage: new Usage(), output: next(request) });
  }

  getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used by these tests: the runner is called without streaming');
  }
}

function say(text: string): () => Output {
  return () => [
    {
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text }],
    },
  ];
}

function call(name: string, args: object, callId: string): () => Output {
  return () => [
    { type: 'function_call', callId, name, arguments: JSON.stringify(args), status: 'completed' },
  ];
}

function kinds(items: AgentInputItem[]): string[] {
  return items.map((item) =>
    item.type === 'function_call' || item.type === 'function_call_result'
      ? item.type
      : 'role' in item
        ? item.role
        : '?',
  );
}

function inputItems(request: ModelRequest | undefined): AgentInputItem[] {
  assert.ok(request !== undefined && Array.isArray(request.input), 'the model was sent a list');
  return request.input;
}

describeStore('the store as an Agents SDK session', (ctx) => {
  const agentFor = (userId: string, model: Model) =>
    new Agent({
      name: 'todo',
      instructions: 'You manage the user’s todo list.',
      model,
      tools: todoAgentTools({ tasks: ctx.store.tasks, userId }),
    });

  it('keeps the input, the tool call, its result and the answer, and sends them on the next run', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({ conversations: ctx.store.conversations, userId: user.id });
    const first = new ScriptedModel([
      call('add_task', { title: 'buy milk' }, 'call_1'),
      say('Added task 1, buy milk.'),
    ]);
    const result = await run(agentFor(user.id, first), 'remind me to buy milk', { session });
    assert.equal(result.finalOutput, 'Added task 1, buy milk.');

    // The tool ran against the store, for this user.
    const tasks = await ctx.store.tasks.listTasks(user.id);
    assert.deepEqual(
      tasks.map((task) => task.title),
      ['buy milk'],
    );

    const items = await session.getItems();
    assert.deepEqual(kinds(items), ['user', 'function_call', 'function_call_result', 'assistant']);

    // A fresh session object on the same conversation, as another instance would make.
    const conversationId = await session.getSessionId();
    const resumed = new StoreSession({
      conversations: ctx.store.conversations,
      userId: user.id,
      conversationId,
    });
    const second = new ScriptedModel([say('You have one task: buy milk.')]);
    await run(agentFor(user.id, second), 'what is on my list?', { session: resumed });
    const sent = inputItems(second.requests[0]);
    assert.deepEqual(kinds(sent), [
      'user',
      'function_call',
      'function_call_result',
      'assistant',
      'user',
    ]);
    const toolResult = sent[2];
    assert.ok(toolResult?.type === 'function_call_result');
    assert.equal(toolResult.callId, 'call_1');
    assert.match(JSON.stringify(toolResult.output), /buy milk/);

    // The conversation reads as one for people too: numbered, titled, in words.
    const conversation = await ctx.store.conversations.getConversationForUser(
      user.id,
      conversationId,
    );
    assert.equal(conversation?.title, 'Remind me to buy milk');
    assert.equal(conversation.messageCount, 6);
    const history = await ctx.store.conversations.getConversationHistory(user.id, conversationId);
    assert.deepEqual(
      history.messages.map((message) => [message.seq, message.role]),
      [
        [1, 'user'],
        [2, 'assistant'],
        [3, 'assistant'],
        [4, 'assistant'],
        [5, 'user'],
        [6, 'assistant'],
      ],
    );
    assert.equal(history.messages[1]?.content, 'add_task({"title":"buy milk"})');
    assert.equal(history.messages[3]?.content, 'Added task 1, buy milk.');
  });

  it('gives a failing tool call back to the model as an error it can act on', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({ conversations: ctx.store.conversations, userId: user.id });
    const model = new ScriptedModel([
      call('complete_task', { task_id: 'milk' }, 'call_x'),
      say('Which task number do you mean?'),
    ]);
    await run(agentFor(user.id, model), 'milk is done', { session });
    const result = (await session.getItems()).find((item) => item.type === 'function_call_result');
    assert.ok(result?.type === 'function_call_result');
    const output = JSON.stringify(result.output);
    assert.match(output, /validation_failed/);
    assert.match(output, /a task number is expected/);
  });

  it('returns the newest items in order, bounded by the limit or the session’s own bound', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({
      conversations: ctx.store.conversations,
      userId: user.id,
      maxItems: 3,
    });
    const items: AgentInputItem[] = Array.from({ length: 250 }, (_, i) => ({
      role: 'user',
      content: `item ${i + 1}`,
    }));
    for (let i = 0; i < items.length; i += 100) await session.addItems(items.slice(i, i + 100));
    const text = (list: AgentInputItem[]) =>
      list.map((item) => ('role' in item && typeof item.content === 'string' ? item.content : '?'));

    assert.deepEqual(text(await session.getItems()), ['item 248', 'item 249', 'item 250']);
    assert.deepEqual(text(await session.getItems(2)), ['item 249', 'item 250']);
    assert.deepEqual(await session.getItems(0), []);
    // More than one page of the store's history, still only what was asked for.
    const many = await session.getItems(230);
    assert.equal(many.length, 230);
    assert.deepEqual(text(many).slice(0, 2), ['item 21', 'item 22']);
    assert.equal(text(many).at(-1), 'item 250');
    assert.equal((await session.getItems(1000)).length, 250);
  });

  it('never opens the window it gives the runner on a tool result whose call is outside it', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({
      conversations: ctx.store.conversations,
      userId: user.id,
      maxItems: 2,
    });
    await session.addItems([
      { role: 'user', content: 'what is on my list?' },
      { type: 'function_call', callId: 'c1', name: 'list_tasks', arguments: '{}' },
      {
        type: 'function_call_result',
        callId: 'c1',
        name: 'list_tasks',
        status: 'completed',
        output: '[]',
      },
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Nothing.' }],
      },
    ]);
    assert.deepEqual(kinds(await session.getItems()), ['assistant']);
    // Asked for a number, it gives exactly that many, as the Session contract says.
    assert.deepEqual(kinds(await session.getItems(2)), ['function_call_result', 'assistant']);
  });

  it('pops the newest item and clears, keeping the numbering gap-free and the id', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({ conversations: ctx.store.conversations, userId: user.id });
    assert.equal(await session.popItem(), undefined);
    await session.addItems([
      { role: 'user', content: 'one' },
      { type: 'function_call', callId: 'c1', name: 'list_tasks', arguments: '{}' },
    ]);
    const popped = await session.popItem();
    assert.deepEqual(popped, {
      type: 'function_call',
      callId: 'c1',
      name: 'list_tasks',
      arguments: '{}',
    });
    await session.addItems([{ role: 'user', content: 'two' }]);
    const id = await session.getSessionId();
    const seqs = async () =>
      (
        await ownerRows(
          ctx.store,
          sql<{ seq: number }>`select seq from messages where conversation_id = ${id} order by seq`,
        )
      ).map((row) => row.seq);
    assert.deepEqual(await seqs(), [1, 2]);

    await session.clearSession();
    assert.deepEqual(await session.getItems(), []);
    assert.equal(await session.getSessionId(), id);
    await session.addItems([{ role: 'user', content: 'three' }]);
    assert.deepEqual(await seqs(), [1]);
  });

  it('reads a conversation written elsewhere as plain user and assistant messages', async () => {
    const user = await createUser(ctx.store);
    const conversation = await ctx.store.conversations.createConversation(user.id);
    await ctx.store.conversations.saveMessages(user.id, conversation.id, [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello!' },
    ]);
    const session = new StoreSession({
      conversations: ctx.store.conversations,
      userId: user.id,
      conversationId: conversation.id,
    });
    assert.deepEqual(await session.getItems(), [
      { role: 'user', content: 'hi' },
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello!' }],
      },
    ]);
  });

  it("is another user's conversation: not found, and nothing changes", async () => {
    const owner = await createUser(ctx.store);
    const other = await createUser(ctx.store);
    const mine = new StoreSession({ conversations: ctx.store.conversations, userId: owner.id });
    await mine.addItems([{ role: 'user', content: 'private' }]);
    const theirs = new StoreSession({
      conversations: ctx.store.conversations,
      userId: other.id,
      conversationId: await mine.getSessionId(),
    });
    await assert.rejects(theirs.getItems(), notFound('conversation'));
    await assert.rejects(
      theirs.addItems([{ role: 'user', content: 'x' }]),
      notFound('conversation'),
    );
    await assert.rejects(theirs.popItem(), notFound('conversation'));
    await assert.rejects(theirs.clearSession(), notFound('conversation'));
    assert.equal((await mine.getItems()).length, 1);
  });

  it('refuses what the store cannot keep with a clear error, storing none of the batch', async () => {
    const user = await createUser(ctx.store);
    const session = new StoreSession({ conversations: ctx.store.conversations, userId: user.id });
    await assert.rejects(
      session.addItems([
        { role: 'user', content: 'fine' },
        {
          type: 'function_call_result',
          callId: 'c1',
          name: 'list_tasks',
          status: 'completed',
          output: 'x'.repeat(40_000),
        },
      ]),
      validationFailure('items.1', /at most 32768 bytes/),
    );
    await assert.rejects(
      session.addItems([{ role: 'user', content: 'y'.repeat(1001) }]),
      validationFailure('items.0.content', /at most 1000 characters/),
    );
    assert.deepEqual(await session.getItems(), []);
    assert.throws(
      () => new StoreSession({ conversations: ctx.store.conversations, userId: 'nope' }),
      validationFailure('userId'),
    );
  });
});
