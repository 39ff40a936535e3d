// /mcp: the MCP server over streamable HTTP, behind the same bearer tokens as
// the API. Stateless: every request gets a fresh server and transport for
// the token's user, so any instance can serve any request.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { createMcpServer } from './mcp-server.ts';

export function mcpRoutes(tasks: TaskService): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post('/mcp', async (c) => {
    const server = createMcpServer({ userId: c.get('userId'), tasks, logger: c.get('logger') });
    // Reusing a transport across requests would mix up JSON-RPC ids between
    // clients. Without a sessionIdGenerator it is stateless: no session ids.
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  // Without sessions there is no stream to resume (GET) or session to end (DELETE).
  routes.on(['GET', 'DELETE'], '/mcp', (c) =>
    c.json(
      {
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed: POST JSON-RPC requests to /mcp' },
        id: null,
      },
      405,
      {
        Allow: 'POST',
      },
    ),
  );
  return routes;
}
