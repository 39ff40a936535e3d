// npm run bench [-- --quick] [-- --engine pglite|postgres]
//
// Measures the store on embedded PGlite and, when DATABASE_URL (or
// TEST_DATABASE_URL) is set, on that PostgreSQL server, against baselines
// measured in the same run and interleaved with it:
//   - the floor: the same SQL sent straight through the driver, with no
//     service layer and no row-level-security transaction;
//   - LangChain's PostgresChatMessageHistory, what a user would otherwise pick
//     (PostgreSQL only);
// then the HTTP path (the real server on loopback) and a chat turn with the
// built-in model, each beside the store-level figure it builds on. Prints a
// table of ratios and writes every figure to bench/results/<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { HumanMessage } from '@langchain/core/messages';
import { PostgresChatMessageHistory } from '@langchain/community/stores/message/postgres';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { TokenService } from '../src/auth/token.service.ts';
import { createChatModel } from '../src/chat/chat-model.ts';
import { ChatService } from '../src/chat/chat.service.ts';
import { openStore, type Store } from '../src/store.ts';
import { interleave, type Operation, type Sample } from './runner.ts';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, engine: { type: 'string' } },
});
const TIMING = flags.quick
  ? { rounds: 2, sliceMs: 250, warmupMs: 100 }
  : { rounds: 5, sliceMs: 700, warmupMs: 300 };
const BIG = 100_000;
const SMALL = 100;

// The statements the services send, here without the service and without the
// transaction that switches to the row-level-security role.
const SAVE_SQL = `with conversation as (
    update conversations set message_count = message_count + 1
    where user_id = $1 and id = $2 returning message_count)
  insert into messages (user_id, conversation_id, seq, role, content, metadata, idempotency_key)
  select $1, $2, conversation.message_count, $3, $4, $5::jsonb, $6 from conversation
  returning id, user_id, conversation_id, seq, role, content, metadata, created_at`;
const HISTORY_SQL = `select c.message_count, m.* from conversations c
  left join lateral (
    select id, user_id, conversation_id, seq, role, content, metadata, created_at from messages
    where user_id = $1 and conversation_id = $2 order by seq desc limit $3) m on true
  where c.user_id = $1 and c.id = $2`;
const LIST_SQL = `select * from (
    (select * from conversations where user_id = $1 and status = 'active' order by updated_at desc, id desc limit $2)
    union all
    (select * from conversations where user_id = $1 and status = 'archived' order by updated_at desc, id desc limit $2)
  ) as page order by updated_at desc, id desc limit $2`;

interface Row {
  engine: string;
  operation: string;
  concurrency: number;
  ours: Sample;
  floor?: Sample;
  langchain?: Sample;
  /** For the HTTP and chat rows: the store-level figure they build on. */
  base?: Sample;
  baseName?: string;
}

interface Fixture {
  userId: string;
  small: string;
  big: string;
  /** One conversation per worker, for saves. */
  writers: string[];
  listUser: string;
}

type Floor = (text: string, name: string, values: unknown[]) => Promise<unknown>;

async function seed(store: Store): Promise<Fixture> {
  const db = store.database;
  const user = await store.users.createUser({ email: `bench-${randomUUID()}@example.com` });
  const listUser = await store.users.createUser({
    email: `bench-list-${randomUUID()}@example.com`,
  });
  const small = await store.conversations.createConversation(user.id, { title: 'small' });
  const big = await store.conversations.createConversation(user.id, { title: 'big' });
  const writers: string[] = [];
  for (let i = 0; i < 32 * 3; i++)
    writers.push((await store.conversations.createConversation(user.id)).id);
  await db.transaction().execute(async (trx) => {
    for (const [id, count] of [
      [small.id, SMALL],
      [big.id, BIG],
    ] as const) {
      await sql`insert into messages (user_id, conversation_id, seq, role, content)
        select ${user.id}, ${id}, i, case when i % 2 = 1 then 'user' else 'assistant' end,
               'message number ' || i || ' of a conversation about groceries and bills'
        from generate_series(1, ${count}) as i`.execute(trx);
      await sql`update conversations set message_count = ${count} where id = ${id}`.execute(trx);
    }
    // The list user's 500 conversations among 20 other users' 100 each.
    await sql`insert into users (email) select 'bench-other-' || i || '-' || ${randomUUID()} || '@example.com'
      from generate_series(1, 20) as i`.execute(trx);
    await sql`insert into conversations (user_id, status, updated_at)
      select u.id, case when i % 5 = 0 then 'archived' else 'active' end, now() - i * interval '1 minute'
      from users u cross join generate_series(1, 100) as i where u.email like 'bench-other-%'`.execute(
      trx,
    );
    await sql`insert into conversations (user_id, status, updated_at)
      select ${listUser.id}, case when i % 5 = 0 then 'archived' else 'active' end, now() - i * interval '1 minute'
      from generate_series(1, 500) as i`.execute(trx);
  });
  await sql`analyze`.execute(db);
  return { userId: user.id, small: small.id, big: big.id, writers, listUser: listUser.id };
}

