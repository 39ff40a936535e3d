// `todochat mcp` as a desktop MCP client runs it: a child process on stdio.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const root = mkdtempSync(join(tmpdir(), 'todochat-stdio-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('todochat mcp (stdio)', () => {
  it('serves the todo tools for the named user on the embedded database', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/cli/todochat.ts', 'mcp', '--user', 'desk@example.com'],
      env: { ...(process.env as Record<string, string>), TODOCHAT_DATA_DIR: join(root, 'db') },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      assert.equal((await client.listTools()).tools.length, 5);
      const added = (await client.callTool({
        name: 'add_task',
        arguments: { title: 'from the desktop' },
      })) as CallToolResult;
      assert.deepEqual(added.structuredContent, {
        task_id: 1,
        status: 'created',
        title: 'from the desktop',
      });
      const listed = (await client.callTool({
        name: 'list_tasks',
        arguments: {},
      })) as CallToolResult;
      assert.equal((listed.structuredContent as { count: number }).count, 1);
    } finally {
      await client.close();
    }
  });
});
