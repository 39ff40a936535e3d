import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoTime } from './iso-time.ts';

describe('isoTime', () => {
  it('writes what toISOString writes, across the years a timestamp column holds', () => {
    const edges = [
      '1000-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T12:34:56.007Z',
      '2026-12-07T09:05:03.050Z',
      '9999-12-31T23:59:59.999Z',
    ].map((text) => new Date(text));
    const random = Array.from(
      { length: 20_000 },
      // From year 1000 to 9999, at any millisecond.
      () => new Date(-30_610_224_000_000 + Math.floor(Math.random() * 284_012_524_800_000)),
    );
    for (const date of [...edges, ...random]) assert.equal(isoTime(date), date.toISOString());
  });

  it('leaves other years to toISOString: short, signed and extended', () => {
    for (const text of [
      '0999-06-01T00:00:00.000Z',
      '0001-01-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
    ]) {
      const date = new Date(text);
      assert.equal(isoTime(date), date.toISOString());
      assert.equal(isoTime(date), text);
    }
  });

  it('throws for an invalid Date, as toISOString does', () => {
    assert.throws(() => isoTime(new Date(Number.NaN)), RangeError);
  });
});
