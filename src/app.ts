// The composition root of the HTTP API: cross-cutting middleware, then each
// feature's routes, the OpenAPI document and its docs page, health checks,
// and the one error handler. No module-level state: every call builds an
// independent app (tests build several on one database).
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { LanguageModel } from 'ai';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { chatRoutes } from './chat/chat.routes.ts';
import type { ChatSettings } from './chat/chat-settings.ts';
import { mcpRoutes } from './mcp/mcp.routes.ts';
import { apiKeyRoutes } from './api-keys/api-key.routes.ts';
import { requireUser } from './auth/auth.middleware.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import type { TokenService } from './auth/token.service.ts';
import { conversationRoutes } from './conversations/conversation.routes.ts';
import { AppError, NotFoundError } from './errors.ts';
import type { AppRouter } from './http/app-env.ts';
import { docsRoutes } from './http/docs.routes.ts';
import { webRoutes } from './web/web.routes.ts';
import { errorResponse } from './http/error-handler.ts';
import { hasBody, requireUtf8Body } from './http/utf8-body.ts';
import { bearerSecurity, createRouter, documentSharedResponses } from './http/openapi.ts';
import { createChatService } from './services.ts';
import type { Store } from './store.ts';
import { portabilityRoutes } from './portability/portability.routes.ts';
import { PortabilityService } from './portability/portability.service.ts';
import { searchRoutes } from './search/search.routes.ts';
import { taskRoutes } from './tasks/task.routes.ts';
import { accountRoutes } from './users/account.routes.ts';

export interface AppOptions {
  store: Store;
  tokens: TokenService;
  logger: Logger;
  /** The chat model; the built-in assistant when absent. */
  model?: LanguageModel;
  chatSettings?: Partial<ChatSettings>;
  corsOrigins?: readonly string[];
  bodyLimitBytes?: number;
  /** Largest export document POST /api/import accepts (default 64 MiB). */
  importLimitBytes?: number;
  throttle?: LoginThrottle;
}

const PUBLIC_API_PATHS = new Set(['/api/auth/register', '/api/auth/login']);
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const IMPORT_PATH = '/api/import';

export function createApp(options: AppOptions): AppRouter {
  const { store, tokens, logger } = options;
  const app = createRouter();

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(async (c, next) => {
    const started = performance.now();
    const requestLogger = logger.child({ requestId: c.get('requestId') });
    c.set('logger', requestLogger);
    await next();
    requestLogger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
  app.use(secureHeaders());
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: [...options.corsOrigins],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
        exposeHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
        maxAge: 600,
      }),
    );
  }
  const limitBody = (maxSize: number): MiddlewareHandler => {
    const tooLarge = (): never => {
      throw new AppError('payload_too_large', 'The request body is larger than the server accepts');
    };
    const counted = bodyLimit({ maxSize, onError: tooLarge });
    // Decided from the headers when they give the size: Node's parser holds a
    // body to its Content-Length. bodyLimit asks the request for its body
    // stream first, which makes the Node adapter build a whole fetch Request
    // (a tenth of a request's time in a profile) even for a GET. Only a
    // chunked body is counted as it arrives.
    return (c, next) => {
      if (BODILESS_METHODS.has(c.req.method)) return next();
      const length = c.req.header('Content-Length');
      if (length === undefined || c.req.header('Transfer-Encoding') !== undefined) {
        return counted(c, next);
      }
      return Number(length) > maxSize ? tooLarge() : next();
    };
  };
  const requestLimit = limitBody(options.bodyLimitBytes ?? 1024 * 1024);
  // An export document is a whole account: the import has its own, larger
  // limit. A plain comparison: hono's except() composes a new middleware
  // chain on every request (5% of a POST in a profile).
  const outsideImport: MiddlewareHandler = (c, next) =>
    c.req.path === IMPORT_PATH ? next() : requestLimit(c, next);
  for (const path of ['/api/*', '/mcp']) app.use(path, outsideImport);
  app.use(IMPORT_PATH, limitBody(options.importLimitBytes ?? 64 * 1024 * 1024));
  app.use('/api/*', async (c, next) => {
    const type = c.req.header('Content-Type') ?? '';
    if (hasBody(c.req) && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
      throw new AppError('unsupported_media_type', 'Send the request body as application/json');
    }
    await next();
  });
  app.use('/api/*', requireUtf8Body());
  const authenticate = requireUser(tokens, store.users, {
    except: PUBLIC_API_PATHS,
    apiKeys: store.apiKeys,
  });
  app.use('/api/*', authenticate);
  app.use('/mcp', authenticate);

  app.route(
    '/',
    authRoutes({
      users: store.users,
      tokens,
      throttle: options.throttle ?? new LoginThrottle(store.database),
    }),
  );
  app.route('/', accountRoutes(store.users));
  app.route('/', conversationRoutes(store.conversations));
  app.route('/', taskRoutes(store.tasks));
  app.route('/', apiKeyRoutes(store.apiKeys));
  app.route('/', searchRoutes(store.search));
  app.route('/', portabilityRoutes(new PortabilityService(store.database)));
  const chat = createChatService(store, { model: options.model, settings: options.chatSettings });
  app.route('/', chatRoutes(chat));
  app.route('/', mcpRoutes(store.tasks));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    await store.ping();
    return c.json({ status: 'ok', engine: store.engine });
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A sign-in token from /api/auth/login (a JWT that expires), or an API key (`tck_...`) from /api/me/api-keys, which lasts until revoked.',
  });
  documentSharedResponses(app.openAPIRegistry, { publicPaths: PUBLIC_API_PATHS });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'todochat',
      version: '0.1.0',
      description:
        'Conversations, messages and todo tasks for AI chatbots. Errors share one shape: `{ "error": { "code", "message", "details"? } }`.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    // Relative, so the document stays right behind a reverse proxy or on any port.
    servers: [{ url: '/', description: 'The server that serves this document' }],
    security: bearerSecurity,
  });
  app.route('/', docsRoutes());
  app.route('/', webRoutes());

  app.notFound((c) => errorResponse(c, new NotFoundError('route')));
  app.onError((error, c) => errorResponse(c, error));
  return app;
}
