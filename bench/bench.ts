// npm run bench [-- --quick] [-- --engine pglite|postgres]
//
// Measures the store on embedded PGlite and, when DATABASE_URL (or
// TEST_DATABASE_URL) is set, on that PostgreSQL server, in one run, every
// contender interleaved with the others round by round:
//   - the floor: the same SQL as one named prepared statement sent straight
//     through the driver, with no service layer and no row-level security;
//   - todochat's services;
//   - on PostgreSQL, the peers (peers.ts): Mastra, LangChain and the Drizzle
//     queries of vercel/ai-chatbot, on the same data;
//   - the ways of sending the row-level-security transaction that were tried
//     (variants.ts), so the choice in src/db/drivers.ts can be checked;
// then the growth curve (history pages and the conversation list as a
// conversation and a user grow), the HTTP path under an external load
// generator (wrk, in its own process), the statements and transactions each
// request costs, and a chat turn with the built-in model. Prints tables of
// ratios and writes every figure to bench/results/<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { DEFAULT_CHAT_SETTINGS } from '../src/chat/chat-settings.ts';
import { recordedToolCalls } from '../src/chat/history.ts';
import { createChatService } from '../src/services.ts';
import { openStore, type Store } from '../src/store.ts';
import { sdkTurn } from './chat-floor.ts';
import { HISTORY_SQL, LIST_SQL, SAVE_SQL, type Fixture } from './floor.ts';
import { httpBench, type HttpRow } from './http.ts';
import { CONTENT, drizzlePeer, langchainPeer, mastraPeer, type Peer } from './peers.ts';
import { interleave, type Operation, type Sample } from './runner.ts';
import { TripCounter } from '../src/db/trip-counter.ts';
import { variantContenders } from './variants.ts';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, engine: { type: 'string' } },
});
const QUICK = flags.quick;
const TIMING = QUICK
  ? { rounds: 2, sliceMs: 200, warmupMs: 100 }
  : { rounds: 5, sliceMs: 600, warmupMs: 300 };
const CONCURRENCY = QUICK ? [1, 8] : [1, 8, 32];
const SMALL = 100;
const BIG = QUICK ? 10_000 : 100_000;
const LIST = 1_000;
const GROWTH_MESSAGES = QUICK ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000, 1_000_000];
const GROWTH_CONVERSATIONS = QUICK ? [10, 100, 1_000] : [10, 100, 1_000, 10_000];

type Floor = (text: string, name: string, values: unknown[]) => Promise<unknown>;

interface StoreRow {
  engine: string;
  operation: string;
  concurrency: number;
  samples: Record<string, Sample>;
}

interface GrowthRow {
  engine: string;
  operation: string;
  size: number;
  todochat: Sample;
  floor: Sample;
}

async function fillConversation(store: Store, userId: string, id: string, count: number) {
  await sql`insert into messages (user_id, conversation_id, seq, role, content)
    select ${userId}, ${id}, i, case when i % 2 = 1 then 'user' else 'assistant' end,
           'message number ' || i || ' of a conversation about groceries and bills'
    from generate_series(1, ${count}::int) as i`.execute(store.database);
  await sql`update conversations set message_count = ${count} where id = ${id}`.execute(
    store.database,
  );
}

async function addConversations(store: Store, userId: string, count: number) {
  await sql`insert into conversations (user_id, status, updated_at)
    select ${userId}, case when i % 5 = 0 then 'archived' else 'active' end, now() - i * interval '1 minute'
    from generate_series(1, ${count}::int) as i`.execute(store.database);
}

async function seed(store: Store): Promise<Fixture> {
  const user = await store.users.createUser({ email: `bench-${randomUUID()}@example.com` });
  const listUser = await store.users.createUser({ email: `list-${randomUUID()}@example.com` });
  const small = await store.conversations.createConversation(user.id, { title: 'small' });
  const big = await store.conversations.createConversation(user.id, { title: 'big' });
  const writers: string[] = [];
  for (let i = 0; i < 96; i++)
    writers.push((await store.conversations.createConversation(user.id)).id);
  await fillConversation(store, user.id, small.id, SMALL);
  await fillConversation(store, user.id, big.id, BIG);
  // The list user's conversations among 20 other users' 100 each.
  await sql`insert into users (email) select 'other-' || i || '-' || ${randomUUID()} || '@example.com'
    from generate_series(1, 20) as i`.execute(store.database);
  await sql`insert into conversations (user_id, status, updated_at)
    select u.id, case when i % 5 = 0 then 'archived' else 'active' end, now() - i * interval '1 minute'
    from users u cross join generate_series(1, 100) as i where u.email like 'other-%'`.execute(
    store.database,
  );
  await addConversations(store, listUser.id, LIST);
  await sql`analyze`.execute(store.database);
  return { userId: user.id, small: small.id, big: big.id, writers, listUser: listUser.id };
}

