// Rows read through the store's drivers, which build them from the
// protocol's messages (src/db/drivers.ts): every value must read as the
// engine's own client reads it (pg's query; PGlite's), however many pieces
// the answer arrives in, and every command report the rows it touched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, sql } from 'kysely';
import pg from 'pg';
import { PGLITE_PARSERS, pgliteDialect } from '../../src/db/drivers.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';

// One of each type the schema uses, and the ones a raw query may bring back.
const VALUES = `select 1::int4 as int4, 9007199254740993::int8 as int8, 1.50::numeric as numeric,
  2.5::float8 as float8, true as bool, 'café ☕'::text as text, null::text as nothing,
  '{"a":[1,{"b":null}]}'::jsonb as jsonb, '00000000-0000-4000-8000-000000000001'::uuid as uuid,
  '2026-12-07 03:22:07.123456+00'::timestamptz as timestamptz, '2026-12-24'::date as date,
  array['a', null, 'b c']::text[] as text_array, '\\xdeadbeef'::bytea as bytea,
  '1 day 2 hours'::interval as interval, 'x' as "__proto__", 1 as same, 2 as same`;

/** Our rows for VALUES equal the engine's own, and are plain objects. */
function assertReadAlike(ours: readonly unknown[], theirs: readonly unknown[] | undefined): void {
  assert.deepEqual(ours, theirs);
  const [row] = ours as Record<string, unknown>[];
  assert.ok(row !== undefined);
  assert.equal(Object.getPrototypeOf(row), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, 'x');
  assert.equal(row.same, 2);
  assert.ok(row.timestamptz instanceof Date);
}

const postgres = testEngines().find((engine) => engine.name === 'postgres');

describe('rows read by the PostgreSQL driver', { skip: postgres === undefined }, () => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  let pool: pg.Pool | undefined;
  const opened = (): Store => {
    if (store === undefined) throw new Error('the store opens in before()');
    return store;
  };

  before(async () => {
    if (postgres === undefined) return;
    database = await postgres.migrated();
    store = await openStore({ ...database.options, migrate: false });
    pool = new pg.Pool({ connectionString: database.options.databaseUrl });
  });
  after(async () => {
    await pool?.end();
    await store?.close();
    await database?.dispose();
  });

  it('hold every value as pg itself reads it', async () => {
    const ours = (await opened().database.executeQuery(CompiledQuery.raw(VALUES))).rows;
    const theirs = (await pool?.query(VALUES))?.rows;
    assertReadAlike(ours, theirs);
  });

  it('report the rows a command touched, and none for one that touches none', async () => {
    // One transaction, so the temporary table stays on one connection.
    await opened()
      .database.transaction()
      .execute(async (db) => {
        await sql`create temporary table counted (n int) on commit drop`.execute(db);
        const inserted = await sql`insert into counted select generate_series(1, 3)`.execute(db);
        assert.equal(inserted.numAffectedRows, 3n);
        const updated = await sql`update counted set n = n + 1 where n > 1`.execute(db);
        assert.equal(updated.numAffectedRows, 2n);
        const deleted = await sql`delete from counted where n > 100`.execute(db);
        assert.equal(deleted.numAffectedRows, 0n);
        const selected = await sql<{ n: number }>`select n from counted order by n`.execute(db);
        assert.deepEqual(selected.rows, [{ n: 1 }, { n: 3 }, { n: 4 }]);
        assert.equal(selected.numAffectedRows, undefined);
      });
  });
});

describe('rows read by the PGlite driver', () => {
  let pglite: PGlite | undefined;
  let db: Kysely<unknown> | undefined;
  const opened = (): { pglite: PGlite; db: Kysely<unknown> } => {
    if (pglite === undefined || db === undefined) throw new Error('PGlite opens in before()');
    return { pglite, db };
  };

  before(async () => {
    pglite = await PGlite.create({ parsers: PGLITE_PARSERS });
    db = new Kysely<unknown>({ dialect: pgliteDialect(pglite) });
  });
  after(async () => {
    await db?.destroy();
  });

  it('hold every value as PGlite itself reads it', async () => {
    const { pglite, db } = opened();
    const ours = (await db.executeQuery(CompiledQuery.raw(VALUES))).rows;
    const theirs = (await pglite.query(VALUES)).rows;
    assertReadAlike(ours, theirs);
  });

  it("read an answer larger than one piece of PGlite's output whole", async () => {
    const { pglite, db } = opened();
    // Multibyte characters, so that pieces can end inside a character; many
    // rows, so that they end inside messages; and one value of 2 MB.
    const text = `select i, repeat('é☕', i % 50) as word,
        case when i = 7 then repeat('x', 2000000) end as big
      from generate_series(1, $1::int) as i`;
    const ours = (await db.executeQuery(CompiledQuery.raw(text, [20000]))).rows as {
      i: number;
      word: string;
      big: string | null;
    }[];
    assert.equal(ours.length, 20000);
    for (const [index, row] of ours.entries()) {
      assert.equal(row.i, index + 1);
      assert.equal(row.word, 'é☕'.repeat((index + 1) % 50));
      assert.equal(row.big, row.i === 7 ? 'x'.repeat(2000000) : null);
    }
    const theirs = (await pglite.query(text, [20000])).rows;
    assert.deepEqual(ours, theirs);
  });

  it('report the rows a command touched, and an error without losing the session', async () => {
    const { db } = opened();
    await db.transaction().execute(async (trx) => {
      await sql`create temporary table counted (n int) on commit drop`.execute(trx);
      const inserted = await sql`insert into counted select generate_series(1, 3)`.execute(trx);
      assert.equal(inserted.numAffectedRows, 3n);
      const updated = await sql`update counted set n = n + 1 where n > ${1}`.execute(trx);
      assert.equal(updated.numAffectedRows, 2n);
      const selected = await sql<{ n: number }>`select n from counted order by n`.execute(trx);
      assert.deepEqual(selected.rows, [{ n: 1 }, { n: 3 }, { n: 4 }]);
    });
    await assert.rejects(sql`select 1 / ${0}::int`.execute(db), { code: '22012' });
    assert.deepEqual((await sql`select ${'still here'}::text as t`.execute(db)).rows, [
      { t: 'still here' },
    ]);
  });
});
