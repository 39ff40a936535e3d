import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../src/mcp/mcp-server.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';
import { createTestApp, signUp } from '../support/http.ts';

async function connectInMemory(
  userId: string,
  tasks: Parameters<typeof createMcpServer>[0]['tasks'],
) {
  const server = createMcpServer({ userId, tasks });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'todochat-test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

describeStore('MCP server', (ctx) => {
  it('lists the five todo tools, each described, with input and output schemas', async () => {
    const user = await createUser(ctx.store);
    const client = await connectInMemory(user.id, ctx.store.tasks);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'add_task',
      'complete_task',
      'delete_task',
      'list_tasks',
      'update_task',
    ]);
    for (const tool of tools) {
      assert.ok((tool.description ?? '').length > 20, tool.name);
      assert.ok(tool.outputSchema !== undefined, tool.name);
      const properties = tool.inputSchema.properties as Record<string, { description?: string }>;
      for (const [field, schema] of Object.entries(properties)) {
        assert.ok((schema.description ?? '') !== '', `${tool.name}.${field} has no description`);
      }
    }
    await client.close();
  });

  it('adds, lists, updates, completes and deletes tasks, with structured results', async () => {
    const user = await createUser(ctx.store);
    const client = await connectInMemory(user.id, ctx.store.tasks);
    const added = await call(client, 'add_task', { title: 'buy milk', description: '2 litres' });
    assert.deepEqual(added.structuredContent, { task_id: 1, status: 'created', title: 'buy milk' });
    await call(client, 'add_task', { title: 'pay bills' });

    const listed = await call(client, 'list_tasks', { status: 'pending' });
    assert.deepEqual(listed.structuredContent, {
      tasks: [
        { task_id: 1, title: 'buy milk', description: '2 litres', completed: false },
        { task_id: 2, title: 'pay bills', description: null, completed: false },
      ],
      count: 2,
    });
    assert.deepEqual(JSON.parse(text(listed)), listed.structuredContent);

    const updated = await call(client, 'update_task', { task_id: 2, title: 'pay the bills' });
    assert.deepEqual(updated.structuredContent, {
      task_id: 2,
      status: 'updated',
      title: 'pay the bills',
    });
    const completed = await call(client, 'complete_task', { task_id: '1' });
    assert.deepEqual(completed.structuredContent, {
      task_id: 1,
      status: 'completed',
      title: 'buy milk',
    });
    const deleted = await call(client, 'delete_task', { task_id: 2, user_id: user.id });
    assert.deepEqual(deleted.structuredContent, {
      task_id: 2,
      status: 'deleted',
      title: 'pay the bills',
    });

    const rows = await ctx.store.tasks.listTasks(user.id);
    assert.deepEqual(
      rows.map((task) => [task.number, task.completed]),
      [[1, true]],
    );
    await client.close();
  });

  it('answers mistakes with isError results carrying a hint, never a protocol error', async () => {
    const user = await createUser(ctx.store);
    const client = await connectInMemory(user.id, ctx.store.tasks);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['complete_task', { task_id: 99 }, /Task 99 not found\. Call list_tasks/],
      ['delete_task', { task_id: 7 }, /not found/],
      ['add_task', { title: '   ' }, /title: must not be empty/],
      ['add_task', {}, /title/],
      ['list_tasks', { status: 'done' }, /status/],
      ['update_task', { task_id: 'abc' }, /task_id/],
    ];
    for (const [name, args, hint] of cases) {
      const result = await call(client, name, args);
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(text(result), hint, `${name} ${JSON.stringify(args)}`);
    }
    assert.deepEqual(await ctx.store.tasks.listTasks(user.id), []);
    await client.close();
  });

  it('keeps each user to their own tasks, whatever user_id the model writes', async () => {
    const alice = await createUser(ctx.store);
    const bob = await createUser(ctx.store);
    await ctx.store.tasks.addTask(alice.id, { title: 'alice only' });
    const client = await connectInMemory(bob.id, ctx.store.tasks);

    const listed = await call(client, 'list_tasks', { user_id: alice.id });
    assert.equal(listed.isError, true);
    assert.match(text(listed), /not found/);
    assert.deepEqual((await call(client, 'list_tasks', {})).structuredContent, {
      tasks: [],
      count: 0,
    });
    for (const name of ['complete_task', 'delete_task']) {
      const result = await call(client, name, { task_id: 1 });
      assert.equal(result.isError, true, name);
    }
    const update = await call(client, 'update_task', { task_id: 1, title: 'bob was here' });
    assert.equal(update.isError, true);
    const adding = await call(client, 'add_task', { title: 'sneaky', user_id: alice.id });
    assert.equal(adding.isError, true);

    const alices = await ctx.store.tasks.listTasks(alice.id);
    assert.deepEqual(
      alices.map((task) => [task.title, task.completed]),
      [['alice only', false]],
    );
    assert.deepEqual(await ctx.store.tasks.listTasks(bob.id), []);
    await client.close();
  });

  it('serves the same tools over streamable HTTP at /mcp, behind bearer tokens', async () => {
    const { app } = createTestApp(ctx.store);
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      );
    });
    after(() => {
      server.close();
    });
    const { port } = server.address() as AddressInfo;
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    const alice = await signUp(app);

    const client = new Client({ name: 'todochat-http-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: `Bearer ${alice.token}` } },
      }),
    );
    assert.equal((await client.listTools()).tools.length, 5);
    const added = await call(client, 'add_task', { title: 'over http' });
    assert.deepEqual(added.structuredContent, {
      task_id: 1,
      status: 'created',
      title: 'over http',
    });
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(alice.userId)).map((task) => task.title),
      ['over http'],
    );
    await client.close();

    const anonymous = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(anonymous.status, 401);
  });
});
