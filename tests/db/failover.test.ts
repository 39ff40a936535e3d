// Failover under load: a primary and a synchronous streaming standby, made
// here on free ports; the server is given both (a multi-host DATABASE_URL
// with target_session_attrs=read-write). While writers append messages the
// primary crashes and the standby is promoted. The server must answer 503
// with Retry-After meanwhile, carry on with the new primary by itself, and
// lose no message it acknowledged. The outage is reported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createLogger, startServer, type RunningServer } from '../../src/server.ts';
import { clustersUnavailable, createCluster, type Cluster } from '../support/clusters.ts';
import { PASSWORD, sleep, uniqueEmail } from '../support/fixtures.ts';

const unavailable = clustersUnavailable();
const STANDBY = 'todochat_standby';
const WRITERS = 4;

async function query<Row>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row & pg.QueryResultRow>(text)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Ack {
  key: string;
  conversation: string;
  at: number;
}

if (unavailable !== undefined) {
  describe('failover to a promoted standby', () => {
    it('needs throwaway PostgreSQL clusters', (t) => {
      t.skip(unavailable);
    });
  });
} else {
  describe('failover to a promoted standby', () => {
    let primary: Cluster | undefined;
    let standby: Cluster | undefined;
    let server: RunningServer | undefined;

    before(async () => {
      // Durability on disk is not what this test is about; replication is.
      primary = await createCluster('primary', { fsync: 'off' });
      primary.start();
      await query(primary.url('postgres'), 'create database todochat');
      standby = await createCluster(
        'standby',
        { fsync: 'off' },
        {
          cluster: primary,
          applicationName: STANDBY,
        },
      );
      standby.start();
      const primaryUrl = primary.url('postgres');
      // Only now: with no standby to confirm them, commits would wait forever.
      await query(primaryUrl, `alter system set synchronous_standby_names = '${STANDBY}'`);
      await query(primaryUrl, 'select pg_reload_conf()');
      await until('the standby to replicate synchronously', 30_000, async () => {
        const rows = await query<{ sync_state: string }>(
          primaryUrl,
          'select sync_state from pg_stat_replication',
        );
        return rows.some((row) => row.sync_state === 'sync');
      });
    });
    after(async () => {
      await server?.close();
      standby?.drop();
      primary?.drop();
    });

    it(
      'answers 503 with Retry-After during the outage, follows the new primary, and loses no acknowledged message',
      { timeout: 90_000 },
      async (t) => {
        if (primary === undefined || standby === undefined) throw new Error('made in before()');
        const hosts = [primary, standby].map((cluster) => `127.0.0.1:${String(cluster.port)}`);
        const config = loadConfig({
          DATABASE_URL: `postgres://postgres@${hosts.join(',')}/todochat?target_session_attrs=read-write`,
          DATABASE_CONNECT_TIMEOUT_MS: '2000',
          PORT: '0',
          LOG_LEVEL: 'silent',
          TOKEN_SECRET: 'a-shared-secret-of-at-least-32-characters',
        });
        server = await startServer(config, createLogger(config));
        const base = server.url;
        const post = async (path: string, body: unknown, token?: string) => {
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          if (token !== undefined) headers.Authorization = `Bearer ${token}`;
          return fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
        };

        const register = await post('/api/auth/register', {
          email: uniqueEmail('failover'),
          password: PASSWORD,
        });
        assert.equal(register.status, 201);
        const { access_token: token } = (await register.json()) as { access_token: string };
        const conversations: string[] = [];
        for (let i = 0; i < 2; i++) {
          const created = await post('/api/chat/conversations', { new: true }, token);
          conversations.push(((await created.json()) as { id: string }).id);
        }

        const acks: Ack[] = [];
        const unavailableReplies: { at: number; retryAfter: string | null }[] = [];
        const unexpected: string[] = [];
        let running = true;
        let dropped = 0;
        // Each writer retries one message (same Idempotency-Key) until it is
        // acknowledged, then moves on: a retry after an unanswered commit must
        // not save it twice.
        const writer = async (w: number) => {
          const conversation = conversations[w % conversations.length] ?? '';
          for (let i = 0; running; i++) {
            const key = `writer-${String(w)}-${String(i)}`;
            for (;;) {
              const response = await post(
                `/api/chat/conversations/${conversation}/messages`,
                { role: 'user', content: key },
                token,
              ).catch(() => undefined);
              if (response === undefined) {
                // No answer at all (a dropped connection) acknowledges nothing: retry.
                dropped++;
                await sleep(50);
                continue;
              }
              const status = response.status;
              await response.text();
              if (status === 201 || status === 200) {
                acks.push({ key, conversation, at: Date.now() });
                break;
              }
              if (status === 503) {
                unavailableReplies.push({
                  at: Date.now(),
                  retryAfter: response.headers.get('Retry-After'),
                });
              } else {
                unexpected.push(`${key}: ${String(status)}`);
              }
              await sleep(50);
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

        await until('appends on the primary', 20_000, () => Promise.resolve(acks.length >= 40));
        const before = acks.length;
        const crashedAt = Date.now();
        primary.stop('immediate');
        // The stop above blocks this process (the server and the writers with
        // it); let the writers meet the dead primary before the promotion.
        await until('503s while no primary answers', 20_000, () =>
          Promise.resolve(unavailableReplies.length > 0),
        );
        standby.promote();
        const promotedAt = Date.now();
        await until('appends on the new primary', 45_000, () =>
          Promise.resolve(acks.filter((ack) => ack.at > promotedAt).length >= 40),
        );
        running = false;
        await Promise.all(writers);

        const firstAfter = acks.find((ack) => ack.at > crashedAt)?.at ?? Number.NaN;
        const outageMs = firstAfter - crashedAt;
        t.diagnostic(
          `outage ${String(outageMs)} ms from the crash to the first acknowledged append (promotion took ${String(promotedAt - crashedAt)} ms); ${String(unavailableReplies.length)} replies of 503, ${String(dropped)} dropped connections; ${String(before)} appends before, ${String(acks.length - before)} after`,
        );
        assert.deepEqual(unexpected, []);
        assert.ok(unavailableReplies.length > 0, 'the crash went unnoticed');
        assert.ok(unavailableReplies.every((reply) => reply.retryAfter !== null));

        // On the new primary, straight from the table: every acknowledged
        // message exactly once, numbered without gaps in each conversation.
        const rows = await query<{ conversation_id: string; seq: number; content: string }>(
          standby.url('todochat'),
          'select conversation_id, seq, content from messages order by conversation_id, seq',
        );
        assert.deepEqual(rows.map((row) => row.content).sort(), acks.map((ack) => ack.key).sort());
        for (const conversation of conversations) {
          const seqs = rows
            .filter((row) => row.conversation_id === conversation)
            .map((row) => row.seq);
          assert.deepEqual(
            seqs,
            Array.from({ length: seqs.length }, (_, i) => i + 1),
          );
        }
        const ready = await fetch(`${base}/readyz`);
        assert.equal(ready.status, 200);
      },
    );
  });
}
