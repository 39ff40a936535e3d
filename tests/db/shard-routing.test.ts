// Every statement the services send names its row's shard: on a distributed
// PostgreSQL (Citus, docs/scaling.md) sharded by user, a statement routes to
// one worker only when it pins the distribution column to a value. So each
// statement is captured through the store's onQuery hook while every service
// method runs (a method added without being exercised here fails the test),
// and each table it touches must be filtered on that table's distribution
// column, or be written with it. The deliberate exceptions are finding a
// user by what the caller presents (sign-in), which the plan serves from
// lookup tables, and the sign-in throttle's sweep, which fans out in a
// transaction of its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DEFAULT_THROTTLE_POLICY, LoginThrottle } from '../../src/auth/login-throttle.ts';
import type { QueryEvent } from '../../src/db/database.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, uniqueEmail } from '../support/fixtures.ts';
import { createTestApp, Client, json } from '../support/http.ts';

/** Each table's distribution column in docs/scaling.md; a new table must be placed there. */
const DISTRIBUTION: Readonly<Record<string, string>> = {
  users: 'id',
  tasks: 'user_id',
  conversations: 'user_id',
  messages: 'user_id',
  chat_turns: 'user_id',
  chat_rate_counters: 'user_id',
  api_keys: 'user_id',
  // Looked up by what the caller presents, before any user is known.
  login_failures: 'key_hash',
  identities: 'subject',
};

/**
 * Statements that look a user up by what the caller presents, before the
 * user id is known: by email, and by another sign-in service's identity. On
 * Citus each becomes a read of a table distributed by that key, then a read
 * by id (docs/scaling.md, "Sign-in by email").
 */
const LOOKUPS = [
  /^select .* from "users" where (lower\(email\)|"email_lower") = \$1$/,
  /^select .* from "identities" inner join "users" on "users"."id" = "identities"."user_id" where "identities"."issuer" = \$1 and "identities"."subject" = \$2$/,
];

/**
 * Statements that reach every shard on purpose, each in a transaction of its
 * own: the throttle's sweep of stale counts (one sign-in attempt in a
 * hundred; every attempt here, so the test sees it every run).
 */
const FAN_OUTS = [/^delete from "login_failures" where "last_failure_at" < to_timestamp\(\$1\)$/];

const CONTROL =
  /^\s*(select set_config|begin|start transaction|commit|rollback|savepoint|release)/i;

interface Captured {
  method: string;
  sql: string;
}

/** The tables of `known` that `statement` reads or writes. */
function tablesOf(statement: string, known: ReadonlySet<string>): string[] {
  const names = [...statement.matchAll(/\b(?:from|into|update|join)\s+"?([a-z_]+)"?/gi)].map(
    (match) => match[1] ?? '',
  );
  return [...new Set(names.filter((name) => known.has(name)))];
}

/** Whether `statement` pins `column` of `table` to one value, or writes rows carrying it. */
function routes(statement: string, table: string, column: string): boolean {
  const qualified = `(?:"?[a-z_]+"?\\.)?"?${column}"?`;
  const pinned = new RegExp(`\\b${qualified}\\s*=\\s*\\$\\d+`, 'i');
  if (pinned.test(statement)) return true;
  const insert = new RegExp(`insert into "?${table}"?\\s*\\(([^)]*)\\)`, 'i').exec(statement);
  if (insert !== null) {
    // A user row whose id the database generates is placed by that id.
    return insert[1]?.includes(column) === true || (table === 'users' && column === 'id');
  }
  return false;
}

/** The store, with every call to a service method recorded under its name. */
function recording(store: Store, current: { method: string }, called: Set<string>): Store {
  const wrap = <T extends object>(service: T, name: string): T =>
    new Proxy(service, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return async (...args: unknown[]) => {
          const method = `${name}.${property}`;
          called.add(method);
          const outer = current.method;
          current.method = method;
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            current.method = outer;
          }
        };
      },
    });
  return {
    ...store,
    users: wrap(store.users, 'users'),
    tasks: wrap(store.tasks, 'tasks'),
    conversations: wrap(store.conversations, 'conversations'),
    close: () => store.close(),
  };
}

function methodsOf(service: object, name: string): string[] {
  const prototype = Object.getPrototypeOf(service) as object;
  return Object.getOwnPropertyNames(prototype)
    .filter((property) => property !== 'constructor')
    .map((property) => `${name}.${property}`);
}

