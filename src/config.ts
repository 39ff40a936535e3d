// Configuration from the environment: the only module that reads
// process.env. Every problem is reported at once, and the result is frozen.
import { z } from 'zod';
import {
  DEFAULT_CHAT_SETTINGS,
  type ChatModelConfig,
  type ChatSettings,
} from './chat/chat-settings.ts';
import { parseConnectionString } from './db/connection-string.ts';
import { DEFAULT_DATA_DIR, DEFAULT_POOL, type PoolSettings } from './db/database-settings.ts';

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

const milliseconds = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3_600_000).default(fallback));

/** How long a client may take, and how many may be connected at once. */
export interface HttpLimits {
  /** To send the request line and headers. */
  headersTimeoutMs: number;
  /** To send the whole request, body included. */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request in flight is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

// Node's own defaults (60 s for headers, 300 s for a request) let a few
// hundred slow clients hold sockets for minutes.
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
});
/** A count per window; 0 turns the limit off. */
const rateLimit = (fallback: number | null) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(fallback ?? 0)
      .transform((value) => (value === 0 ? null : value)),
  );

const flag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0'], { error: "must be 'true' or 'false'" })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  );

const schema = z.object({
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .superRefine((url, context) => {
        try {
          parseConnectionString(url);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
  ),
  TODOCHAT_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_DATA_DIR)),
  DATABASE_POOL_MAX: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(1000).default(DEFAULT_POOL.max),
  ),
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(DEFAULT_POOL.connectionTimeoutMs),
  DATABASE_IDLE_TIMEOUT_MS: milliseconds(DEFAULT_POOL.idleTimeoutMs),
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds(DEFAULT_POOL.statementTimeoutMs),
  DATABASE_PREPARED_STATEMENTS: flag(DEFAULT_POOL.preparedStatements),
  HTTP_HEADERS_TIMEOUT_MS: milliseconds(DEFAULT_HTTP_LIMITS.headersTimeoutMs),
  HTTP_REQUEST_TIMEOUT_MS: milliseconds(DEFAULT_HTTP_LIMITS.requestTimeoutMs),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs),
  HTTP_MAX_CONNECTIONS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_HTTP_LIMITS.maxConnections),
  ),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  CORS_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ''),
      )
      .pipe(z.array(z.url({ error: 'must be a comma-separated list of origins (URLs)' }))),
  ),
  BODY_LIMIT_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  ),
  TOKEN_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  ),
  TOKEN_TTL_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(60).max(31_536_000).default(604_800),
  ),
  AUTH_JWKS_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  AUTH_JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  ),
  AUTH_ISSUER: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_USER_ID_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('sub')),
  AUTH_EMAIL_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('email')),
  TODOCHAT_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
  CHAT_MODEL: z.preprocess(
    emptyAsUndefined,
    z
      .enum(['builtin', 'openai-compatible'], { error: "must be 'builtin' or 'openai-compatible'" })
      .default('builtin'),
  ),
  CHAT_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  CHAT_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  CHAT_MODEL_NAME: z.preprocess(emptyAsUndefined, z.string().optional()),
  CHAT_TIMEOUT_MS: milliseconds(DEFAULT_CHAT_SETTINGS.timeoutMs),
  CHAT_MAX_STEPS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(20).default(DEFAULT_CHAT_SETTINGS.maxSteps),
  ),
  CHAT_HISTORY_LIMIT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(200).default(DEFAULT_CHAT_SETTINGS.historyLimit),
  ),
  CHAT_MAX_RETRIES: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(5).default(DEFAULT_CHAT_SETTINGS.maxRetries),
  ),
  CHAT_RATE_PER_MINUTE: rateLimit(DEFAULT_CHAT_SETTINGS.ratePerMinute),
  CHAT_RATE_PER_DAY: rateLimit(DEFAULT_CHAT_SETTINGS.ratePerDay),
  CHAT_RATE_EXEMPT_BUILTIN: flag(DEFAULT_CHAT_SETTINGS.rateExemptBuiltin),
  CHAT_MODEL_TITLES: flag(DEFAULT_CHAT_SETTINGS.modelTitles),
  CHAT_STOP_POLL_MS: milliseconds(DEFAULT_CHAT_SETTINGS.stopPollMs),
});

