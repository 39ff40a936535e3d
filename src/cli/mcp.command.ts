// `todochat mcp --user <email>`: the MCP server over stdio, for desktop MCP
// clients, on the embedded database (or DATABASE_URL). stdout carries the
// protocol, so everything else goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { createMcpServer } from '../mcp/mcp-server.ts';
import { openStore } from '../store.ts';
import { ensureLocalUser, LOCAL_USER_EMAIL } from './local-user.ts';

export async function runMcpCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { user: { type: 'string', default: LOCAL_USER_EMAIL } },
  });
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pool: config.pool,
  });
  const user = await ensureLocalUser(store, values.user);
  const server = createMcpServer({ userId: user.id, tasks: store.tasks });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  console.error(`todochat MCP server on stdio for ${user.email} (${store.location})`);
  await closed;
  await server.close();
  await store.close();
}
