// PgBouncer in transaction pooling mode in front of PostgreSQL: each
// statement outside a transaction, and each transaction, may run on a
// different server connection, so the store must keep nothing but
// transaction-local state. Proven here by migrating, by running the store's
// own tests through the pooler, by an HTTP smoke through it, and by the
// statement timeout, which used to be a startup parameter PgBouncer refuses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { asUser } from '../../src/db/scope.ts';
import { DatabaseUnavailableError } from '../../src/errors.ts';
import { createLogger, startServer } from '../../src/server.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { createUser, PASSWORD, uniqueEmail } from '../support/fixtures.ts';
import {
  pgbouncerUnavailable,
  startPgBouncer,
  type RunningPgBouncer,
} from '../support/pgbouncer.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const postgres = testEngines().find((engine) => engine.name === 'postgres');
const unavailable = pgbouncerUnavailable(serverUrl);

// Store and HTTP tests that run unchanged through the pooler: appends under
// contention, paging, isolation by row-level security, numbering, accounts,
// and the migrations walked down and up again.
const STORE_TESTS = [
  'tests/conversations',
  'tests/tasks',
  'tests/users',
  'tests/db/row-level-security.test.ts',
  'tests/db/migrations.test.ts',
  'tests/http/conversations.test.ts',
  'tests/chat/chat-endpoint.test.ts',
];

if (unavailable !== undefined) {
  describe('through PgBouncer in transaction mode', () => {
    it('needs PgBouncer and a PostgreSQL server', (t) => {
      t.skip(unavailable);
    });
  });
} else {
  describe('through PgBouncer in transaction mode', () => {
    let pgbouncer: RunningPgBouncer | undefined;
    let database: TestDatabase | undefined;
    let store: Store | undefined;
    const pooled = (): { pgbouncer: RunningPgBouncer; url: string; store: Store } => {
      if (pgbouncer === undefined || database === undefined || store === undefined) {
        throw new Error('started in before()');
      }
      return { pgbouncer, url: pgbouncer.through(database.options.databaseUrl ?? ''), store };
    };

    before(async () => {
      if (serverUrl === undefined || postgres === undefined) throw new Error('checked above');
      pgbouncer = await startPgBouncer(serverUrl);
      database = await postgres.blank();
      // Migrating through the pooler: the migrator's lock is transaction-scoped.
      store = await openStore({
        databaseUrl: pgbouncer.through(database.options.databaseUrl ?? ''),
        // PgBouncer 1.18 (Debian 12's) cannot follow named statements in transaction mode.
        pool: { statementTimeoutMs: 300, preparedStatements: false },
      });
    });
    after(async () => {
      await store?.close();
      await pgbouncer?.stop();
      await database?.dispose();
    });

    it('cancels a statement past the timeout, and leaves no setting on the pooled connection', async () => {
      const { store } = pooled();
      const user = await createUser(store);
      await assert.rejects(
        asUser(store.database, user.id, (trx) => sql`select pg_sleep(2)`.execute(trx)),
        (error: unknown) =>
          error instanceof DatabaseUnavailableError && /did not answer in time/.test(error.message),
      );
      const inside = await asUser(store.database, user.id, (trx) =>
        sql<{ statement_timeout: string }>`show statement_timeout`.execute(trx),
      );
      assert.equal(inside.rows[0]?.statement_timeout, '300ms');
      // Outside a transaction: the server's default, so nothing leaked into the session.
      const outside = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(
        store.database,
      );
      assert.equal(outside.rows[0]?.statement_timeout, '0');
      const role = await sql<{ current_user: string }>`select current_user`.execute(store.database);
      assert.notEqual(role.rows[0]?.current_user, 'todochat_user_role');
    });

    it('serves the HTTP API: sign-up, sign-in, concurrent appends in order, history, a chat turn', async () => {
      const { url } = pooled();
      const config = loadConfig({
        DATABASE_URL: url,
        DATABASE_PREPARED_STATEMENTS: 'false',
        PORT: '0',
        LOG_LEVEL: 'silent',
        TOKEN_SECRET: 'a-shared-secret-of-at-least-32-characters',
      });
      const server = await startServer(config, createLogger(config));
      try {
        const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
          const headers = new Headers(init.headers);
          if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
          if (init.body !== undefined) headers.set('Content-Type', 'application/json');
          const response = await fetch(`${server.url}${path}`, { ...init, headers });
          return {
            status: response.status,
            body: (await response.json()) as Record<string, unknown>,
          };
        };
        assert.equal((await call('/readyz')).status, 200);
        const email = uniqueEmail('pooled');
        const credentials = JSON.stringify({ email, password: PASSWORD });
        assert.equal(
          (await call('/api/auth/register', { method: 'POST', body: credentials })).status,
          201,
        );
        const login = await call('/api/auth/login', { method: 'POST', body: credentials });
        assert.equal(login.status, 200);
        const token = login.body.access_token as string;
        const conversation = await call('/api/chat/conversations', { method: 'POST', token });
        const id = conversation.body.id as string;
        const saved = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            call(`/api/chat/conversations/${id}/messages`, {
              method: 'POST',
              token,
              body: JSON.stringify({ role: 'user', content: `message ${String(i)}` }),
            }),
          ),
        );
        assert.deepEqual(
          saved.map((reply) => reply.status),
          saved.map(() => 201),
        );
        const history = await call(`/api/chat/conversations/${id}/messages?limit=100`, { token });
        const messages = history.body.messages as { seq: number; content: string }[];
        assert.deepEqual(
          messages.map((message) => message.seq),
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
        assert.equal(new Set(messages.map((message) => message.content)).size, 40);
        const turn = await call('/api/chat', {
          method: 'POST',
          token,
          body: JSON.stringify({ message: 'add a task to buy milk', conversation_id: id }),
        });
        assert.equal(turn.status, 200);
        const tasks = await call('/api/tasks', { token });
        assert.deepEqual(
          (tasks.body.tasks as { title: string }[]).map((task) => task.title),
          ['buy milk'],
        );
      } finally {
        await server.close();
      }
    });

    it("passes the store's own tests unchanged", { timeout: 240_000 }, async () => {
      const { pgbouncer } = pooled();
      // A run of its own, not a subtest of this one.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TEST_POOLER_URL: pgbouncer.through(serverUrl ?? ''),
      };
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, ['scripts/test.mjs', ...STORE_TESTS], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, output);
      const passed = Number(/^# pass (\d+)$/m.exec(output)?.[1] ?? 0);
      assert.ok(passed > 100, `only ${String(passed)} tests ran through the pooler`);
    });
  });
}
