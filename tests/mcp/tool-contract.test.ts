// What an MCP client reads about the tools before calling them, and how a
// wrong argument is answered: annotations, the server's real length limits
// in the input schemas, no listChanged claim, reopening through update_task.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../src/mcp/mcp-server.ts';
import { TASK_DESCRIPTION_MAX, TASK_TITLE_MAX } from '../../src/tasks/task.service.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

async function connect(userId: string, tasks: Parameters<typeof createMcpServer>[0]['tasks']) {
  const server = createMcpServer({ userId, tasks });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'tool-contract-test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const first = result.content[0];
  return { result, text: first?.type === 'text' ? first.text : '' };
}

describeStore('MCP tool contract', (ctx) => {
  it('annotates each tool: only list_tasks reads, delete and update overwrite, none reach outside', async () => {
    const user = await createUser(ctx.store);
    const client = await connect(user.id, ctx.store.tasks);
    const { tools } = await client.listTools();
    const hints = Object.fromEntries(
      tools.map((tool) => [
        tool.name,
        [
          tool.annotations?.readOnlyHint,
          tool.annotations?.destructiveHint,
          tool.annotations?.idempotentHint,
          tool.annotations?.openWorldHint,
        ],
      ]),
    );
    assert.deepEqual(hints, {
      add_task: [false, false, false, false],
      list_tasks: [true, false, true, false],
      complete_task: [false, false, true, false],
      delete_task: [false, true, true, false],
      update_task: [false, true, true, false],
    });
    await client.close();
  });

  it('states the length limits the task service enforces', async () => {
    const user = await createUser(ctx.store);
    const client = await connect(user.id, ctx.store.tasks);
    const { tools } = await client.listTools();
    for (const name of ['add_task', 'update_task']) {
      const properties = tools.find((tool) => tool.name === name)?.inputSchema.properties as Record<
        string,
        { maxLength?: number }
      >;
      assert.equal(properties.title?.maxLength, TASK_TITLE_MAX, name);
      assert.equal(properties.description?.maxLength, TASK_DESCRIPTION_MAX, name);
    }
    const tooLong = await call(client, 'add_task', { title: 'x'.repeat(TASK_TITLE_MAX + 1) });
    assert.equal(tooLong.result.isError, true);
    assert.match(tooLong.text, new RegExp(`at most ${TASK_TITLE_MAX} characters`));
    await client.close();
  });

  it('does not claim a tool list that changes', async () => {
    const user = await createUser(ctx.store);
    const client = await connect(user.id, ctx.store.tasks);
    assert.notEqual(client.getServerCapabilities()?.tools?.listChanged, true);
    await client.close();
  });

  it('reopens a done task through update_task with completed: false', async () => {
    const user = await createUser(ctx.store);
    const client = await connect(user.id, ctx.store.tasks);
    await call(client, 'add_task', { title: 'water the plants' });
    await call(client, 'complete_task', { task_id: 1 });
    const reopened = await call(client, 'update_task', { task_id: 1, completed: false });
    assert.equal(reopened.result.isError, undefined);
    assert.equal((await ctx.store.tasks.getTask(user.id, 1))?.completed, false);
    await client.close();
  });

  it('answers an argument of the wrong type with what is expected', async () => {
    const user = await createUser(ctx.store);
    const client = await connect(user.id, ctx.store.tasks);
    const milk = await call(client, 'complete_task', { task_id: 'milk' });
    assert.equal(milk.result.isError, true);
    assert.match(milk.text, /a task number is expected/);
    assert.doesNotMatch(milk.text, /GUID/);
    const number = await call(client, 'add_task', { title: 42 });
    assert.equal(number.result.isError, true);
    assert.match(number.text, /a title \(text\) is expected/);
    const flag = await call(client, 'update_task', { task_id: 1, completed: 'no' });
    assert.match(flag.text, /completed must be true or false/);
    await client.close();
  });
});