export type LogLevel = z.output<typeof schema>['LOG_LEVEL'];

/** Tokens issued by another sign-in service, verified by key set or shared secret. */
export interface ExternalAuthConfig {
  readonly jwksUrl: string | undefined;
  readonly secret: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly userIdClaim: string;
  readonly emailClaim: string;
}

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly pool: Readonly<PoolSettings>;
  readonly port: number;
  readonly host: string;
  readonly http: Readonly<HttpLimits>;
  readonly logLevel: LogLevel;
  readonly corsOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  /** Signs this server's own tokens; generated and kept beside the data directory when unset. */
  readonly tokenSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  /** Set when tokens from another sign-in service are accepted too. */
  readonly externalAuth: ExternalAuthConfig | undefined;
  readonly chatModel: ChatModelConfig;
  readonly chat: Readonly<ChatSettings>;
  /** An API key the command line sends to a running server (`todochat mcp --url`). */
  readonly apiToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const values = result.data;
  if (values.AUTH_JWKS_URL !== undefined && values.AUTH_JWT_SECRET !== undefined) {
    throw new ConfigError(['AUTH_JWKS_URL, AUTH_JWT_SECRET: set one of them, not both']);
  }
  if (values.HTTP_HEADERS_TIMEOUT_MS > values.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      'HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    ]);
  }
  const external = values.AUTH_JWKS_URL ?? values.AUTH_JWT_SECRET;
  if (
    values.CHAT_MODEL === 'openai-compatible' &&
    (values.CHAT_BASE_URL === undefined || values.CHAT_MODEL_NAME === undefined)
  ) {
    throw new ConfigError([
      'CHAT_BASE_URL, CHAT_MODEL_NAME: both are required with CHAT_MODEL=openai-compatible',
    ]);
  }
  const chatModel: ChatModelConfig =
    values.CHAT_MODEL === 'builtin' ||
    values.CHAT_BASE_URL === undefined ||
    values.CHAT_MODEL_NAME === undefined
      ? { provider: 'builtin' }
      : {
          provider: 'openai-compatible',
          baseUrl: values.CHAT_BASE_URL,
          apiKey: values.CHAT_API_KEY,
          model: values.CHAT_MODEL_NAME,
        };
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    dataDir: values.TODOCHAT_DATA_DIR,
    pool: Object.freeze({
      max: values.DATABASE_POOL_MAX,
      connectionTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: values.DATABASE_IDLE_TIMEOUT_MS,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      preparedStatements: values.DATABASE_PREPARED_STATEMENTS,
    }),
    port: values.PORT,
    host: values.HOST,
    http: Object.freeze({
      headersTimeoutMs: values.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: values.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: values.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: values.HTTP_MAX_CONNECTIONS,
    }),
    logLevel: values.LOG_LEVEL,
    corsOrigins: Object.freeze(values.CORS_ORIGINS),
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    tokenSecret: values.TOKEN_SECRET,
    tokenTtlSeconds: values.TOKEN_TTL_SECONDS,
    externalAuth:
      external === undefined
        ? undefined
        : Object.freeze({
            jwksUrl: values.AUTH_JWKS_URL,
            secret: values.AUTH_JWT_SECRET,
            issuer: values.AUTH_ISSUER,
            audience: values.AUTH_AUDIENCE,
            userIdClaim: values.AUTH_USER_ID_CLAIM,
            emailClaim: values.AUTH_EMAIL_CLAIM,
          }),
    chatModel: Object.freeze(chatModel),
    chat: Object.freeze({
      timeoutMs: values.CHAT_TIMEOUT_MS,
      maxSteps: values.CHAT_MAX_STEPS,
      historyLimit: values.CHAT_HISTORY_LIMIT,
      maxRetries: values.CHAT_MAX_RETRIES,
      ratePerMinute: values.CHAT_RATE_PER_MINUTE,
      ratePerDay: values.CHAT_RATE_PER_DAY,
      rateExemptBuiltin: values.CHAT_RATE_EXEMPT_BUILTIN,
      modelTitles: values.CHAT_MODEL_TITLES,
      stopPollMs: values.CHAT_STOP_POLL_MS,
    }),
    apiToken: values.TODOCHAT_TOKEN,
  });
}
