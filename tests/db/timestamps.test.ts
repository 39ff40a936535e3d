// Timestamps read through the store's drivers, which parse the server's ISO
// text themselves (src/db/timestamps.ts): the instant must be the one the
// server holds in every time zone the session may be in, and what the fast
// path does not read must read as the engine's own parser reads it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { types as pgliteTypes } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { describeStore } from '../support/databases.ts';

const ZONES = [
  'UTC',
  'Asia/Kolkata',
  'America/St_Johns',
  'Asia/Kathmandu',
  'America/New_York',
  'Pacific/Chatham',
];

const INSTANTS = [
  '2026-12-06 13:41:11.593046+00',
  '2026-12-06 13:41:11+00',
  '1969-12-31 23:59:59.999999+00',
  '1900-01-01 00:00:00.5+00',
  '2000-02-29 12:00:00.01+00',
  '2026-03-08 07:00:00+00',
  '9999-12-31 23:59:59.999+00',
];

describeStore('timestamptz values read through the drivers', (ctx) => {
  for (const zone of ZONES) {
    it(`are the server's instants with the session in ${zone}`, async () => {
      const rows = await ctx.store.database.transaction().execute(async (trx) => {
        await sql`select set_config('timezone', ${zone}, true)`.execute(trx);
        const result = await sql<{ at: Date; ms: number; text: string }>`
          select at, at::text as text, floor(extract(epoch from at) * 1000)::float8 as ms
          from unnest(${INSTANTS}::timestamptz[] || now()) as at`.execute(trx);
        return result.rows;
      });
      assert.equal(rows.length, INSTANTS.length + 1);
      for (const row of rows) {
        assert.ok(row.at instanceof Date, row.text);
        assert.equal(row.at.getTime(), row.ms, row.text);
      }
    });
  }

  it("reads what it does not parse itself as the engine's parser does", async () => {
    const engineParse =
      ctx.engine === 'postgres'
        ? (pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (t: string) => unknown)
        : (pgliteTypes.parsers[pgliteTypes.TIMESTAMPTZ] ?? String);
    const rows = await ctx.store.database.transaction().execute(async (trx) => {
      await sql`select set_config('timezone', 'America/New_York', true)`.execute(trx);
      const result = await sql<{ at: unknown; text: string }>`
        select at, at::text as text from unnest(array[
          'infinity', '-infinity', '0050-06-01 00:00:00+00', '2026-12-06 13:41:11 BC'
        ]::timestamptz[]) as at`.execute(trx);
      return result.rows;
    });
    assert.equal(rows.length, 4);
    for (const row of rows) assert.equal(String(row.at), String(engineParse(row.text)), row.text);
  });
});
