// Runs the HTTP API: opens the store, builds the app, listens, and on
// SIGTERM/SIGINT stops accepting, lets in-flight requests finish, and closes
// the database (releasing the embedded data directory).
//
// Also the package's `todochat/server` entry: createApp() to mount the API in
// a host of your own, startServer() to run it as `todochat serve` does.
import { serve, type ServerType } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import { tokenSecretPath, loadOrCreateTokenSecret } from './auth/token-secret.ts';
import { TokenService } from './auth/token.service.ts';
import type { Config } from './config.ts';
import { chatOptionsFrom } from './services.ts';
import { openStore, storeOptionsFrom, type Store } from './store.ts';

export { createApp, type AppOptions } from './app.ts';
export { TokenService } from './auth/token.service.ts';
export { createChatModel } from './chat/chat-model.ts';
export type { ChatModelConfig } from './chat/chat-settings.ts';
export { ConfigError, loadConfig, type Config } from './config.ts';

export interface RunningServer {
  readonly url: string;
  readonly store: Store;
  /** Stops accepting, waits for in-flight requests, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** The server could not listen: the port is taken, or not ours to take. */
export class ListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

function describeListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      `Port ${port} on ${host} is already in use, perhaps by another todochat. ` +
        `Stop that process, or choose another port: PORT=${port + 1} npm start (or todochat serve --port ${port + 1}).`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new ListenError(
      `Not allowed to listen on port ${port} on ${host}: choose a port above 1023 with PORT.`,
      { cause: error },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ListenError(
      `Cannot listen on ${host}: it is not an address of this machine. Set HOST to one (e.g. 127.0.0.1 or 0.0.0.0).`,
      { cause: error },
    );
  }
  return error;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'todochat' } });
}

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config),
): Promise<RunningServer> {
  const store = await openStore(storeOptionsFrom(config));
  let secret = config.tokenSecret;
  if (secret === undefined) {
    const path = tokenSecretPath(config.dataDir);
    secret = loadOrCreateTokenSecret(path);
    if (store.engine === 'postgres') {
      logger.warn(
        { path },
        'TOKEN_SECRET is not set: using a secret kept on this machine; set TOKEN_SECRET when several servers share the database',
      );
    }
  }
  const tokens = new TokenService({
    secret,
    ttlSeconds: config.tokenTtlSeconds,
    external: config.externalAuth,
  });
  const chat = chatOptionsFrom(config);
  const app = createApp({
    store,
    tokens,
    logger,
    corsOrigins: config.corsOrigins,
    bodyLimitBytes: config.bodyLimitBytes,
    model: chat.model,
    chatSettings: chat.settings,
  });

  let server: ServerType | undefined;
  const address = await new Promise<{ address: string; port: number }>((resolve, reject) => {
    const limits = config.http;
    server = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // Node enforces the two timeouts above only when it sweeps its
          // connections (every 30 s by default), so sweep more often.
          connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
        },
      },
      (info) => {
        resolve(info);
      },
    );
    server.maxConnections = limits.maxConnections;
    server.once('error', reject);
  }).catch(async (error: unknown) => {
    await store.close();
    throw describeListenError(error, config.host, config.port);
  });

  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    store,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          if (server === undefined) {
            resolve();
            return;
          }
          server.close(() => {
            resolve();
          });
          // Keep-alive sockets with no request in flight would hold close() open.
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        });
        await store.close();
      })();
      return closing;
    },
  };
}
