// In-process HTTP: an app over a test store, and a small client for it.
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createApp, type AppOptions } from '../../src/app.ts';
import { TokenService } from '../../src/auth/token.service.ts';
import type { ExternalAuthConfig } from '../../src/config.ts';
import type { AppRouter } from '../../src/http/app-env.ts';
import type { Store } from '../../src/store.ts';
import { PASSWORD } from './fixtures.ts';

export interface TestApp {
  app: AppRouter;
  tokens: TokenService;
  secret: string;
}

export function createTestApp(
  store: Store,
  options: Partial<AppOptions> & { external?: ExternalAuthConfig; ttlSeconds?: number } = {},
): TestApp {
  const secret = randomBytes(32).toString('hex');
  const tokens =
    options.tokens ??
    new TokenService({
      secret,
      ttlSeconds: options.ttlSeconds ?? 3600,
      external: options.external,
    });
  const app = createApp({
    store,
    tokens,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return { app, tokens, secret };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The parsed JSON body, viewed as the shape a test expects (the assertions check it). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function json<T = Record<string, unknown>>(reply: Reply): T {
  return reply.body as T;
}

export class Client {
  readonly app: AppRouter;
  readonly token: string | undefined;

  constructor(app: AppRouter, token?: string) {
    this.app = app;
    this.token = token;
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> | undefined } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined) headers.Authorization = `Bearer ${this.token}`;
    let body: string | null = options.raw ?? null;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await this.app.request(path, { method, headers, body });
    const text = await response.text();
    const type = response.headers.get('Content-Type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text,
    };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, { body, headers });
  }

  patch(path: string, body: unknown) {
    return this.request('PATCH', path, { body });
  }

  delete(path: string) {
    return this.request('DELETE', path);
  }
}

export interface SignedIn {
  client: Client;
  userId: string;
  email: string;
  token: string;
}

/** Registers a fresh account through the API and returns a client holding its token. */
export async function signUp(app: AppRouter): Promise<SignedIn> {
  const email = `http-${randomUUID()}@example.com`;
  const reply = await new Client(app).post('/api/auth/register', { email, password: PASSWORD });
  if (reply.status !== 201) throw new Error(`register failed: ${JSON.stringify(reply.body)}`);
  const session = json<{ access_token: string; user: { id: string } }>(reply);
  return {
    client: new Client(app, session.access_token),
    userId: session.user.id,
    email,
    token: session.access_token,
  };
}
