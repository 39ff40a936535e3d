// The MCP application: a server exposing the todo tools for one user. The
// transports (streamable HTTP in mcp.routes.ts, stdio in the CLI) build one
// per connection, with the user they have authenticated.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { TaskService } from '../tasks/task.service.ts';
import { toolErrorText } from '../tools/tool-error.ts';
import { runTool, todoTools, type TodoTool, type ToolContext } from '../tools/todo-tools.ts';

export const MCP_SERVER_NAME = 'todochat';

export function toolResult(
  tool: TodoTool,
  outcome: Awaited<ReturnType<typeof runTool>>,
): CallToolResult {
  if (!outcome.ok) {
    return { isError: true, content: [{ type: 'text', text: toolErrorText(outcome.error) }] };
  }
  return {
    content: [{ type: 'text', text: JSON.stringify(outcome.output) }],
    structuredContent: outcome.output,
  };
}

export function createMcpServer(options: {
  userId: string;
  tasks: TaskService;
  logger?: Logger | undefined;
  version?: string;
}): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: options.version ?? '0.1.0' },
    {
      instructions:
        "Tools for the user's todo list. Tasks have small numbers (1, 2, 3...) that people use: " +
        '"task 3". Use list_tasks to find a number from a title.',
    },
  );
  const context: ToolContext = {
    userId: options.userId,
    tasks: options.tasks,
    logger: options.logger,
  };
  for (const tool of todoTools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      async (args: unknown) => toolResult(tool, await runTool(tool, context, args)),
    );
  }
  // The SDK claims listChanged for any server with tools, but the tool set
  // never changes (and a stateless server could not send the notification).
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}
