// Engine choice: a PostgreSQL server through a pg Pool when a URL is given,
// otherwise PGlite (PostgreSQL compiled to WebAssembly) in a data directory.
// Both sit behind the same Kysely instance, so nothing above this file knows
// which one it runs on.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, type LogEvent } from 'kysely';
import pg from 'pg';
import { parseConnectionString, redactConnectionString } from './connection-string.ts';
import { lockDataDir } from './data-dir-lock.ts';
import {
  PGLITE_PARSERS,
  pgliteDialect,
  postgresDialect,
  type RoundTripListener,
} from './drivers.ts';
import { HostListPool } from './host-list-pool.ts';
import type { Database } from './schema.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_POOL,
  IN_MEMORY,
  type PoolSettings,
} from './database-settings.ts';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** A PostgreSQL URL. Without it the database is embedded PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, created on first use; `memory://` keeps it in memory. */
  dataDir?: string | undefined;
  pool?: Partial<PoolSettings> | undefined;
  /** A PGlite data directory dump (`dumpDataDir()`) to start from; in-memory only. */
  initialData?: Blob | undefined;
  /** Called after every statement, for slow-query logs and plan checks. */
  onQuery?: ((event: QueryEvent) => void) | undefined;
  /** Called with the statements of every batch sent to the server, for counting. */
  onRoundTrip?: RoundTripListener | undefined;
}

export interface QueryEvent {
  sql: string;
  parameters: readonly unknown[];
  durationMs: number;
  failed: boolean;
}

type LogOption = Pick<KyselyConfig, 'log'>;

function logger(onQuery: DatabaseOptions['onQuery']): LogOption {
  if (onQuery === undefined) return {};
  return {
    log: (event: LogEvent) => {
      onQuery({
        sql: event.query.sql,
        parameters: event.query.parameters,
        durationMs: event.queryDurationMillis,
        failed: event.level === 'error',
      });
    },
  };
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Where the data lives: the data directory, or the server URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export function redactUrl(url: string): string {
  return redactConnectionString(url);
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const log = logger(options.onQuery);
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres(
      options.databaseUrl,
      { ...DEFAULT_POOL, ...options.pool },
      log,
      options.onRoundTrip,
    );
  }
  return openPglite(
    options.dataDir ?? DEFAULT_DATA_DIR,
    options.initialData,
    log,
    options.onRoundTrip,
  );
}

const broken = new WeakSet<pg.PoolClient>();

/**
 * A pool whose clients can lose their server (a terminated backend, a restart,
 * a failover) without taking the process down. pg's Pool listens for a
 * client's 'error' only while it is idle; a client checked out inside a
 * transaction has no listener, and an 'error' event with none is an uncaught
 * exception. So every client gets a listener of its own for its whole life,
 * which marks it broken; the query in flight fails on its own (and becomes
 * database_unavailable in scope.ts), and a broken client is destroyed on
 * release instead of going back to the pool.
 */
function discardBroken(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    client.on('error', () => {
      broken.add(client);
    });
  });
  // The idle client's error also reaches the pool, which drops that client.
  pool.on('error', () => undefined);
  const connect = pool.connect.bind(pool);
  // Every checkout (the batching driver's too) releases a broken client as
  // destroyed, whatever its caller passes.
  const patched = async (): Promise<pg.PoolClient> => {
    const client = await connect();
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      release(error ?? broken.has(client));
    };
    return client;
  };
  return Object.assign(pool, { connect: patched });
}

function openPostgres(
  url: string,
  settings: PoolSettings,
  log: LogOption,
  onRoundTrip: RoundTripListener | undefined,
): DatabaseHandle {
  // No pipeline mode: the driver writes each batch itself, as one message
  // ending in one Sync (see drivers.ts), which pg refuses to queue in it.
  const options = {
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
  };
  const target = parseConnectionString(url);
  const serverPool = (connectionString: string) =>
    discardBroken(new pg.Pool({ ...options, connectionString }));
  const pool =
    target.servers.length === 1 && target.targetSessionAttrs === 'any'
      ? serverPool(url)
      : new HostListPool({
          servers: target.servers.map(serverPool),
          readWrite: target.targetSessionAttrs === 'read-write',
        });
  const db = new Kysely<Database>({
    dialect: postgresDialect(
      pool,
      {
        statementTimeoutMs: settings.statementTimeoutMs,
        preparedStatements: settings.preparedStatements,
      },
      onRoundTrip,
    ),
    ...log,
  });
  return {
    db,
    engine: 'postgres',
    location: redactUrl(url),
    close: () => db.destroy(),
  };
}

// Kysely only tears down a driver it has used, so a store closed before its
// first query would leave PGlite (and the process) running: close it here.
async function closePglite(db: Kysely<Database>, pglite: PGlite): Promise<void> {
  await db.destroy();
  if (!pglite.closed) await pglite.close();
}

async function openPglite(
  dataDir: string,
  initialData: Blob | undefined,
  log: LogOption,
  onRoundTrip: RoundTripListener | undefined,
): Promise<DatabaseHandle> {
  if (dataDir === IN_MEMORY) {
    const pglite = await PGlite.create({
      dataDir: IN_MEMORY,
      parsers: PGLITE_PARSERS,
      ...(initialData === undefined ? {} : { loadDataDir: initialData }),
    });
    const db = new Kysely<Database>({ dialect: pgliteDialect(pglite, onRoundTrip), ...log });
    return { db, engine: 'pglite', location: IN_MEMORY, close: () => closePglite(db, pglite) };
  }
  if (initialData !== undefined) {
    throw new Error('initialData is only supported for an in-memory database');
  }
  const absolute = resolve(dataDir);
  mkdirSync(dirname(absolute), { recursive: true });
  const lock = lockDataDir(absolute);
  try {
    const pglite = await PGlite.create({ dataDir: absolute, parsers: PGLITE_PARSERS });
    const db = new Kysely<Database>({ dialect: pgliteDialect(pglite, onRoundTrip), ...log });
    return {
      db,
      engine: 'pglite',
      location: absolute,
      async close() {
        try {
          await closePglite(db, pglite);
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
