import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { HostListPool, type ServerPool } from './host-list-pool.ts';

/** A server that refuses connections, or answers as a primary or a standby. */
function server(state: 'down' | 'primary' | 'standby') {
  const log = { connects: 0, destroyed: 0 };
  let current = state;
  const pool: ServerPool = {
    connect() {
      log.connects++;
      if (current === 'down') return Promise.reject(new Error('connect ECONNREFUSED'));
      const client = {
        query: () =>
          Promise.resolve({
            rows: [
              {
                in_recovery: current === 'standby',
                read_only: current === 'standby' ? 'on' : 'off',
              },
            ],
          }),
        release: (destroy?: boolean) => {
          if (destroy === true) log.destroyed++;
        },
      };
      return Promise.resolve(client as unknown as pg.PoolClient);
    },
    end: () => Promise.resolve(),
  };
  return {
    pool,
    log,
    become(next: typeof state) {
      current = next;
    },
  };
}

describe('HostListPool', () => {
  it('skips a server that refuses, and stays on the one that answered', async () => {
    const a = server('down');
    const b = server('primary');
    const pool = new HostListPool({ servers: [a.pool, b.pool], readWrite: true });
    await pool.connect();
    await pool.connect();
    assert.deepEqual([a.log.connects, b.log.connects], [1, 2]);
  });

  it('passes over a standby when it needs to write, destroying that connection', async () => {
    const a = server('standby');
    const b = server('primary');
    const pool = new HostListPool({ servers: [a.pool, b.pool], readWrite: true });
    await pool.connect();
    assert.equal(a.log.destroyed, 1);
    assert.equal(b.log.connects, 1);
  });

  it('takes a standby when any server will do', async () => {
    const a = server('standby');
    const pool = new HostListPool({ servers: [a.pool, server('primary').pool], readWrite: false });
    await pool.connect();
    assert.deepEqual(a.log, { connects: 1, destroyed: 0 });
  });

  it('fails after one pass when no server is writable, and follows a promotion', async () => {
    const a = server('down');
    const b = server('standby');
    const pool = new HostListPool({ servers: [a.pool, b.pool], readWrite: true });
    await assert.rejects(pool.connect(), /read-only/);
    assert.deepEqual([a.log.connects, b.log.connects], [1, 1]);
    b.become('primary');
    await pool.connect();
    await pool.connect();
    assert.deepEqual([a.log.connects, b.log.connects], [2, 3]);
  });

  it('goes back to the first server when the second fails', async () => {
    const a = server('down');
    const b = server('primary');
    const pool = new HostListPool({ servers: [a.pool, b.pool], readWrite: true });
    await pool.connect();
    a.become('primary');
    b.become('down');
    await pool.connect();
    assert.deepEqual([a.log.connects, b.log.connects], [2, 2]);
  });
});
