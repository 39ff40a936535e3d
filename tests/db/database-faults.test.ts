// The server against a PostgreSQL cluster that misbehaves: backends killed
// mid-transaction, fast and immediate restarts, a few seconds with no server
// at all. The cluster is this test's own (pg_createcluster on a free port,
// dropped afterwards), so the shared one the other tests use is never touched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createLogger, startServer, type RunningServer } from '../../src/server.ts';
import { PASSWORD, sleep } from '../support/fixtures.ts';

const run = promisify(execFile);
const VERSION = '15';
const CLUSTER = `todochat_faults_${process.pid}`;
const WRITERS = 8;
const RECOVERY_LIMIT_MS = 5_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Why this machine cannot host a throwaway cluster, or undefined when it can. */
async function cannotCreateCluster(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'needs Debian PostgreSQL cluster tools (Linux)';
  if (process.getuid?.() !== 0) {
    const user = (await run('id', ['-un']).catch(() => ({ stdout: '' }))).stdout.trim();
    if (user !== 'postgres') return 'needs to run as root or as the postgres user';
  }
  try {
    await run('pg_lsclusters', ['-h']);
  } catch {
    return 'the Debian PostgreSQL cluster tools (pg_createcluster) are not installed';
  }
  return undefined;
}

const ctl = (action: string, ...options: string[]) =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, CLUSTER, action, ...options]);

interface Outcome {
  acknowledged: Map<string, string>;
  statuses: Map<number, number>;
  unexpected: string[];
  lastSuccess: number;
}

describe('the server while PostgreSQL fails', () => {
  let skipReason: string | undefined;
  let port = 0;
  let created = false;
  let server: RunningServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'todochat-faults-'));

  before(async () => {
    skipReason = await cannotCreateCluster();
    if (skipReason !== undefined) return;
    port = await freePort();
    await run('pg_createcluster', [
      VERSION,
      CLUSTER,
      '-p',
      String(port),
      '--',
      '--auth-host=trust',
      '--auth-local=trust',
    ]);
    created = true;
    await ctl('start');
    const admin = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
    });
    await admin.connect();
    await admin.query('create database todochat');
    await admin.end();
  });

  after(async () => {
    await server?.close();
    if (created) await run('pg_dropcluster', ['--stop', VERSION, CLUSTER]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives killed backends, restarts and an outage, answering 503 meanwhile and losing no acknowledged message', async (t) => {
    if (skipReason !== undefined) {
      t.skip(`no throwaway PostgreSQL cluster: ${skipReason}`);
      return;
    }
    const databaseUrl = `postgres://postgres@127.0.0.1:${port}/todochat`;
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: '6',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      TODOCHAT_DATA_DIR: join(dataDir, 'db'),
      TOKEN_SECRET: randomUUID() + randomUUID(),
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    server = await startServer(config, createLogger(config));
    const url = server.url;
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'faults@example.com', password: PASSWORD }),
    });
    const { access_token: token } = (await register.json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${token}` };
    const conversation = (await (
      await fetch(`${url}/api/chat/conversations`, { method: 'POST', headers: auth })
    ).json()) as { id: string };
    const messagesUrl = `${url}/api/chat/conversations/${conversation.id}/messages`;

    const outcome: Outcome = {
      acknowledged: new Map(),
      statuses: new Map(),
      unexpected: [],
      lastSuccess: Date.now(),
    };
    let writing = true;
    const writer = async (n: number): Promise<void> => {
      for (let i = 0; writing; i++) {
        const content = `writer ${n} message ${i}`;
        try {
          const response = await fetch(messagesUrl, {
            method: 'POST',
            headers: { ...auth, 'Content-Type': 'application/json' },
            body: JSON.stringify({ role: 'user', content }),
          });
          const body = (await response.json()) as { id?: string; error?: { code: string } };
          outcome.statuses.set(response.status, (outcome.statuses.get(response.status) ?? 0) + 1);
          if (response.status === 201 && body.id !== undefined) {
            outcome.acknowledged.set(body.id, content);
            outcome.lastSuccess = Date.now();
          } else if (
            response.status !== 503 ||
            body.error?.code !== 'database_unavailable' ||
            response.headers.get('Retry-After') === null
          ) {
            outcome.unexpected.push(`${response.status} ${JSON.stringify(body)}`);
          }
          if (response.status === 503) await sleep(50);
        } catch (error) {
          // The server process is the one under test: a refused socket means it died.
          outcome.unexpected.push(`request failed: ${String(error)}`);
          await sleep(50);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, n) => writer(n));

    /** Milliseconds from now until a write is acknowledged again. */
    const recovery = async (): Promise<number> => {
      const started = Date.now();
      while (outcome.lastSuccess < started) {
        assert.ok(Date.now() - started < 15_000, 'the server never recovered');
        await sleep(25);
      }
      return outcome.lastSuccess - started;
    };
    const recoveries: Record<string, number> = {};

    const admin = () =>
      new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await sleep(300);
    for (let round = 1; round <= 3; round++) {
      const client = admin();
      await client.connect();
      const killed = await client.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = 'todochat' and pid <> pg_backend_pid()`,
      );
      await client.end();
      assert.ok((killed.rowCount ?? 0) > 0, 'there were backends in use to terminate');
      recoveries[`terminate ${round}`] = await recovery();
      await sleep(300);
    }
    for (const mode of ['fast', 'immediate']) {
      await ctl('restart', '-m', mode);
      recoveries[`restart -m ${mode}`] = await recovery();
      await sleep(300);
    }

    await ctl('stop', '-m', 'fast');
    const outageStarted = Date.now();
    const during = { ...Object.fromEntries(outcome.statuses) };
    await sleep(3_000);
    const readyz = await fetch(`${url}/readyz`);
    assert.equal(readyz.status, 503);
    assert.ok(readyz.headers.get('Retry-After') !== null);
    const lastBeforeStart = outcome.lastSuccess;
    assert.ok(lastBeforeStart < outageStarted + 100, 'no write is acknowledged with no database');
    await ctl('start');
    recoveries.outage = await recovery();

    writing = false;
    await Promise.all(writers);
    t.diagnostic(`recovery ms: ${JSON.stringify(recoveries)}`);
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(outcome.statuses))}`);
    assert.deepEqual(outcome.unexpected, []);
    assert.ok(
      (outcome.statuses.get(503) ?? 0) > (during[503] ?? 0),
      'the outage was answered with 503',
    );
    for (const [fault, ms] of Object.entries(recoveries)) {
      assert.ok(ms < RECOVERY_LIMIT_MS, `${fault}: recovered in ${ms} ms`);
    }

    // Every acknowledged message is there, once, and seq is gap-free.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const stored = await check.query<{ id: string; content: string; seq: number }>(
      'select id, content, seq from messages where conversation_id = $1 order by seq',
      [conversation.id],
    );
    await check.end();
    const byId = new Map(stored.rows.map((row) => [row.id, row.content]));
    const missing = [...outcome.acknowledged].filter(([id, content]) => byId.get(id) !== content);
    assert.deepEqual(missing, []);
    assert.deepEqual(
      stored.rows.map((row) => row.seq),
      stored.rows.map((_, index) => index + 1),
    );
    assert.ok(outcome.acknowledged.size > 50, `${outcome.acknowledged.size} writes acknowledged`);
  });
});
