// `todochat mcp --url`: a stdio MCP server for desktop clients that relays
// every message to a running todochat's /mcp, signed with an API key. The
// server keeps the data directory to itself, so this works while it runs,
// and the desktop client needs no database of its own.
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';

export interface BridgeOptions {
  /** The server's base URL (`http://127.0.0.1:3000`) or its /mcp endpoint. */
  url: string;
  token: string;
  /** Where diagnostics go: stdout belongs to the protocol. */
  log: (line: string) => void;
}

export function mcpEndpoint(url: string): URL {
  const endpoint = new URL(url);
  if (!endpoint.pathname.endsWith('/mcp')) {
    endpoint.pathname = `${endpoint.pathname.replace(/\/$/, '')}/mcp`;
  }
  return endpoint;
}

/** What the desktop client (and its user) should read when the server cannot be reached. */
export function describeRelayError(error: unknown, endpoint: URL): string {
  if (error instanceof StreamableHTTPError) {
    const detail = /"message":"([^"]*)"/.exec(error.message)?.[1] ?? error.message;
    if (error.code === 401) {
      return `todochat at ${endpoint.origin} refused the API key: ${detail}. Create one with \`todochat keys create --name NAME\` or POST /api/me/api-keys, and pass it with --token.`;
    }
    return `todochat at ${endpoint.href} answered HTTP ${error.code}: ${detail}`;
  }
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') {
    return `No todochat server answers at ${endpoint.origin}. Start it (npm start or todochat serve) or fix --url.`;
  }
  return `Relaying to ${endpoint.href} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** Relays stdio to the server until the client closes stdin. */
export async function runMcpBridge(options: BridgeOptions): Promise<void> {
  const endpoint = mcpEndpoint(options.url);
  const local = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
  });
  const closed = new Promise<void>((resolve) => {
    local.onclose = resolve;
    process.stdin.once('end', resolve);
  });

  remote.onmessage = (message: JSONRPCMessage) => {
    // The protocol version travels as a header on every later request, as the SDK's own client sends it.
    if (isJSONRPCResultResponse(message) && typeof message.result.protocolVersion === 'string') {
      remote.setProtocolVersion(message.result.protocolVersion);
    }
    void local.send(message);
  };
  remote.onerror = (error) => {
    options.log(describeRelayError(error, endpoint));
  };
  local.onmessage = (message) => {
    remote.send(message).catch((error: unknown) => {
      const text = describeRelayError(error, endpoint);
      options.log(text);
      // A request must get an answer, or the client waits forever.
      if (isJSONRPCRequest(message)) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: text } });
      }
    });
  };

  await remote.start();
  await local.start();
  options.log(`todochat MCP bridge on stdio, relaying to ${endpoint.href}`);
  await closed;
  await remote.close();
}
