// Configuration from the environment: the only module that reads
// process.env. Every problem is reported at once, and the result is frozen.
import { z } from 'zod';
import { DEFAULT_DATA_DIR, DEFAULT_POOL, type PoolSettings } from './db/database.ts';

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

const milliseconds = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3_600_000).default(fallback));

const schema = z.object({
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
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
});

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly pool: Readonly<PoolSettings>;
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
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    dataDir: values.TODOCHAT_DATA_DIR,
    pool: Object.freeze({
      max: values.DATABASE_POOL_MAX,
      connectionTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: values.DATABASE_IDLE_TIMEOUT_MS,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
    }),
  });
}
