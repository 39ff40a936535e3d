import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { parseIsoTimestamptz, timestamptzParser } from './timestamps.ts';

const pgParse = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (
  text: string,
) => unknown;

/** A timestamptz as the server writes it under DateStyle ISO: trailing zeros of the fraction dropped. */
function serverText(ms: number, micros: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  const fraction = (
    String(ms % 1000 < 0 ? (ms % 1000) + 1000 : ms % 1000).padStart(3, '0') +
    String(micros).padStart(3, '0')
  ).replace(/0+$/, '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = Math.abs(offsetMinutes) % 60;
  const offset = sign + hours + (minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`);
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`}${offset}`;
}

describe('parseIsoTimestamptz', () => {
  it('reads what the server writes the way pg and PGlite do', () => {
    // A fixed walk, so that a failure names the same text on every run.
    let seed = 20261206;
    const next = (limit: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % limit;
    };
    const offsets = [0, 60, -300, 330, 345, -210, 840, -720];
    for (let i = 0; i < 2000; i++) {
      // 1900 to 2100, to the millisecond, with or without microseconds.
      const ms = -2_208_988_800_000 + next(200 * 365) * 86_400_000 + next(86_400_000);
      const text = serverText(ms, i % 3 === 0 ? 0 : next(1000), offsets[i % offsets.length] ?? 0);
      const parsed = parseIsoTimestamptz(text);
      assert.ok(parsed instanceof Date, text);
      assert.equal(parsed.getTime(), ms, text);
      assert.equal(parsed.getTime(), (pgParse(text) as Date).getTime(), text);
      assert.equal(parsed.getTime(), (pgliteTypes.parsers[1184]?.(text) as Date).getTime(), text);
    }
  });

  for (const [text, iso] of [
    ['2026-12-06 13:41:11.593046+00', '2026-12-06T13:41:11.593Z'],
    ['2026-12-06 13:41:11+00', '2026-12-06T13:41:11.000Z'],
    ['2026-12-06 13:41:11.5+00', '2026-12-06T13:41:11.500Z'],
    ['2026-12-06 13:41:11.999999+00', '2026-12-06T13:41:11.999Z'],
    ['2026-12-06 19:11:11.04+05:30', '2026-12-06T13:41:11.040Z'],
    ['2026-12-06 08:41:11-05', '2026-12-06T13:41:11.000Z'],
    ['2027-01-01 00:30:00-03:30', '2027-01-01T04:00:00.000Z'],
    ['0100-03-01 00:00:00+00', '0100-03-01T00:00:00.000Z'],
    ['9999-12-31 23:59:59.999+00', '9999-12-31T23:59:59.999Z'],
    ['1850-01-01 00:00:00-04:56:02', '1850-01-01T04:56:02.000Z'],
    ['1900-01-01 05:21:10.5+05:21:10', '1900-01-01T00:00:00.500Z'],
  ] as const) {
    it(`reads ${text} as ${iso}`, () => {
      assert.equal(parseIsoTimestamptz(text)?.toISOString(), iso);
    });
  }

  for (const text of [
    'infinity',
    '-infinity',
    '2026-12-06 13:41:11+00 BC',
    '0050-01-01 00:00:00+00',
    '12026-12-06 13:41:11+00',
    '12/06/2026 13:41:11.59 UTC',
    'Sun Dec 06 13:41:11.59 2026 UTC',
    '2026-12-06T13:41:11Z',
    '2026-12-06 13:41:11',
    '2026-12-06 13:41:1x+00',
    '2026-12-06 13:41:11+0',
    '2026-12-06 13:41:11+05:3',
    '2026-12-06 13:41:11+05-30',
    '2026-12-06 13:41:11+05:30-00',
    '',
  ]) {
    it(`leaves ${JSON.stringify(text)} to the engine's parser`, () => {
      assert.equal(parseIsoTimestamptz(text), undefined);
      const parse = timestamptzParser(pgParse);
      // Compared as text, so that Infinity, null and Invalid Date compare too.
      assert.equal(String(parse(text)), String(pgParse(text)));
    });
  }
});
