// Where the embedded data lives and how the server pool behaves, with their
// defaults. Kept apart from database.ts so that reading the configuration
// does not load pg or PGlite.
export interface PoolSettings {
  /** Most connections the pool opens. */
  max: number;
  /** How long to wait for a connection, new or from the pool, before failing. */
  connectionTimeoutMs: number;
  /** How long an unused connection stays open. */
  idleTimeoutMs: number;
  /** Longest any statement may run before the server cancels it. */
  statementTimeoutMs: number;
  /** Named prepared statements; off behind PgBouncer before 1.21 in transaction mode. */
  preparedStatements: boolean;
}

// The seeds ran a pool of 10 (plus 20 overflow) with a 30 s wait; pg's Pool
// has no overflow, so max covers both.
export const DEFAULT_POOL: Readonly<PoolSettings> = Object.freeze({
  max: 10,
  connectionTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  statementTimeoutMs: 30_000,
  preparedStatements: true,
});

export const DEFAULT_DATA_DIR = './.todochat/db';
export const IN_MEMORY = 'memory://';