function storeOperations(store: Store, fixture: Fixture, floor: Floor) {
  const { conversations } = store;
  return {
    save: {
      floor: (worker: number) =>
        floor(SAVE_SQL, 'bench_save', [
          fixture.userId,
          fixture.writers[32 + worker],
          'user',
          CONTENT,
          null,
          null,
        ]),
      todochat: (worker: number) =>
        conversations.saveMessage(fixture.userId, fixture.writers[worker] ?? '', {
          role: 'user',
          content: CONTENT,
        }),
    },
    historySmall: {
      floor: () => floor(HISTORY_SQL, 'bench_history', [fixture.userId, fixture.small, 50]),
      todochat: () => conversations.getConversationHistory(fixture.userId, fixture.small),
    },
    historyBig: {
      floor: () => floor(HISTORY_SQL, 'bench_history', [fixture.userId, fixture.big, 50]),
      todochat: () => conversations.getConversationHistory(fixture.userId, fixture.big),
    },
    list: {
      floor: () => floor(LIST_SQL, 'bench_list', [fixture.listUser, 20]),
      todochat: () => conversations.getUserConversations(fixture.listUser, { limit: 20 }),
    },
  } satisfies Record<string, Record<string, Operation>>;
}

const OPERATION_NAMES: Record<string, string> = {
  save: 'append a message',
  historySmall: `newest 50 of ${SMALL}`,
  historyBig: `newest 50 of ${BIG.toLocaleString('en')}`,
  list: `20 recent of ${LIST.toLocaleString('en')} conversations`,
};

async function runStoreBench(engine: string, store: Store, floor: Floor, peers: Peer[]) {
  const fixture = await seed(store);
  const rows: StoreRow[] = [];
  for (const concurrency of CONCURRENCY) {
    for (const [operation, pair] of Object.entries(storeOperations(store, fixture, floor))) {
      const contenders: Record<string, Operation> = { ...pair };
      // A whole-history read of the big conversation takes a second; one
      // worker shows it, thirty-two would only stretch the run.
      const wholeHistory = operation === 'historyBig' && concurrency > 1;
      for (const peer of wholeHistory ? [] : peers) {
        const run = peer[operation as 'save'];
        if (run !== undefined) contenders[peer.name] = run;
      }
      const samples = await interleave(contenders, { concurrency, ...TIMING });
      rows.push({ engine, operation, concurrency, samples });
      progress(`${engine} ${operation} c=${concurrency}`, samples);
    }
  }
  return { rows, fixture };
}

async function runGrowth(engine: string, store: Store, floor: Floor): Promise<GrowthRow[]> {
  const user = await store.users.createUser({ email: `growth-${randomUUID()}@example.com` });
  const conversation = await store.conversations.createConversation(user.id);
  const lister = await store.users.createUser({ email: `growth-list-${randomUUID()}@example.com` });
  const rows: GrowthRow[] = [];
  let messages = 0;
  for (const size of GROWTH_MESSAGES) {
    // In slices, so that no statement nears the store's statement timeout on a loaded machine.
    for (let from = messages + 1; from <= size; from += 100_000) {
      await sql`insert into messages (user_id, conversation_id, seq, role, content)
        select ${user.id}, ${conversation.id}, i, 'user', 'message ' || i
        from generate_series(${from}::int, ${Math.min(size, from + 99_999)}::int) as i`.execute(
        store.database,
      );
    }
    await sql`update conversations set message_count = ${size} where id = ${conversation.id}`.execute(
      store.database,
    );
    await sql`analyze messages`.execute(store.database);
    messages = size;
    const samples = await interleave(
      {
        floor: () => floor(HISTORY_SQL, 'bench_history', [user.id, conversation.id, 50]),
        todochat: () => store.conversations.getConversationHistory(user.id, conversation.id),
      },
      { concurrency: 1, ...TIMING },
    );
    rows.push(growthRow(engine, 'history page (newest 50)', size, samples));
  }
  let conversations = 0;
  for (const size of GROWTH_CONVERSATIONS) {
    await addConversations(store, lister.id, size - conversations);
    conversations = size;
    await sql`analyze conversations`.execute(store.database);
    const samples = await interleave(
      {
        floor: () => floor(LIST_SQL, 'bench_list', [lister.id, 20]),
        todochat: () => store.conversations.getUserConversations(lister.id, { limit: 20 }),
      },
      { concurrency: 1, ...TIMING },
    );
    rows.push(growthRow(engine, 'conversation list (20)', size, samples));
  }
  return rows;
}

