import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import {
  addDays,
  calendarDate,
  canonicalTimeZone,
  describeDue,
  formatDueIso,
  parseDue,
} from './due.ts';

// Tuesday 1 December 2026, 18:00 UTC: 19:00 in Paris, 13:00 in New York, 03:00 Wednesday in Tokyo.
const NOW = new Date('2026-12-01T18:00:00Z');

function rejects(text: string, zone = 'UTC') {
  assert.throws(
    () => parseDue(text, zone, NOW),
    (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'due',
    text,
  );
}

describe('canonicalTimeZone', () => {
  it('accepts IANA names, in any case, and returns the canonical spelling', () => {
    assert.equal(canonicalTimeZone('Europe/Paris'), 'Europe/Paris');
    assert.equal(canonicalTimeZone('europe/paris'), 'Europe/Paris');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(
      canonicalTimeZone('America/Argentina/Buenos_Aires'),
      'America/Argentina/Buenos_Aires',
    );
  });

  it('refuses unknown names, offsets and empty strings', () => {
    for (const name of ['Mars/Olympus', '+01:00', '', 'Europe/Paris; drop table', 'x'.repeat(65)]) {
      assert.equal(canonicalTimeZone(name), null, name);
    }
  });
});

describe('calendarDate and addDays', () => {
  it('names the day an instant falls on in each zone', () => {
    assert.equal(calendarDate(NOW, 'UTC'), '2026-12-01');
    assert.equal(calendarDate(NOW, 'Asia/Tokyo'), '2026-12-02');
    assert.equal(calendarDate(new Date('2026-12-01T03:00:00Z'), 'America/New_York'), '2026-11-30');
  });

  it('steps across month and year ends', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29');
  });
});

describe('parseDue', () => {
  const cases: [text: string, zone: string, date: string, at: string | null][] = [
    ['2026-12-04', 'Europe/Paris', '2026-12-04', null],
    ['2028-02-29', 'UTC', '2028-02-29', null],
    ['2026-12-04T17:00', 'Europe/Paris', '2026-12-04', '2026-12-04T16:00:00.000Z'],
    ['2026-07-04T17:00', 'Europe/Paris', '2026-07-04', '2026-07-04T15:00:00.000Z'],
    ['2026-12-04T17:00:00Z', 'UTC', '2026-12-04', '2026-12-04T17:00:00.000Z'],
    ['2026-12-04T23:30:00-05:00', 'Europe/Paris', '2026-12-05', '2026-12-05T04:30:00.000Z'],
    ['2026-12-04T17:00:00.250+0100', 'UTC', '2026-12-04', '2026-12-04T16:00:00.250Z'],
    ['tomorrow 5pm', 'America/New_York', '2026-12-02', '2026-12-02T22:00:00.000Z'],
    ['tomorrow', 'Asia/Tokyo', '2026-12-03', null],
    ['in 3 days', 'UTC', '2026-12-04', null],
    ['friday', 'UTC', '2026-12-04', null],
    ['by friday 9am', 'Europe/Paris', '2026-12-04', '2026-12-04T08:00:00.000Z'],
    ['today', 'Asia/Tokyo', '2026-12-02', null],
    // Winter now, summer then: the offset is the due day's, not today's.
    ['june 1 at 9am', 'Europe/Paris', '2027-06-01', '2027-06-01T07:00:00.000Z'],
  ];
  for (const [text, zone, date, at] of cases) {
    it(`reads "${text}" in ${zone}`, () => {
      const due = parseDue(text, zone, NOW);
      assert.equal(due.date, date);
      assert.equal(due.at?.toISOString() ?? null, at);
    });
  }

  it('refuses impossible dates and times', () => {
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2027-02-29',
      '2026-12-04T24:00',
      '2026-12-04T17:60',
    ]) {
      rejects(text);
    }
  });

  it('refuses text that names no date, or says more than a date', () => {
    for (const text of [
      '',
      '   ',
      'blah',
      'someday maybe',
      'buy milk tomorrow',
      '2026-1-1',
      '2026-12-04T17:00+25:00',
    ]) {
      rejects(text);
    }
  });
});

describe('formatDueIso and describeDue', () => {
  it('writes a date-only due as its day and a timed one in the user zone', () => {
    assert.equal(formatDueIso({ date: '2026-12-04', at: null }, 'Europe/Paris'), '2026-12-04');
    const due = parseDue('2026-12-04T17:00', 'Europe/Paris', NOW);
    assert.equal(formatDueIso(due, 'Europe/Paris'), '2026-12-04T17:00:00.000+01:00');
    assert.equal(
      describeDue({ date: '2026-12-04', at: null }, 'Asia/Tokyo'),
      'Friday, December 4, 2026',
    );
    assert.match(
      describeDue(due, 'Europe/Paris'),
      /^Friday, December 4, 2026 at 5:00\sPM \(Europe\/Paris\)$/,
    );
  });
});
