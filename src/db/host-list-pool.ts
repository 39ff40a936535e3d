// A connection pool over a list of servers (a primary and its standbys), for
// a DATABASE_URL naming several hosts. It stays on the server that last gave
// it a usable connection; when that one refuses connections, or is read-only
// while the store needs to write (a standby, or a primary demoted), it tries
// the next in turn. One pass over the list, then the error: the request
// answers 503 with Retry-After, and the next one tries again, so the store
// follows a failover without a restart.
import type { PostgresPool } from 'kysely';
import type pg from 'pg';

/** A pool of connections to one server. */
export interface ServerPool extends PostgresPool {
  connect(): Promise<pg.PoolClient>;
}

export interface HostListPoolOptions {
  /** One pool per server, in the order of the URL. */
  readonly servers: readonly ServerPool[];
  /** Skip servers in recovery or read-only (libpq's target_session_attrs=read-write). */
  readonly readWrite: boolean;
}

export class HostListPool implements PostgresPool {
  readonly #pools: readonly ServerPool[];
  readonly #readWrite: boolean;
  /** Clients known to be on a writable server; checked once per connection. */
  readonly #checked = new WeakSet<pg.PoolClient>();
  #current = 0;

  constructor(options: HostListPoolOptions) {
    if (options.servers.length === 0) throw new Error('a host list needs a server');
    this.#pools = options.servers;
    this.#readWrite = options.readWrite;
  }

  async connect(): Promise<pg.PoolClient> {
    let lastError: unknown;
    for (let tried = 0; tried < this.#pools.length; tried++) {
      const index = (this.#current + tried) % this.#pools.length;
      const pool = this.#pools[index];
      if (pool === undefined) continue;
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        lastError = error;
        continue;
      }
      try {
        if (this.#readWrite && !this.#checked.has(client)) {
          await assertWritable(client);
          this.#checked.add(client);
        }
      } catch (error) {
        // Destroyed, not returned: a standby's connections are of no use.
        client.release(true);
        lastError = error;
        continue;
      }
      this.#current = index;
      return client;
    }
    throw lastError;
  }

  async end(): Promise<void> {
    await Promise.all(this.#pools.map((pool) => pool.end()));
  }
}

export class ReadOnlyServerError extends Error {
  override name = 'ReadOnlyServerError';
  // Reads as a connection failure to src/db/scope.ts: the database is unavailable.
  readonly code = '08000';
}

async function assertWritable(client: pg.PoolClient): Promise<void> {
  const result = await client.query<{ in_recovery: boolean; read_only: string }>(
    "select pg_is_in_recovery() as in_recovery, current_setting('transaction_read_only') as read_only",
  );
  const row = result.rows[0];
  if (row === undefined || row.in_recovery || row.read_only === 'on') {
    throw new ReadOnlyServerError('the server is read-only (a standby, or in recovery)');
  }
}