function growthRow(
  engine: string,
  operation: string,
  size: number,
  samples: Record<string, Sample>,
): GrowthRow {
  const row = {
    engine,
    operation,
    size,
    todochat: must(samples.todochat),
    floor: must(samples.floor),
  };
  progress(`${engine} ${operation} at ${size}`, samples);
  return row;
}

function must(sample: Sample | undefined): Sample {
  if (sample === undefined) throw new Error('a contender was not measured');
  return sample;
}

interface CostRow {
  engine: string;
  operation: string;
  roundTrips: number;
  statements: number;
  transactions: number;
}

/** Statements, round trips and transactions of one call, counted at the driver. */
async function costs(
  engine: string,
  counter: TripCounter,
  calls: Record<string, () => Promise<unknown>>,
): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  for (const [operation, call] of Object.entries(calls)) {
    await call();
    counter.reset();
    await call();
    rows.push({ engine, operation, ...counter.totals() });
  }
  return rows;
}

async function runChatBench(store: Store, fixture: Fixture) {
  const chat = createChatService(store);
  const conversation = await store.conversations.createConversation(fixture.userId, {
    title: 'chat bench',
  });
  const turn = () =>
    chat.runTurn({
      userId: fixture.userId,
      conversationId: conversation.id,
      message: 'add a task to buy milk',
    });
  const saveTarget = fixture.writers[95] ?? '';
  const save = () =>
    store.conversations.saveMessage(fixture.userId, saveTarget, { role: 'user', content: CONTENT });
  // The SDK's share is measured over the very window a turn sees once the
  // conversation is longer than it: the last turn's, without its reply.
  for (let warm = 0; warm < DEFAULT_CHAT_SETTINGS.historyLimit; warm++) await turn();
  const { messages } = await store.conversations.getConversationHistory(
    fixture.userId,
    conversation.id,
    { limit: DEFAULT_CHAT_SETTINGS.historyLimit + 1 },
  );
  const reply = messages.at(-1);
  const [call] = recordedToolCalls(reply?.metadata ?? null);
  if (reply?.role !== 'assistant' || call === undefined)
    throw new Error('the chat bench turn made no tool call');
  const sdk = sdkTurn(messages.slice(0, -1), call);
  return {
    turn,
    samples: await interleave({ turn, 'AI SDK alone': sdk, save }, { concurrency: 1, ...TIMING }),
  };
}