async function seedLangchain(pool: pg.Pool, table: string): Promise<void> {
  // Created as LangChain creates it (ensureTable), then filled in bulk.
  await new PostgresChatMessageHistory({ pool, sessionId: 'init', tableName: table }).getMessages();
  for (const [session, count] of [
    ['small', SMALL],
    ['big', BIG],
  ] as const) {
    await pool.query(
      `insert into ${table} (session_id, message)
       select $1, jsonb_build_object('type', case when i % 2 = 1 then 'human' else 'ai' end,
         'content', 'message number ' || i || ' of a conversation about groceries and bills',
         'additional_kwargs', '{}'::jsonb, 'response_metadata', '{}'::jsonb)
       from generate_series(1, $2::int) as i`,
      [session, count],
    );
  }
  await pool.query(`analyze ${table}`);
}

function storeContenders(store: Store, fixture: Fixture, floor: Floor, offset: number) {
  const { conversations } = store;
  const content = 'add a task to buy milk and bread';
  return {
    save: {
      ours: (worker: number) =>
        conversations.saveMessage(fixture.userId, fixture.writers[offset + worker] ?? '', {
          role: 'user',
          content,
        }),
      floor: (worker: number) =>
        floor(SAVE_SQL, 'bench_save', [
          fixture.userId,
          fixture.writers[32 + offset + worker],
          'user',
          content,
          null,
          null,
        ]),
    },
    historySmall: {
      ours: () => conversations.getConversationHistory(fixture.userId, fixture.small),
      floor: () => floor(HISTORY_SQL, 'bench_history', [fixture.userId, fixture.small, 50]),
    },
    historyBig: {
      ours: () => conversations.getConversationHistory(fixture.userId, fixture.big),
      floor: () => floor(HISTORY_SQL, 'bench_history', [fixture.userId, fixture.big, 50]),
    },
    list: {
      ours: () => conversations.getUserConversations(fixture.listUser, { limit: 20 }),
      floor: () => floor(LIST_SQL, 'bench_list', [fixture.listUser, 20]),
    },
  } satisfies Record<string, Record<string, Operation>>;
}

function langchainContenders(pool: pg.Pool, table: string) {
  const history = (sessionId: string) =>
    new PostgresChatMessageHistory({ pool, sessionId, tableName: table });
  const small = history('small');
  const big = history('big');
  const writers = Array.from({ length: 32 }, (_, i) => history(`writer-${i}`));
  return {
    save: (worker: number) =>
      writers[worker]?.addMessage(new HumanMessage('add a task to buy milk and bread')) ??
      Promise.resolve(),
    historySmall: () => small.getMessages(),
    historyBig: () => big.getMessages(),
  };
}

