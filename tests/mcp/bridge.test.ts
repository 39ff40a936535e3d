// `todochat mcp --url ... --token ...` as a desktop client runs it: the MCP
// SDK's own Client over stdio, relayed to a running server's /mcp with an API
// key, while that server holds the store.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeStore } from '../support/databases.ts';
import { createTestApp } from '../support/http.ts';
import { createUser } from '../support/fixtures.ts';

const bin = new URL('../../bin/todochat.js', import.meta.url).pathname;

function bridge(url: string, token: string): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp', '--url', url, '--token', token],
    env: { ...(process.env as Record<string, string>) },
    stderr: 'pipe',
  });
}

describeStore('todochat mcp --url (stdio bridge)', (ctx) => {
  let server: ServerType;
  let url = '';
  before(async () => {
    const { app } = createTestApp(ctx.store);
    server = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
        resolve(started);
      });
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
  });

  it("relays a desktop client's tool calls to the running server as the key's user", async () => {
    const user = await createUser(ctx.store);
    const { key } = await ctx.store.apiKeys.createApiKey(user.id, { name: 'desktop' });
    const client = new Client({ name: 'desktop-bridge-test', version: '1.0.0' });
    await client.connect(bridge(url, key));
    try {
      assert.equal(client.getServerVersion()?.name, 'todochat');
      assert.equal((await client.listTools()).tools.length, 5);
      const added = (await client.callTool({
        name: 'add_task',
        arguments: { title: 'through the bridge' },
      })) as CallToolResult;
      assert.deepEqual(added.structuredContent, {
        task_id: 1,
        status: 'created',
        title: 'through the bridge',
      });
      const wrong = (await client.callTool({
        name: 'complete_task',
        arguments: { task_id: 99 },
      })) as CallToolResult;
      assert.equal(wrong.isError, true);
    } finally {
      await client.close();
    }
    assert.deepEqual(
      (await ctx.store.tasks.listTasks(user.id)).map((task) => task.title),
      ['through the bridge'],
    );
  });

  it('answers the client with a clear error when the key is refused', async () => {
    const client = new Client({ name: 'desktop-bridge-test', version: '1.0.0' });
    await assert.rejects(
      client.connect(bridge(url, `tck_${'A'.repeat(65)}`)),
      /refused the API key.*todochat keys create/,
    );
    await client.close();
  });

  it('says so when no server answers at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = new Client({ name: 'desktop-bridge-test', version: '1.0.0' });
    await assert.rejects(
      client.connect(bridge(`http://127.0.0.1:${port}`, `tck_${'A'.repeat(65)}`)),
      new RegExp(`No todochat server answers at http://127\\.0\\.0\\.1:${port}`),
    );
    await client.close();
  });
});
