// `npm run soak`: a bounded soak of the HTTP server, to see its memory level
// off. Starts the server as a child process (so that its RSS is the server's
// alone), sends a fixed number of mixed requests from a few users, and prints
// the server's RSS as it goes.
//
//   npm run soak                                   # embedded PGlite, 100,000 requests
//   DATABASE_URL=postgres://... npm run soak       # a PostgreSQL server
//   npm run soak -- --requests 20000 --concurrency 8
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    users: { type: 'string', default: '8' },
    every: { type: 'string', default: '5000' },
  },
});
const TOTAL = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const USERS = Number(values.users);
const EVERY = Number(values.every);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return Math.round((kib / 1024) * 10) / 10;
}

async function startServer(
  dataDir: string,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TODOCHAT_DATA_DIR: dataDir,
      TOKEN_SECRET: randomUUID() + randomUUID(),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const state = { exited: false };
  child.once('exit', () => {
    state.exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (state.exited) throw new Error('the server exited before it was ready');
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('no server pid');
  return {
    url,
    pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

interface SoakUser {
  token: string;
  conversationId: string;
  taskNumbers: number[];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'todochat-soak-'));
  const server = await startServer(join(dataDir, 'db'));
  const { url } = server;
  const statuses = new Map<number, number>();
  const request = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };

  try {
    const users: SoakUser[] = [];
    for (let i = 0; i < USERS; i++) {
      const registered = await request('POST', '/api/auth/register', undefined, {
        email: `soak-${randomUUID()}@example.com`,
        password: 'a soak test passphrase',
      });
      const token = String(registered.body.access_token);
      const conversation = await request('POST', '/api/chat/conversations', token);
      users.push({ token, conversationId: String(conversation.body.id), taskNumbers: [] });
    }

    // One step of the mix, by its index: writes, reads, pages, misses and mistakes.
    const step = async (n: number): Promise<void> => {
      const user = users[n % users.length];
      if (user === undefined) return;
      const { token } = user;
      const messages = `/api/chat/conversations/${user.conversationId}/messages`;
      switch (n % 10) {
        case 0:
        case 1:
          await request('POST', messages, token, { role: 'user', content: `soak message ${n}` });
          break;
        case 2:
          await request('GET', `${messages}?limit=50`, token);
          break;
        case 3: {
          const task = await request('POST', '/api/tasks', token, { title: `soak task ${n}` });
          if (typeof task.body.number === 'number') user.taskNumbers.push(task.body.number);
          break;
        }
        case 4:
          await request('GET', '/api/tasks?status=pending', token);
          break;
        case 5: {
          const number = user.taskNumbers.shift();
          if (number !== undefined) await request('DELETE', `/api/tasks/${number}`, token);
          else await request('GET', '/api/me', token);
          break;
        }
        case 6:
          await request('GET', '/api/chat/conversations?limit=20', token);
          break;
        case 7:
          await request('GET', `/api/chat/conversations/${randomUUID()}`, token);
          break;
        case 8:
          await request('POST', '/api/tasks', token, { title: '' });
          break;
        default:
          // A fresh conversation now and then, so no history grows without bound.
          if (n % 1000 === 9) {
            const created = await request('POST', '/api/chat/conversations', token, { new: true });
            user.conversationId = String(created.body.id);
          } else {
            await request('GET', '/api/me', token);
          }
      }
    };

    const started = Date.now();
    const samples: { requests: number; rssMiB: number; seconds: number }[] = [];
    const sample = (done: number) => {
      const point = {
        requests: done,
        rssMiB: rssMiB(server.pid),
        seconds: (Date.now() - started) / 1000,
      };
      samples.push(point);
      console.log(
        `${String(point.requests).padStart(7)} requests  ${point.rssMiB.toFixed(1).padStart(7)} MiB RSS  ${point.seconds.toFixed(0)} s`,
      );
    };
    sample(0);
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          await step(next++);
          done++;
          if (done % EVERY === 0) sample(done);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `\n${TOTAL} requests in ${seconds.toFixed(0)} s (${Math.round(TOTAL / seconds)}/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    const tail = samples.slice(Math.floor(samples.length / 2));
    const peak = Math.max(...samples.map((s) => s.rssMiB));
    const min = Math.min(...tail.map((s) => s.rssMiB));
    const max = Math.max(...tail.map((s) => s.rssMiB));
    console.log(
      `RSS: start ${samples[0]?.rssMiB} MiB, peak ${peak} MiB, second half ${min}..${max} MiB`,
    );
    if (statuses.has(500)) process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
