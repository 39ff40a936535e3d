// The HTTP path: the real app on loopback, loaded by wrk (Debian's package)
// in a process of its own so that the load generator does not share this
// event loop; autocannon's command line, run as a child process, when wrk is
// not installed. Each load run follows an in-process run of the same store
// operation at the same concurrency, for the ratio.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { TokenService } from '../src/auth/token.service.ts';
import type { Store } from '../src/store.ts';
import type { Fixture } from './floor.ts';
import { CONTENT } from './peers.ts';
import { interleave, type Sample } from './runner.ts';
import type { TripCounter } from '../src/db/trip-counter.ts';

const run = promisify(execFile);

export interface HttpRow {
  engine: string;
  request: string;
  concurrency: number;
  tool: string;
  http: Sample;
  store: Sample;
}

async function which(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

interface Load {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** POSTs rotate over these paths, one conversation per connection's turn. */
  paths?: string[];
}

async function wrk(load: Load, connections: number, seconds: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'todochat-wrk-'));
  const script = join(dir, 'load.lua');
  const paths = load.paths ?? [new URL(load.url).pathname + new URL(load.url).search];
  writeFileSync(
    script,
    `wrk.method = ${JSON.stringify(load.method)}
${Object.entries(load.headers)
  .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
  .join('\n')}
${load.body === undefined ? '' : `wrk.body = ${JSON.stringify(load.body)}`}
local paths = { ${paths.map((path) => JSON.stringify(path)).join(', ')} }
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
  io.write(string.format("ERRORS status=%d connect=%d read=%d write=%d timeout=%d\\n",
    e.status, e.connect, e.read, e.write, e.timeout))
end
`,
  );
  const { stdout } = await run('wrk', [
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '-s',
    script,
    load.url,
  ]);
  const match = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
  if (match === null) throw new Error(`wrk printed no result: ${stdout}`);
  const [requests, micros, p50, p95, p99, errors] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // The kinds tell a server fault (status: a non-2xx answer) from a slow
  // machine (timeout: no answer within wrk's 2 s).
  if (errors > 0) {
    const kinds = /ERRORS (.*)/.exec(stdout)?.[1] ?? '';
    throw new Error(`wrk saw ${errors} failed requests (${kinds})`);
  }
  return {
    opsPerSecond: requests / (micros / 1e6),
    p50: p50 / 1000,
    p95: p95 / 1000,
    p99: p99 / 1000,
    count: requests,
  };
}

async function autocannon(load: Load, connections: number, seconds: number): Promise<Sample> {
  const bin = new URL('node_modules/.bin/autocannon', import.meta.url).pathname;
  const args = ['-j', '-c', String(connections), '-d', String(seconds), '-m', load.method];
  for (const [name, value] of Object.entries(load.headers)) args.push('-H', `${name}=${value}`);
  if (load.body !== undefined) args.push('-b', load.body);
  const { stdout } = await run(
    bin,
    [...args, load.paths?.[0] ? new URL(load.paths[0], load.url).href : load.url],
    {
      maxBuffer: 1 << 24,
    },
  );
  const report = JSON.parse(stdout) as {
    requests: { total: number };
    duration: number;
    latency: { p50: number; p99: number; p97_5: number };
    non2xx: number;
    errors: number;
  };
  if (report.non2xx + report.errors > 0) throw new Error('autocannon saw failed requests');
  return {
    opsPerSecond: report.requests.total / report.duration,
    p50: report.latency.p50,
    // autocannon reports p97.5, not p95.
    p95: report.latency.p97_5,
    p99: report.latency.p99,
    count: report.requests.total,
  };
}

export async function httpBench(options: {
  engine: string;
  store: Store;
  fixture: Fixture;
  counter: TripCounter;
  concurrency: readonly number[];
  durationSeconds: number;
  timing: { rounds: number; sliceMs: number; warmupMs: number };
}) {
  const { engine, store, fixture, counter } = options;
  const tokens = new TokenService({ secret: randomBytes(32).toString('hex'), ttlSeconds: 3600 });
  const app = createApp({ store, tokens, logger: pino({ level: 'silent' }) });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const headers = {
    Authorization: `Bearer ${(await tokens.issue(fixture.userId)).token}`,
    'Content-Type': 'application/json',
  };
  const body = JSON.stringify({ role: 'user', content: CONTENT });
  const writers = fixture.writers.slice(64, 96);
  const post: Load = {
    url: `${origin}/`,
    method: 'POST',
    headers,
    body,
    paths: writers.map((id) => `/api/chat/conversations/${id}/messages`),
  };
  const get: Load = {
    url: `${origin}/api/chat/conversations/${fixture.small}/messages?limit=50`,
    method: 'GET',
    headers,
  };
  const tool = (await which('wrk')) ? 'wrk' : 'autocannon';
  const load = tool === 'wrk' ? wrk : autocannon;
  if (tool === 'autocannon')
    console.error(
      '  wrk not found (apt-get install -y wrk): using autocannon, which reports p97.5 as p95',
    );
  const rows: HttpRow[] = [];
  const costs = [];
  try {
    for (const [request, target] of [
      ['POST messages', post],
      ['GET messages', get],
    ] as const) {
      const storeOperation =
        target === post
          ? (worker: number) =>
              store.conversations.saveMessage(fixture.userId, writers[worker % 32] ?? '', {
                role: 'user',
                content: CONTENT,
              })
          : () => store.conversations.getConversationHistory(fixture.userId, fixture.small);
      // Once, counted, before the load.
      const once = () =>
        fetch(target.paths?.[0] === undefined ? target.url : new URL(target.paths[0], origin), {
          method: target.method,
          headers: target.headers,
          body: target.body ?? null,
        }).then((response) => response.arrayBuffer());
      await once();
      counter.reset();
      await once();
      costs.push({ engine, operation: `HTTP ${request}`, ...counter.totals() });
      for (const concurrency of options.concurrency) {
        const inProcess = await interleave(
          { store: storeOperation },
          { concurrency, ...options.timing },
        );
        const http = await load(target, concurrency, options.durationSeconds);
        const row: HttpRow = {
          engine,
          request,
          concurrency,
          tool,
          http,
          store: inProcess.store as Sample,
        };
        rows.push(row);
        console.error(
          `  ${engine} ${request} c=${concurrency}: ${http.opsPerSecond.toFixed(0)}/s over HTTP, ${row.store.opsPerSecond.toFixed(0)}/s in process`,
        );
      }
    }
  } finally {
    server.close();
  }
  return { rows, costs };
}
