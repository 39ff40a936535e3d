// Runs the HTTP API: opens the store, builds the app, listens, and on
// SIGTERM/SIGINT stops accepting, lets in-flight requests finish, and closes
// the database (releasing the embedded data directory).
import { serve, type ServerType } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import { createChatModel } from './chat/chat-model.ts';
import { tokenSecretPath, loadOrCreateTokenSecret } from './auth/token-secret.ts';
import { TokenService } from './auth/token.service.ts';
import type { Config } from './config.ts';
import { openStore, type Store } from './store.ts';

export interface RunningServer {
  readonly url: string;
  readonly store: Store;
  /** Stops accepting, waits for in-flight requests, closes the store. Idempotent. */
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'todochat' } });
}

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config),
): Promise<RunningServer> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pool: config.pool,
  });
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
  const app = createApp({
    store,
    tokens,
    logger,
    corsOrigins: config.corsOrigins,
    bodyLimitBytes: config.bodyLimitBytes,
    model: createChatModel(config.chatModel),
    chatSettings: config.chat,
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
    throw error;
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
