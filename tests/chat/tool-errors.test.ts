// A tool that hits an unexpected error (here, the driver's text with SQL, a
// stack and a file path) tells the model, the MCP client, the reply, the
// stream and the stored metadata only a generic {code, hint}; the details go
// to the log, with the request id.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { createMcpServer } from '../../src/mcp/mcp-server.ts';
import type { TaskService } from '../../src/tasks/task.service.ts';
import { describeStore } from '../support/databases.ts';
import { modelFor, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createUser } from '../support/fixtures.ts';
import { createTestApp, json, signUp } from '../support/http.ts';
import { sendUIMessages, uiTransport, userMessage } from '../support/ui-chat.ts';

const LEAK = /insert into|tasks_pkey|at async|\/work\/|\.ts:\d+|relation/i;

function brokenTasks(tasks: TaskService): TaskService {
  const failure = new Error(
    'duplicate key value violates unique constraint "tasks_pkey": insert into tasks (user_id) values ($1)',
  );
  failure.stack = `Error: ${failure.message}\n    at async addTask (/work/src/tasks/task.repository.ts:42:7)`;
  return new Proxy(tasks, {
    get(target, property, receiver) {
      if (property === 'addTask') return () => Promise.reject(failure);
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}

describeStore('unexpected tool errors', (ctx) => {
  const servers: FakeOpenAI[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('reach an MCP client as a generic internal_error hint', async () => {
    const user = await createUser(ctx.store);
    const server = createMcpServer({ userId: user.id, tasks: brokenTasks(ctx.store.tasks) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'todochat-test', version: '1.0.0' });
    await client.connect(clientSide);
    const result = (await client.callTool({
      name: 'add_task',
      arguments: { title: 'milk' },
    })) as CallToolResult;
    assert.equal(result.isError, true);
    const first = result.content[0];
    const body = JSON.parse(first?.type === 'text' ? first.text : '{}') as {
      code: string;
      hint: string;
    };
    assert.equal(body.code, 'internal_error');
    assert.doesNotMatch(JSON.stringify(result), LEAK);
    await client.close();
  });

  it('reach the model, the reply, the stream and the metadata as a generic hint, logged with the request id', async () => {
    const fake = await startFakeOpenAI([
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"milk"}' }] },
      { text: 'Sorry, that did not work.' },
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"milk"}' }] },
      { text: 'Sorry, that did not work.' },
    ]);
    servers.push(fake);
    const model = modelFor(fake);
    const lines: string[] = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const { app } = createTestApp(
      { ...ctx.store, tasks: brokenTasks(ctx.store.tasks) },
      { model, logger },
    );
    const user = await signUp(app);
    const reply = await user.client.post('/api/chat', { message: 'add milk' });
    assert.equal(reply.status, 200);
    const body = json<{ conversation_id: string; tool_calls: { error_code?: string }[] }>(reply);
    assert.equal(body.tool_calls[0]?.error_code, 'internal_error');
    const toModel = (fake.requests[1] as { messages: { role: string; content: unknown }[] })
      .messages;
    const toolMessage = toModel.find((message) => message.role === 'tool');
    assert.equal(
      (JSON.parse(String(toolMessage?.content)) as { code: string }).code,
      'internal_error',
    );

    const streamed = await sendUIMessages(uiTransport(app, user.token), body.conversation_id, [
      userMessage('add milk again'),
    ]);
    const history = await ctx.store.conversations.getConversationHistory(
      user.userId,
      body.conversation_id,
    );
    for (const [where, text] of [
      ['reply', JSON.stringify(reply.body)],
      ['model', JSON.stringify(fake.requests)],
      ['stream', JSON.stringify(streamed.chunks)],
      ['metadata', JSON.stringify(history.messages.map((message) => message.metadata))],
    ] as const) {
      assert.doesNotMatch(text, LEAK, where);
    }
    const logged = lines.map((line) => JSON.parse(line) as { requestId?: string; msg: string });
    const requestId = reply.headers.get('X-Request-Id');
    assert.ok(
      logged.some(
        (line) => line.requestId === requestId && line.msg === 'tool failed unexpectedly',
      ),
      lines.join('\n'),
    );
    assert.match(lines.join('\n'), /tasks_pkey/);
  });
});
