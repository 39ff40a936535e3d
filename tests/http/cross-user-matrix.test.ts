// One table of every way a signed-in user could reach another user's data:
// each REST route that takes an id, the chat routes given the other user's
// conversation or user id, and each MCP tool over /mcp given the other
// user's id or task numbers. Every row must look exactly like a missing
// object, and the other user's rows must be byte-for-byte unchanged.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp, type Reply, type SignedIn } from '../support/http.ts';

type Outcome = { kind: 'http'; reply: Reply } | { kind: 'tool'; result: CallToolResult };

interface Attempt {
  transport: 'REST' | 'MCP';
  name: string;
  run(): Promise<Outcome>;
}

function looksMissing(outcome: Outcome): string | undefined {
  // The chat stream too: an error known before the model runs is a plain HTTP error.
  if (outcome.kind === 'http') {
    const { status, body } = outcome.reply;
    const code = (body as { error?: { code?: string } }).error?.code;
    return status === 404 && code === 'not_found' ? undefined : `${status} ${JSON.stringify(body)}`;
  }
  const first = outcome.result.content[0];
  const text = first?.type === 'text' ? first.text : '';
  return outcome.result.isError === true && /not found/i.test(text) ? undefined : text;
}

describeStore('cross-user matrix', (ctx) => {
  let alice: SignedIn;
  let bob: SignedIn;
  let attempts: Attempt[] = [];
  let snapshot: () => Promise<string>;

  before(async () => {
    const { app } = createTestApp(ctx.store);
    alice = await signUp(app);
    bob = await signUp(app);
    const conversation = json<{ id: string }>(await alice.client.post('/api/chat/conversations'));
    await alice.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'user',
      content: 'secret',
    });
    const tasks: { id: string; number: number }[] = [];
    for (const title of ['one', 'two', 'three']) {
      tasks.push(json(await alice.client.post('/api/tasks', { title: `secret ${title}` })));
    }
    // Bob has a task 1 of his own; Alice's 2 and 3 do not exist for him.
    await bob.client.post('/api/tasks', { title: 'bob task' });

    snapshot = async () => {
      const rows = await sql`
        select (select json_agg(u) from users u where u.id = ${alice.userId}) as users,
               (select json_agg(c order by c.id) from conversations c where c.user_id = ${alice.userId}) as conversations,
               (select json_agg(m order by m.seq) from messages m where m.user_id = ${alice.userId}) as messages,
               (select json_agg(t order by t.number) from tasks t where t.user_id = ${alice.userId}) as tasks`.execute(
        ctx.store.database,
      );
      return JSON.stringify(rows.rows[0]);
    };

    const mcp = new McpClient({ name: 'cross-user', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL('http://todochat.test/mcp'), {
        requestInit: { headers: { Authorization: `Bearer ${bob.token}` } },
        fetch: async (url, init) => app.request(url.toString(), init),
      }),
    );
    const tool = (name: string, args: Record<string, unknown>): Attempt => ({
      transport: 'MCP',
      name: `${name} ${JSON.stringify(args)}`,
      run: async () => ({
        kind: 'tool',
        result: (await mcp.callTool({ name, arguments: args })) as CallToolResult,
      }),
    });
    const rest = (name: string, call: () => Promise<Reply>): Attempt => ({
      transport: 'REST',
      name,
      run: async () => ({ kind: 'http', reply: await call() }),
    });

    const c = `/api/chat/conversations/${conversation.id}`;
    const client = bob.client;
    attempts = [
      rest('GET conversation', () => client.get(c)),
      rest('PATCH conversation title', () => client.patch(c, { title: 'mine' })),
      rest('PATCH conversation status', () => client.patch(c, { status: 'archived' })),
      rest('DELETE conversation', () => client.delete(c)),
      rest('GET messages', () => client.get(`${c}/messages`)),
      rest('POST message', () => client.post(`${c}/messages`, { role: 'user', content: 'hi' })),
      rest('POST /api/chat into the conversation', () =>
        client.post('/api/chat', { message: 'list my tasks', conversation_id: conversation.id }),
      ),
      rest('POST /api/chat/stream into the conversation', () =>
        client.post('/api/chat/stream', { message: 'hi', conversation_id: conversation.id }),
      ),
      rest('POST /api/{user_id}/chat as the other user', () =>
        client.post(`/api/${alice.userId}/chat`, { message: 'list my tasks' }),
      ),
      ...tasks.flatMap((task) => [
        rest(`GET task ${task.id}`, () => client.get(`/api/tasks/${task.id}`)),
        rest(`PATCH task ${task.id}`, () =>
          client.patch(`/api/tasks/${task.id}`, { completed: true }),
        ),
        rest(`DELETE task ${task.id}`, () => client.delete(`/api/tasks/${task.id}`)),
      ]),
      ...[2, 3].flatMap((number) => [
        rest(`GET task number ${number}`, () => client.get(`/api/tasks/${number}`)),
        rest(`PATCH task number ${number}`, () =>
          client.patch(`/api/tasks/${number}`, { title: 'mine' }),
        ),
        rest(`DELETE task number ${number}`, () => client.delete(`/api/tasks/${number}`)),
      ]),
      tool('list_tasks', { user_id: alice.userId }),
      tool('add_task', { user_id: alice.userId, title: 'planted' }),
      ...[1, 2, 3].flatMap((number) => [
        tool('complete_task', { user_id: alice.userId, task_id: number }),
        tool('delete_task', { user_id: alice.userId, task_id: number }),
        tool('update_task', { user_id: alice.userId, task_id: number, title: 'mine' }),
      ]),
      ...[2, 3].flatMap((number) => [
        tool('complete_task', { task_id: number }),
        tool('delete_task', { task_id: number }),
        tool('update_task', { task_id: number, title: 'mine' }),
      ]),
    ];
  });

  it("answers every route and tool aimed at another user's data as missing, changing nothing", async () => {
    const before = await snapshot();
    const leaks: string[] = [];
    for (const attempt of attempts) {
      const problem = looksMissing(await attempt.run());
      if (problem !== undefined) leaks.push(`${attempt.transport} ${attempt.name}: ${problem}`);
    }
    assert.deepEqual(leaks, []);
    assert.ok(attempts.length >= 40, `${attempts.length} attempts`);
    assert.equal(await snapshot(), before);
  });
});