for (const engine of testEngines()) {
  describe(`routing to one shard [${engine.name}]`, () => {
    let database: TestDatabase;
    let raw: Store;
    const captured: Captured[] = [];
    const current = { method: '(outside a service)' };
    const called = new Set<string>();
    const tables = new Set<string>();

    before(async () => {
      database = await engine.migrated();
      raw = await openStore({
        ...database.options,
        migrate: false,
        onQuery: (event: QueryEvent) => {
          if (!CONTROL.test(event.sql)) {
            captured.push({ method: current.method, sql: event.sql.replace(/\s+/g, ' ').trim() });
          }
        },
      });
      const result = await sql<{ name: string }>`
        select c.relname as name from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and c.relname not like 'kysely_migration%'
        order by 1`.execute(raw.database);
      for (const row of result.rows) tables.add(row.name);
    });
    after(async () => {
      await raw.close();
      await database.dispose();
    });

    it('places every table of the schema in the distribution plan', () => {
      assert.deepEqual(
        [...tables].filter((name) => !(name in DISTRIBUTION)),
        [],
        'a table missing from DISTRIBUTION (and from docs/scaling.md)',
      );
    });

    it('filters every statement of every service method on the distribution column', async () => {
      captured.length = 0;
      const store = recording(raw, current, called);
      const ada = await store.users.createUser({ email: uniqueEmail('ada'), password: PASSWORD });
      const outside = await store.users.ensureExternalUser({
        issuer: 'https://accounts.example.com',
        subject: crypto.randomUUID(),
        email: uniqueEmail('outside'),
      });
      await store.users.getUser(ada.id);
      await store.users.findUserByEmail(ada.email);
      await store.users.verifyCredentials(ada.email, PASSWORD);

      const task = await store.tasks.addTask(ada.id, { title: 'buy milk' });
      await store.tasks.addTask(ada.id, { title: 'call mom', description: 'tonight' });
      await store.tasks.listTasks(ada.id, { status: 'pending' });
      await store.tasks.getTask(ada.id, task.id);
      await store.tasks.getTask(ada.id, 2);
      await store.tasks.updateTask(ada.id, 2, { title: 'call dad', completed: true });
      await store.tasks.completeTask(ada.id, task.id);
      await store.tasks.deleteTask(ada.id, 2);

      const active = await store.conversations.getOrCreateConversation(ada.id);
      const other = await store.conversations.createConversation(ada.id, { title: 'other' });
      await store.conversations.getConversationForUser(ada.id, active.id);
      const first = await store.conversations.getUserConversations(ada.id, { limit: 1 });
      await store.conversations.getUserConversations(ada.id, {
        limit: 1,
        status: 'active',
        cursor: first.nextCursor ?? '',
      });
      await store.conversations.saveMessage(ada.id, active.id, {
        role: 'user',
        content: 'hello',
        idempotencyKey: 'routing-1',
      });
      await store.conversations.saveMessageWithOutcome(ada.id, active.id, {
        role: 'user',
        content: 'hello',
        idempotencyKey: 'routing-1',
      });
      const page = await store.conversations.getConversationHistory(ada.id, active.id, {
        limit: 1,
      });
      await store.conversations.getConversationHistory(ada.id, active.id, {
        after: page.newerCursor ?? '',
      });
      await store.conversations.saveMessages(ada.id, other.id, [
        { role: 'user', content: 'one', idempotencyKey: 'routing-2' },
        { role: 'assistant', content: 'two' },
      ]);
      await store.conversations.removeLastMessage(ada.id, other.id);
      await store.conversations.clearMessages(ada.id, other.id);
      await store.conversations.renameConversation(ada.id, other.id, 'renamed');
      await store.conversations.updateConversation(ada.id, other.id, { status: 'archived' });
      await store.conversations.archiveConversation(ada.id, other.id);
      await store.conversations.unarchiveConversation(ada.id, other.id);
      await store.conversations.touchConversation(ada.id, other.id);
      await store.conversations.deleteConversation(ada.id, other.id);

      // The HTTP paths that reach the database beside the services: sign-in
      // (and its throttle) and a chat turn.
      const { app } = createTestApp(store, {
        throttle: new LoginThrottle(store.database, { ...DEFAULT_THROTTLE_POLICY, sweepOneIn: 1 }),
      });
      const credentials = { email: uniqueEmail('http'), password: PASSWORD };
      current.method = 'http';
      assert.equal((await new Client(app).post('/api/auth/register', credentials)).status, 201);
      await new Client(app).post('/api/auth/login', { ...credentials, password: 'wrong one' });
      const login = await new Client(app).post('/api/auth/login', credentials);
      const token = json<{ access_token: string }>(login).access_token;
      const turn = await new Client(app, token).post('/api/chat', { message: 'add buy bread' });
      assert.equal(turn.status, 200);
      current.method = '(outside a service)';

      await store.users.setTimeZone(ada.id, 'Europe/Paris');
      await store.tasks.getTimeZone(ada.id);
      await store.users.deleteUser(outside.id);
      const leaving = await store.users.createUser({
        email: uniqueEmail('leaving'),
        password: PASSWORD,
      });
      await store.users.deleteAccount(leaving.id, { password: PASSWORD });
      await store.users.deleteUser(ada.id);

      const expected = [
        ...methodsOf(raw.users, 'users'),
        ...methodsOf(raw.tasks, 'tasks'),
        ...methodsOf(raw.conversations, 'conversations'),
      ];
      assert.deepEqual(
        expected.filter((method) => !called.has(method)),
        [],
        'service methods this test does not exercise',
      );

      const unrouted: string[] = [];
      const fannedOut: string[] = [];
      for (const { method, sql: statement } of captured) {
        if (LOOKUPS.some((lookup) => lookup.test(statement))) continue;
        if (FAN_OUTS.some((fanOut) => fanOut.test(statement))) {
          fannedOut.push(method);
          continue;
        }
        const touched = tablesOf(statement, tables);
        assert.ok(touched.length > 0, `no table found in ${statement}`);
        for (const table of touched) {
          const column = DISTRIBUTION[table];
          if (column === undefined || !routes(statement, table, column)) {
            unrouted.push(`${method}: ${table} not pinned on ${column ?? '?'}: ${statement}`);
          }
        }
      }
      assert.deepEqual(unrouted, []);
      // Two sign-in attempts, each sweeping once: the pattern still matches the sweep.
      assert.deepEqual(fannedOut, ['http', 'http']);
      assert.ok(captured.length > 30, `only ${String(captured.length)} statements captured`);
    });
  });
}