function progress(label: string, samples: Record<string, Sample>): void {
  console.error(
    `  ${label}: ${Object.entries(samples)
      .map(([name, sample]) => `${name} ${ms(sample.p50)}`)
      .join(', ')} ms`,
  );
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`;

function table(header: string[], lines: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

const PEER_NAMES = ['Mastra', 'LangChain', 'ai-chatbot (Drizzle)'];

function printStore(rows: StoreRow[]): void {
  console.log('\nStore operations: p50 ms (ratio to the floor), todochat p95/p99 and ops/s');
  table(
    ['engine', 'operation', 'c', 'floor', 'todochat', 'p95', 'p99', 'ops/s', ...PEER_NAMES],
    rows.map((row) => {
      const floor = row.samples.floor?.p50;
      const ours = row.samples.todochat;
      const cell = (name: string) => {
        const sample = row.samples[name];
        return sample === undefined ? '-' : `${ms(sample.p50)} (${ratio(sample.p50, floor)})`;
      };
      return [
        row.engine,
        OPERATION_NAMES[row.operation] ?? row.operation,
        String(row.concurrency),
        ms(floor),
        cell('todochat'),
        ms(ours?.p95),
        ms(ours?.p99),
        ours?.opsPerSecond.toFixed(0) ?? '-',
        ...PEER_NAMES.map(cell),
      ];
    }),
  );
}

function printGrowth(rows: GrowthRow[]): void {
  console.log('\nGrowth: p50 ms of one page as the conversation / the user grows (c=1)');
  table(
    ['engine', 'operation', 'size', 'floor', 'todochat', 'ratio'],
    rows.map((row) => [
      row.engine,
      row.operation,
      row.size.toLocaleString('en'),
      ms(row.floor.p50),
      ms(row.todochat.p50),
      ratio(row.todochat.p50, row.floor.p50),
    ]),
  );
}

function printSamples(title: string, rows: { label: string; samples: Record<string, Sample> }[]) {
  console.log(`\n${title}`);
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.samples)))];
  table(
    ['', ...names],
    rows.map((row) => [
      row.label,
      ...names.map((name) => {
        const sample = row.samples[name];
        return sample === undefined
          ? '-'
          : `${ms(sample.p50)} (${ratio(sample.p50, row.samples.floor?.p50)})`;
      }),
    ]),
  );
}

/** The turn beside a bare save (the goal's unit) and beside the AI SDK's own share of it. */
function printChat(results: Record<string, EngineResult>): void {
  console.log('\nA chat turn with the built-in model, c=1: p50 ms');
  table(
    ['engine', 'turn', 'AI SDK alone', 'bare save', 'turn/save', 'AI SDK alone/save'],
    Object.entries(results).map(([engine, { chat }]) => {
      const turn = chat.turn?.p50;
      const sdk = chat['AI SDK alone']?.p50;
      const save = chat.save?.p50;
      return [engine, ms(turn), ms(sdk), ms(save), ratio(turn, save), ratio(sdk, save)];
    }),
  );
}

function printHttp(rows: HttpRow[]): void {
  console.log('\nHTTP under wrk (its own process) vs the same operation in process');
  table(
    [
      'engine',
      'request',
      'c',
      'HTTP ops/s',
      'p50',
      'p95',
      'p99',
      'store ops/s',
      'HTTP/store ops/s',
    ],
    rows.map((row) => [
      row.engine,
      row.request,
      String(row.concurrency),
      row.http.opsPerSecond.toFixed(0),
      ms(row.http.p50),
      ms(row.http.p95),
      ms(row.http.p99),
      row.store.opsPerSecond.toFixed(0),
      ratio(row.http.opsPerSecond, row.store.opsPerSecond),
    ]),
  );
}

function printCosts(rows: CostRow[]): void {
  console.log('\nWhat one call costs at the database (counted at the driver)');
  table(
    ['engine', 'call', 'round trips', 'statements', 'transactions'],
    rows.map((row) => [
      row.engine,
      row.operation,
      String(row.roundTrips),
      String(row.statements),
      String(row.transactions),
    ]),
  );
}

async function scratchDatabase(adminUrl: string) {
  const name = `todochat_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function genericPlan(url: string, fixture: Fixture): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare plan_probe(uuid, uuid, int) as ${HISTORY_SQL}`);
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `explain execute plan_probe('${fixture.userId}', '${fixture.big}', 50)`,
    );
    return result.rows
      .map((row) => row['QUERY PLAN'].trim().replace(/\s+\(cost=.*$/, ''))
      .join(' | ');
  } finally {
    await client.end();
  }
}

/** How many updates of conversations (one per saved message) were heap-only (HOT). */
async function hotUpdates(store: Store): Promise<{ updates: number; hot: number }> {
  // Statistics reach the shared view shortly after the transactions that made them.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const result = await sql<{ updates: string; hot: string }>`
    select n_tup_upd::text as updates, n_tup_hot_upd::text as hot
    from pg_stat_user_tables where relname = 'conversations'`.execute(store.database);
  const row = result.rows[0];
  return { updates: Number(row?.updates ?? 0), hot: Number(row?.hot ?? 0) };
}

interface EngineResult {
  hot?: { updates: number; hot: number };
  store: StoreRow[];
  growth: GrowthRow[];
  http: HttpRow[];
  costs: CostRow[];
  chat: Record<string, Sample>;
  variants?: { label: string; samples: Record<string, Sample> }[];
  plan?: string;
}

async function benchEngine(
  engine: 'pglite' | 'postgres',
  url: string | undefined,
): Promise<EngineResult> {
  console.error(engine === 'pglite' ? 'PGlite (in memory):' : 'PostgreSQL:');
  const counter = new TripCounter();
  const store = await openStore({
    ...(url === undefined
      ? { dataDir: 'memory://' }
      : { databaseUrl: url, pool: { max: 16, statementTimeoutMs: 600_000 } }),
    onRoundTrip: counter.listener,
  });
  const floorPool = url === undefined ? undefined : new pg.Pool({ connectionString: url, max: 16 });
  const floor: Floor =
    floorPool === undefined
      ? (text, _name, values) => store.database.executeQuery(CompiledQuery.raw(text, values))
      : (text, name, values) => floorPool.query({ name, text, values });
  const peers: Peer[] = [];
  try {
    if (url !== undefined) {
      const data = { small: SMALL, big: BIG, conversations: LIST };
      console.error('  seeding the peers');
      peers.push(await mastraPeer(url, data));
      peers.push(await langchainPeer(url, data));
      peers.push(await drizzlePeer(url, data));
    }
    const { rows, fixture } = await runStoreBench(engine, store, floor, peers);
    const result: EngineResult = {
      hot: await hotUpdates(store),
      store: rows,
      growth: [],
      http: [],
      costs: [],
      chat: {},
    };
    if (url !== undefined) {
      const variants = variantContenders(url, fixture, store.database);
      result.variants = [];
      for (const [label, contenders] of Object.entries(variants.operations)) {
        const samples = await interleave(contenders, { concurrency: 1, ...TIMING });
        result.variants.push({ label, samples });
        progress(`${engine} variants: ${label}`, samples);
      }
      await variants.close();
      result.plan = await genericPlan(url, fixture);
    }
    const http = await httpBench({
      engine,
      store,
      fixture,
      counter,
      concurrency: CONCURRENCY,
      durationSeconds: QUICK ? 2 : 5,
      timing: TIMING,
    });
    result.http = http.rows;
    const chat = await runChatBench(store, fixture);
    result.chat = chat.samples;
    progress(`${engine} chat turn`, chat.samples);
    const ops = storeOperations(store, fixture, floor);
    result.costs = [
      ...(await costs(engine, counter, {
        saveMessage: () => ops.save.todochat(0),
        getConversationHistory: () => ops.historySmall.todochat(),
        getUserConversations: () => ops.list.todochat(),
        'saveMessage with an idempotency key': () =>
          store.conversations.saveMessage(fixture.userId, fixture.writers[0] ?? '', {
            role: 'user',
            content: CONTENT,
            idempotencyKey: randomUUID(),
          }),
        addTask: () => store.tasks.addTask(fixture.userId, { title: 'buy milk' }),
        'chat turn (built-in model)': chat.turn,
      })),
      ...http.costs,
    ];
    result.growth = await runGrowth(engine, store, floor);
    return result;
  } finally {
    for (const peer of peers) await peer.close();
    await floorPool?.end();
    await store.close();
  }
}

const started = Date.now();
const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const results: Record<string, EngineResult> = {};
if (flags.engine === undefined || flags.engine === 'pglite') {
  results.pglite = await benchEngine('pglite', undefined);
}
if ((flags.engine === undefined || flags.engine === 'postgres') && (adminUrl ?? '') !== '') {
  const scratch = await scratchDatabase(adminUrl ?? '');
  try {
    results.postgres = await benchEngine('postgres', scratch.url);
  } finally {
    await scratch.drop();
  }
} else if (flags.engine === 'postgres') {
  console.error('Set DATABASE_URL (or TEST_DATABASE_URL) to benchmark PostgreSQL.');
}

const all = Object.values(results);
printStore(all.flatMap((result) => result.store));
for (const result of all) {
  if (result.variants !== undefined)
    printSamples(
      'Ways to send the row-level-security transaction, PostgreSQL, c=1: p50 ms (ratio to the floor)',
      result.variants,
    );
}
printGrowth(all.flatMap((result) => result.growth));
printHttp(all.flatMap((result) => result.http));
printChat(results);
printCosts(all.flatMap((result) => result.costs));
for (const [engine, result] of Object.entries(results)) {
  if (result.hot !== undefined)
    console.log(
      `\n${engine}: ${result.hot.hot.toLocaleString('en')} of ${result.hot.updates.toLocaleString('en')} conversation updates were heap-only (HOT)`,
    );
}
const plan = results.postgres?.plan;
if (plan !== undefined)
  console.log(
    `\nGeneric plan of the history statement (plan_cache_mode = force_generic_plan):\n  ${plan}`,
  );
console.log(
  `\nThe peers run on PostgreSQL only. LangChain and ai-chatbot read whole histories; Mastra reads the newest 50 without a total count.`,
);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
const file = new URL(
  `results/${new Date().toISOString().replaceAll(':', '-')}.json`,
  import.meta.url,
);
const seconds = (Date.now() - started) / 1000;
// The runtime moves the chat turn most (the AI SDK's web streams), so a
// run says which one it measured.
const runtime = `Node ${process.versions.node}`;
writeFileSync(
  file,
  JSON.stringify({ quick: QUICK, timing: TIMING, runtime, results, seconds }, null, 2),
);
console.log(`\n${seconds.toFixed(0)} s on ${runtime}; figures in ${file.pathname}`);
