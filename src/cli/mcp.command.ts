// `todochat mcp`: the MCP server over stdio, for desktop MCP clients.
//   --url URL --token KEY  relay to a running todochat server (works beside
//                          npm start: the server keeps the data directory)
//   [--user EMAIL]         or open the store itself: DATABASE_URL, or the
//                          embedded directory while no server holds it
// stdout carries the protocol, so everything else goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { AppError, StoreLockedError } from '../errors.ts';
import { runMcpBridge } from '../mcp/mcp-bridge.ts';
import { createMcpServer } from '../mcp/mcp-server.ts';
import { openStore, storeOptionsFrom } from '../store.ts';
import { ensureLocalUser, LOCAL_USER_EMAIL } from './local-user.ts';
import { UsageError } from './usage-error.ts';

export async function runMcpCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const token = values.token ?? config.apiToken;
  if (values.url !== undefined) {
    if (values.user !== undefined) {
      throw new UsageError('--user is for the local store; with --url the API key names the user');
    }
    if (token === undefined) {
      throw new UsageError(
        '--url needs an API key: --token KEY or TODOCHAT_TOKEN (create one with todochat keys create --name NAME)',
      );
    }
    await runMcpBridge({
      url: values.url,
      token,
      log: (line) => {
        console.error(line);
      },
    });
    return;
  }
  const store = await openStore(storeOptionsFrom(config)).catch((error: unknown) => {
    if (!(error instanceof StoreLockedError)) throw error;
    throw new AppError(
      'store_locked',
      `${error.message}\nIf that is todochat's server (npm start), relay to it instead: ` +
        `todochat mcp --url http://${config.host}:${config.port} --token <API key>.`,
      { details: error.details, cause: error },
    );
  });
  const user = await ensureLocalUser(store, values.user ?? LOCAL_USER_EMAIL);
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
