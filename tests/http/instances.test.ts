// Three server processes on one PostgreSQL database, as behind a load
// balancer: every request may land on any of them, so nothing a request needs
// may live in one process's memory. A mixed load is spread across them (sign
// up on one, sign in on another, append from all three, page while appending,
// chat turns retried on another instance) and the outcome is checked in the
// database's terms: no message lost or doubled, order gap-free, one turn per
// key, and the login throttle held across instances.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, sleep, uniqueEmail } from '../support/fixtures.ts';

const INSTANCES = 3;
const USERS = 4;
const APPENDS_PER_WRITER = 8;
const postgres = testEngines().find((engine) => engine.name === 'postgres');
const TOKEN_SECRET = randomBytes(32).toString('hex');
/** Model turns a user may start per minute, counted by all instances together. */
const TURNS_PER_MINUTE = 8;

interface Instance {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts `npm start`'s entry point on a free port and waits for its address. */
function startInstance(databaseUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TOKEN_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CHAT_RATE_PER_MINUTE: String(TURNS_PER_MINUTE),
      CHAT_RATE_EXEMPT_BUILTIN: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      reject(new Error(`instance exited with ${String(code)}: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'todochat listening' && entry.url !== undefined) {
        resolve({ url: entry.url, child });
      }
    });
  });
}

async function stopInstance({ child }: Instance): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

interface Message {
  id: string;
  seq: number;
  content: string;
}

if (postgres === undefined) {
  describe('three instances on one database', () => {
    it('needs PostgreSQL', (t) => {
      t.skip('TEST_DATABASE_URL is not set: several instances need a PostgreSQL server to share');
    });
  });
} else {
  describe('three instances on one database', () => {
    let database: TestDatabase | undefined;
    const instances: Instance[] = [];
    const on = (n: number): string => {
      const instance = instances[n % instances.length];
      if (instance === undefined) throw new Error('started in before()');
      return instance.url;
    };

    before(async () => {
      database = await postgres.migrated();
      const url = database.options.databaseUrl ?? '';
      instances.push(
        ...(await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(url)))),
      );
    });
    after(async () => {
      await Promise.all(instances.map(stopInstance));
      await database?.dispose();
    });

    it(
      'serves a mixed load spread across them with no message lost or doubled, in gap-free order',
      { timeout: 120_000 },
      async () => {
        const users = await Promise.all(
          Array.from({ length: USERS }, async (_, u) => {
            const email = uniqueEmail('instances');
            const credentials = { email, password: PASSWORD };
            const registered = await call(on(u), 'POST', '/api/auth/register', {
              body: credentials,
            });
            assert.equal(registered.status, 201);
            // Signed in on another instance, and used on a third: one secret, no sessions.
            const login = await call(on(u + 1), 'POST', '/api/auth/login', { body: credentials });
            assert.equal(login.status, 200);
            const token = login.body.access_token as string;
            const conversation = await call(on(u + 2), 'POST', '/api/chat/conversations', {
              token,
              body: { new: true, title: 'appends' },
            });
            assert.equal(conversation.status, 201);
            return { token, conversation: conversation.body.id as string };
          }),
        );

        const work = users.map(async ({ token, conversation }, u) => {
          const path = `/api/chat/conversations/${conversation}/messages`;
          // Read before the first append: the cursor then points before message 1.
          const empty = await call(on(u), 'GET', path, { token });
          assert.deepEqual(empty.body.messages, []);
          let done = 0;
          // One writer per instance; each append is then retried, same key, on the next instance.
          const writers = Array.from({ length: INSTANCES }, async (_, w) => {
            for (let i = 0; i < APPENDS_PER_WRITER; i++) {
              const key = `u${String(u)}-w${String(w)}-${String(i)}`;
              const body = { role: 'user', content: key };
              const first = await call(on(w + i), 'POST', path, {
                token,
                body,
                headers: { 'Idempotency-Key': key },
              });
              assert.equal(first.status, 201, JSON.stringify(first.body));
              const retry = await call(on(w + i + 1), 'POST', path, {
                token,
                body,
                headers: { 'Idempotency-Key': key },
              });
              assert.equal(retry.status, 200);
              assert.equal(retry.body.id, first.body.id);
            }
            done++;
          });
          // Pages forward with `after` on every instance in turn while the writers append.
          const reader = async (): Promise<Message[]> => {
            const seen: Message[] = [];
            let cursor = empty.body.newer_cursor as string;
            for (let page = 0; ; page++) {
              const finished = done === INSTANCES;
              const reply = await call(on(page), 'GET', `${path}?limit=7&after=${cursor}`, {
                token,
              });
              assert.equal(reply.status, 200);
              const messages = reply.body.messages as Message[];
              seen.push(...messages);
              cursor = reply.body.newer_cursor as string;
              if (messages.length === 0) {
                if (finished) return seen;
                await sleep(10);
              }
            }
          };
          const [, seen] = await Promise.all([Promise.all(writers), reader()]);
          return seen;
        });
        const seenByUser = await Promise.all(work);

        for (const [u, { token, conversation }] of users.entries()) {
          const seen = seenByUser[u] ?? [];
          const history = await call(
            on(u),
            'GET',
            `/api/chat/conversations/${conversation}/messages?limit=200`,
            { token },
          );
          const messages = history.body.messages as Message[];
          const total = INSTANCES * APPENDS_PER_WRITER;
          assert.deepEqual(
            messages.map((message) => message.seq),
            Array.from({ length: total }, (_, i) => i + 1),
          );
          assert.equal(new Set(messages.map((message) => message.content)).size, total);
          // What the reader saw while the writers wrote is the same history, in the same order.
          assert.deepEqual(
            seen.map((message) => [message.seq, message.id]),
            messages.map((message) => [message.seq, message.id]),
          );
        }
      },
    );

    it(
      'answers a chat turn once per key whichever instance a retry reaches',
      { timeout: 60_000 },
      async () => {
        const credentials = { email: uniqueEmail('turns'), password: PASSWORD };
        const registered = await call(on(0), 'POST', '/api/auth/register', { body: credentials });
        const token = registered.body.access_token as string;
        const conversation = await call(on(1), 'POST', '/api/chat/conversations', {
          token,
          body: { new: true },
        });
        const id = conversation.body.id as string;
        const turn = (n: number, message: string, key: string) =>
          call(on(n), 'POST', '/api/chat', {
            token,
            body: { message, conversation_id: id },
            headers: { 'Idempotency-Key': key },
          });

        for (const [t, item] of ['milk', 'bread', 'eggs'].entries()) {
          const first = await turn(t, `add a task to buy ${item}`, `turn-${item}`);
          assert.equal(first.status, 200, JSON.stringify(first.body));
          for (let n = 1; n < INSTANCES; n++) {
            const retry = await turn(t + n, `add a task to buy ${item}`, `turn-${item}`);
            assert.equal(retry.status, 200);
            assert.equal(retry.body.user_message_id, first.body.user_message_id);
            assert.equal(retry.body.assistant_message_id, first.body.assistant_message_id);
          }
        }
        const tasks = await call(on(2), 'GET', '/api/tasks', { token });
        assert.deepEqual(
          (tasks.body.tasks as { number: number; title: string }[]).map((task) => [
            task.number,
            task.title,
          ]),
          [
            [1, 'buy milk'],
            [2, 'buy bread'],
            [3, 'buy eggs'],
          ],
        );
        const history = await call(on(0), 'GET', `/api/chat/conversations/${id}/messages`, {
          token,
        });
        assert.deepEqual(
          (history.body.messages as (Message & { role: string })[]).map((message) => message.role),
          ['user', 'assistant', 'user', 'assistant', 'user', 'assistant'],
        );
      },
    );

    it(
      'runs a turn once when the same key reaches every instance at once',
      { timeout: 60_000 },
      async () => {
        const credentials = { email: uniqueEmail('race'), password: PASSWORD };
        const registered = await call(on(0), 'POST', '/api/auth/register', { body: credentials });
        const token = registered.body.access_token as string;
        const copies = await Promise.all(
          Array.from({ length: INSTANCES * 2 }, (_, n) =>
            call(on(n), 'POST', '/api/chat', {
              token,
              body: { message: 'add a task to buy oranges' },
              headers: { 'Idempotency-Key': 'one-turn' },
            }),
          ),
        );
        assert.deepEqual(
          copies.map((reply) => reply.status),
          copies.map(() => 200),
          JSON.stringify(copies.map((reply) => reply.body)),
        );
        assert.equal(new Set(copies.map((reply) => reply.body.assistant_message_id)).size, 1);
        const tasks = await call(on(1), 'GET', '/api/tasks', { token });
        assert.deepEqual(
          (tasks.body.tasks as { title: string }[]).map((task) => task.title),
          ['buy oranges'],
        );
        const conversation = copies[0]?.body.conversation_id as string;
        const history = await call(
          on(2),
          'GET',
          `/api/chat/conversations/${conversation}/messages`,
          {
            token,
          },
        );
        assert.equal((history.body.messages as unknown[]).length, 2);
      },
    );

    it('holds the chat limit across instances', { timeout: 90_000 }, async () => {
      // The limit counts in windows of a calendar minute: start well inside one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 45_000) await sleep(61_000 - intoMinute);
      const credentials = { email: uniqueEmail('limit'), password: PASSWORD };
      const registered = await call(on(0), 'POST', '/api/auth/register', { body: credentials });
      const token = registered.body.access_token as string;
      const replies = await Promise.all(
        Array.from({ length: TURNS_PER_MINUTE + 4 }, (_, n) =>
          call(on(n), 'POST', '/api/chat', {
            token,
            body: { message: `add a task to buy item ${String(n)}` },
            headers: { 'Idempotency-Key': `limit-${String(n)}` },
          }),
        ),
      );
      const statuses = replies.map((reply) => reply.status).sort();
      assert.deepEqual(statuses, [
        ...Array.from({ length: TURNS_PER_MINUTE }, () => 200),
        ...Array.from({ length: 4 }, () => 429),
      ]);
      for (const reply of replies.filter((candidate) => candidate.status === 429)) {
        assert.equal((reply.body.error as { code: string }).code, 'rate_limited');
      }
    });

    it(
      'throttles sign-in guesses spread across instances as one',
      { timeout: 60_000 },
      async () => {
        const email = uniqueEmail('throttle');
        const registered = await call(on(0), 'POST', '/api/auth/register', {
          body: { email, password: PASSWORD },
        });
        assert.equal(registered.status, 201);
        for (let guess = 0; guess < 5; guess++) {
          const reply = await call(on(guess), 'POST', '/api/auth/login', {
            body: { email, password: `wrong guess ${String(guess)}` },
          });
          assert.equal(reply.status, 401);
        }
        // Each instance has seen at most two of the five: only a shared count refuses here.
        for (let n = 0; n < INSTANCES; n++) {
          const reply = await call(on(n), 'POST', '/api/auth/login', {
            body: { email, password: PASSWORD },
          });
          assert.equal(reply.status, 429, `instance ${String(n)} let a sixth attempt through`);
        }
      },
    );
  });
}