async function planOfFloorHistory(pool: pg.Pool, fixture: Fixture): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare plan_probe(uuid, uuid, int) as ${HISTORY_SQL}`);
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `explain execute plan_probe('${fixture.userId}', '${fixture.big}', 50)`,
    );
    await client.query('deallocate plan_probe');
    await client.query('reset plan_cache_mode');
    return result.rows
      .map((row) => row['QUERY PLAN'].trim().replace(/\s+\(cost=.*$/, ''))
      .join(' | ');
  } finally {
    client.release();
  }
}

async function runStoreBench(
  engine: string,
  store: Store,
  floor: Floor,
  langchain?: ReturnType<typeof langchainContenders>,
) {
  const fixture = await seed(store);
  const rows: Row[] = [];
  for (const concurrency of [1, 8]) {
    const contenders = storeContenders(store, fixture, floor, 0);
    for (const [operation, pair] of Object.entries(contenders)) {
      const peer = langchain?.[operation as keyof typeof langchain];
      const results = await interleave(peer === undefined ? pair : { ...pair, langchain: peer }, {
        concurrency,
        ...TIMING,
      });
      rows.push({
        engine,
        operation,
        concurrency,
        ours: results.ours as Sample,
        floor: results.floor,
        langchain: results.langchain,
      });
      log(rows.at(-1));
    }
  }
  return { rows, fixture };
}

async function runHttpBench(engine: string, store: Store, fixture: Fixture): Promise<Row[]> {
  const tokens = new TokenService({ secret: randomBytes(32).toString('hex'), ttlSeconds: 3600 });
  const app = createApp({ store, tokens, logger: pino({ level: 'silent' }) });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/chat/conversations`;
  const headers = {
    Authorization: `Bearer ${(await tokens.issue(fixture.userId)).token}`,
    'Content-Type': 'application/json',
  };
  const body = JSON.stringify({ role: 'user', content: 'add a task to buy milk and bread' });
  const contenders = storeContenders(store, fixture, () => Promise.resolve(), 64);
  const rows: Row[] = [];
  try {
    for (const concurrency of [1, 8, 32]) {
      const post: Operation = async (worker) => {
        const response = await fetch(`${base}/${fixture.writers[worker % 32] ?? ''}/messages`, {
          method: 'POST',
          headers,
          body,
        });
        if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
        await response.arrayBuffer();
      };
      const get: Operation = async () => {
        const response = await fetch(`${base}/${fixture.small}/messages?limit=50`, { headers });
        if (response.status !== 200) throw new Error(`GET answered ${response.status}`);
        await response.arrayBuffer();
      };
      const saves = await interleave(
        { http: post, store: contenders.save.ours },
        { concurrency, ...TIMING },
      );
      rows.push({
        engine,
        operation: 'POST messages',
        concurrency,
        ours: saves.http as Sample,
        base: saves.store,
        baseName: 'saveMessage',
      });
      log(rows.at(-1));
      const reads = await interleave(
        { http: get, store: contenders.historySmall.ours },
        { concurrency, ...TIMING },
      );
      rows.push({
        engine,
        operation: 'GET messages',
        concurrency,
        ours: reads.http as Sample,
        base: reads.store,
        baseName: 'history page',
      });
      log(rows.at(-1));
    }
  } finally {
    server.close();
  }
  return rows;
}

