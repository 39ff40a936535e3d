// Per-core capacity of one todochat instance and its PostgreSQL, for the
// arithmetic in docs/scaling.md. It starts the real server (`src/main.ts`) as
// a child process on a scratch database, drives one workload at a time over
// HTTP from this process (appends, 50-message history pages, chat turns with
// the built-in model), and divides the operations by the CPU seconds the
// server process and the database backends serving it spent, read from
// /proc. CPU time, not wall time, so a shared or busy machine still gives
// per-core figures; the load generator's own CPU is not counted.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/capacity.ts [--seconds 8] [--concurrency 8] [--pgbouncer]
//
// The URL's user must be allowed to create databases; the server must run on
// this machine (its backends' CPU is read from /proc). With --pgbouncer, each
// workload also runs through Debian's PgBouncer in transaction mode (started
// here, its CPU counted with the database's), interleaved with the direct
// run, for the pooler's cost.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPgBouncer, type RunningPgBouncer } from '../tests/support/pgbouncer.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '8' },
    pgbouncer: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const serverUrl = process.env.DATABASE_URL;
if (serverUrl === undefined || serverUrl === '') {
  console.error(
    'Set DATABASE_URL to a PostgreSQL server on this machine (a user that may create databases).',
  );
  process.exit(2);
}
const TOKEN_SECRET = randomBytes(32).toString('hex');
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function urlFor(database: string): string {
  const url = new URL(serverUrl ?? '');
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function backendPids(database: string): Promise<number[]> {
  return admin(async (client) => {
    const result = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    return result.rows.map((row) => row.pid);
  });
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TOKEN_SECRET,
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_POOL_MAX: String(CONCURRENCY),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the server exited with ${String(code)}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('todochat listening')) return;
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        pid: child.pid ?? 0,
        stop: async () => {
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

interface Account {
  token: string;
  conversation: string;
}

async function request(url: string, init: RequestInit, token?: string): Promise<unknown> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(url, { ...init, headers });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${String(response.status)} ${JSON.stringify(body)}`);
  return body;
}

async function signUp(base: string): Promise<Account> {
  const session = (await request(`${base}/api/auth/register`, {
    method: 'POST',
    body: JSON.stringify({
      email: `capacity-${randomUUID()}@example.com`,
      password: 'capacity password 1',
    }),
  })) as { access_token: string };
  const conversation = (await request(
    `${base}/api/chat/conversations`,
    { method: 'POST', body: JSON.stringify({ new: true }) },
    session.access_token,
  )) as { id: string };
  return { token: session.access_token, conversation: conversation.id };
}

interface Workload {
  name: string;
  run(base: string, account: Account, i: number): Promise<unknown>;
}

const WORKLOADS: Workload[] = [
  {
    name: 'appends',
    run: (base, { token, conversation }, i) =>
      request(
        `${base}/api/chat/conversations/${conversation}/messages`,
        { method: 'POST', body: JSON.stringify({ role: 'user', content: `message ${String(i)}` }) },
        token,
      ),
  },
  {
    name: 'pages',
    run: (base, { token, conversation }) =>
      request(`${base}/api/chat/conversations/${conversation}/messages?limit=50`, {}, token),
  },
  {
    name: 'chat turns',
    run: (base, { token, conversation }, i) =>
      request(
        `${base}/api/chat`,
        {
          method: 'POST',
          body: JSON.stringify({
            message: `add a task to buy item ${String(i)}`,
            conversation_id: conversation,
          }),
        },
        token,
      ),
  },
];

interface Result {
  workload: string;
  path: string;
  operations: number;
  perSecond: number;
  appCpuSeconds: number;
  dbCpuSeconds: number;
  perAppCore: number;
  perDbCore: number;
}

async function measure(
  server: Server,
  database: string,
  accounts: Account[],
  workload: Workload,
  path: string,
  extraPids: number[],
): Promise<Result> {
  // Warm: every pool connection open, so the backends below are the ones that serve.
  await Promise.all(accounts.map((account, i) => workload.run(server.url, account, i)));
  const pids = [...(await backendPids(database)), ...extraPids];
  const appBefore = cpuSeconds(server.pid);
  const dbBefore = pids.map(cpuSeconds);
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  let operations = 0;
  await Promise.all(
    accounts.map(async (account) => {
      while (performance.now() < deadline) {
        await workload.run(server.url, account, operations++);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const appCpuSeconds = cpuSeconds(server.pid) - appBefore;
  const dbCpuSeconds = pids.reduce(
    (sum, pid, i) => sum + Math.max(0, cpuSeconds(pid) - (dbBefore[i] ?? 0)),
    0,
  );
  return {
    workload: workload.name,
    path,
    operations,
    perSecond: operations / elapsed,
    appCpuSeconds,
    dbCpuSeconds,
    perAppCore: operations / appCpuSeconds,
    perDbCore: operations / dbCpuSeconds,
  };
}

const database = `todochat_capacity_${randomBytes(4).toString('hex')}`;
await admin((client) => client.query(`create database ${database}`));
let server: Server | undefined;
let pooled: Server | undefined;
let pgbouncer: RunningPgBouncer | undefined;
try {
  server = await startServer(urlFor(database));
  if (args.pgbouncer) {
    pgbouncer = await startPgBouncer(serverUrl);
    pooled = await startServer(pgbouncer.through(urlFor(database)));
  }
  const accounts: Account[] = [];
  for (let i = 0; i < CONCURRENCY; i++) accounts.push(await signUp(server.url));
  // Pages are read from conversations of 1,000 messages.
  const [appends] = WORKLOADS;
  const base = server.url;
  for (const account of accounts) {
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from(
          { length: 50 },
          (_, j) => appends?.run(base, account, i + j) ?? Promise.resolve(),
        ),
      );
    }
  }
  const results: Result[] = [];
  for (const workload of WORKLOADS) {
    results.push(await measure(server, database, accounts, workload, 'direct', []));
    if (pooled !== undefined && pgbouncer !== undefined) {
      results.push(
        await measure(pooled, database, accounts, workload, 'PgBouncer', [pgbouncer.pid]),
      );
    }
  }
  const round = (value: number) => Math.round(value);
  console.log(
    `\n${String(CONCURRENCY)} clients, ${String(SECONDS)} s per workload, ${String(accounts.length)} users\n`,
  );
  console.table(
    results.map((result) => ({
      workload: result.workload,
      path: result.path,
      'ops/s (wall)': round(result.perSecond),
      'app CPU s': result.appCpuSeconds.toFixed(1),
      'db CPU s': result.dbCpuSeconds.toFixed(1),
      'ops per app core-s': round(result.perAppCore),
      'ops per db core-s': round(result.perDbCore),
    })),
  );
  console.log(JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, results }, null, 2));
} finally {
  await server?.stop();
  await pooled?.stop();
  await pgbouncer?.stop();
  await admin((client) => client.query(`drop database if exists ${database} with (force)`));
}