async function runChatBench(engine: string, store: Store, fixture: Fixture): Promise<Row> {
  const chat = new ChatService({
    database: store.database,
    tasks: store.tasks,
    model: createChatModel({ provider: 'builtin' }),
  });
  const conversation = await store.conversations.createConversation(fixture.userId, {
    title: 'chat bench',
  });
  const saveTarget = fixture.writers[90] ?? '';
  const results = await interleave(
    {
      turn: () =>
        chat.runTurn({
          userId: fixture.userId,
          conversationId: conversation.id,
          message: 'add a task to buy milk',
        }),
      save: () =>
        store.conversations.saveMessage(fixture.userId, saveTarget, {
          role: 'user',
          content: 'add a task to buy milk',
        }),
    },
    { concurrency: 1, ...TIMING },
  );
  const row: Row = {
    engine,
    operation: 'chat turn (builtin)',
    concurrency: 1,
    ours: results.turn as Sample,
    base: results.save,
    baseName: 'saveMessage',
  };
  log(row);
  return row;
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`;

function log(row: Row | undefined): void {
  if (row === undefined) return;
  console.error(
    `  ${row.engine} ${row.operation} c=${row.concurrency}: ${row.ours.opsPerSecond.toFixed(0)} ops/s, p50 ${ms(row.ours.p50)} ms`,
  );
}

function printTable(rows: Row[]): void {
  const header = [
    'engine',
    'operation',
    'c',
    'ops/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'baseline p50',
    'ours/baseline p50',
    'LangChain p50',
    'ours/LangChain p50',
    'ours/LangChain ops/s',
  ];
  const lines = rows.map((row) => {
    const baseline = row.floor ?? row.base;
    return [
      row.engine,
      row.baseName === undefined ? row.operation : `${row.operation} (vs ${row.baseName})`,
      String(row.concurrency),
      row.ours.opsPerSecond.toFixed(0),
      ms(row.ours.p50),
      ms(row.ours.p95),
      ms(row.ours.p99),
      row.floor !== undefined
        ? `floor ${ms(baseline?.p50)}`
        : row.base !== undefined
          ? `store ${ms(baseline?.p50)}`
          : '-',
      ratio(row.ours.p50, baseline?.p50),
      row.langchain === undefined ? 'n/a' : ms(row.langchain.p50),
      ratio(row.ours.p50, row.langchain?.p50),
      row.langchain === undefined
        ? 'n/a'
        : ratio(row.ours.opsPerSecond, row.langchain.opsPerSecond),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

function printTargets(rows: Row[]): void {
  for (const engine of new Set(rows.map((row) => row.engine))) {
    const find = (operation: string, concurrency = 1) =>
      rows.find(
        (row) =>
          row.engine === engine && row.operation === operation && row.concurrency === concurrency,
      );
    const save = find('save');
    const small = find('historySmall');
    const big = find('historyBig');
    console.log(
      `${engine}: saveMessage p50 ${ratio(save?.ours.p50, save?.floor?.p50)} of the floor (target <= 1.50x); ` +
        `history page at ${BIG} vs ${SMALL} messages: ${ratio(big?.ours.p50, small?.ours.p50)} (target ~1.00x)`,
    );
  }
}

async function scratchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
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

async function benchPglite(): Promise<Row[]> {
  console.error('PGlite (in memory):');
  const store = await openStore({ dataDir: 'memory://' });
  try {
    const floor: Floor = (text, _name, values) =>
      store.database.executeQuery(CompiledQuery.raw(text, values));
    const { rows, fixture } = await runStoreBench('pglite', store, floor);
    rows.push(...(await runHttpBench('pglite', store, fixture)));
    rows.push(await runChatBench('pglite', store, fixture));
    return rows;
  } finally {
    await store.close();
  }
}

async function benchPostgres(adminUrl: string): Promise<{ rows: Row[]; plan: string }> {
  console.error('PostgreSQL:');
  const scratch = await scratchDatabase(adminUrl);
  const store = await openStore({ databaseUrl: scratch.url, pool: { max: 16 } });
  const pool = new pg.Pool({ connectionString: scratch.url, max: 16 });
  try {
    await seedLangchain(pool, 'langchain_messages');
    const floor: Floor = (text, name, values) => pool.query({ name, text, values });
    const { rows, fixture } = await runStoreBench(
      'postgres',
      store,
      floor,
      langchainContenders(pool, 'langchain_messages'),
    );
    const plan = await planOfFloorHistory(pool, fixture);
    rows.push(...(await runHttpBench('postgres', store, fixture)));
    rows.push(await runChatBench('postgres', store, fixture));
    return { rows, plan };
  } finally {
    await pool.end();
    await store.close();
    await scratch.drop();
  }
}

const started = Date.now();
const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const rows: Row[] = [];
let plan: string | undefined;
if (flags.engine === undefined || flags.engine === 'pglite') rows.push(...(await benchPglite()));
if (
  (flags.engine === undefined || flags.engine === 'postgres') &&
  adminUrl !== undefined &&
  adminUrl !== ''
) {
  const result = await benchPostgres(adminUrl);
  rows.push(...result.rows);
  plan = result.plan;
} else if (flags.engine === 'postgres') {
  console.error('Set DATABASE_URL (or TEST_DATABASE_URL) to benchmark PostgreSQL.');
}

console.log();
printTable(rows);
console.log();
printTargets(rows);
if (plan !== undefined)
  console.log(
    `\nGeneric plan of the floor's history statement (plan_cache_mode = force_generic_plan):\n  ${plan}`,
  );
console.log(
  "\nLangChain's getMessages returns the whole history (it has no limit) from a table with no index on session_id;" +
    ' its rows are the same two lengths.',
);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
const file = new URL(
  `results/${new Date().toISOString().replaceAll(':', '-')}.json`,
  import.meta.url,
);
writeFileSync(
  file,
  JSON.stringify({ timing: TIMING, rows, plan, seconds: (Date.now() - started) / 1000 }, null, 2),
);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; figures in ${file.pathname}`);
