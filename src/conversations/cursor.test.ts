import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import {
  decodeConversationCursor,
  decodeMessageCursor,
  encodeConversationCursor,
  encodeMessageCursor,
  positionFromUtc,
} from './cursor.ts';

const ID = '0b6f3c1e-8d2a-4c57-9e0f-1a2b3c4d5e6f';
const forged = (prefix: string, text: string) =>
  prefix + Buffer.from(text, 'utf8').toString('base64url');

function refused(decode: () => unknown, field = 'cursor'): void {
  assert.throws(decode, (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.issues[0]?.field, field);
    assert.match(error.issues[0].message, /not a cursor this API returned/);
    return true;
  });
}

describe('message cursors', () => {
  for (const seq of [0, 1, 42, 2 ** 31 - 1]) {
    it(`round-trips seq ${seq}`, () => {
      assert.equal(decodeMessageCursor(encodeMessageCursor(seq), 'before'), seq);
    });
  }

  const bad: [string, string][] = [
    ['another prefix', forged('c1.', '1')],
    ['no prefix', 'MQ'],
    ['a negative number', forged('m1.', '-1')],
    ['a leading zero', forged('m1.', '01')],
    ['a fraction', forged('m1.', '1.5')],
    ['beyond the integer column', forged('m1.', String(2 ** 31))],
    ['beyond a safe integer', forged('m1.', '99999999999999999999')],
    ['an extra part', forged('m1.', '1|2')],
    ['empty', 'm1.'],
    ['text', forged('m1.', 'abc')],
    ['exponent notation', forged('m1.', '1e3')],
  ];
  for (const [label, cursor] of bad) {
    it(`refuses ${label}`, () => {
      refused(() => decodeMessageCursor(cursor, 'cursor'));
    });
  }
});

describe('conversation cursors', () => {
  const good = [
    '2026-12-01T18:48:27.123456Z',
    '2024-02-29T23:59:59.999999Z',
    '0001-01-01T00:00:00.000000Z',
    '9999-12-31T23:59:59.999999Z',
  ];
  for (const updatedAt of good) {
    it(`round-trips ${updatedAt}`, () => {
      const position = { updatedAt, id: ID };
      assert.deepEqual(
        decodeConversationCursor(encodeConversationCursor(position), 'cursor'),
        position,
      );
    });
  }

  const bad: [string, string][] = [
    ['an impossible date and time', '9999-99-99T99:99:99.999999Z'],
    ['February 30th', '2026-02-30T00:00:00.000000Z'],
    ['February 29th of a common year', '2025-02-29T00:00:00.000000Z'],
    ['month 13', '2026-13-01T00:00:00.000000Z'],
    ['day zero', '2026-01-00T00:00:00.000000Z'],
    ['hour 24', '2026-01-01T24:00:00.000000Z'],
    ['minute 60', '2026-01-01T23:60:00.000000Z'],
    ['a leap second', '2026-12-31T23:59:60.000000Z'],
    ['year zero', '0000-01-01T00:00:00.000000Z'],
    ['milliseconds only', '2026-01-01T00:00:00.000Z'],
    ['no zone', '2026-01-01T00:00:00.000000'],
    ['an offset', '2026-01-01T00:00:00.000000+01:00'],
  ];
  for (const [label, updatedAt] of bad) {
    it(`refuses ${label}`, () => {
      refused(() => decodeConversationCursor(forged('c1.', `${updatedAt}|${ID}`), 'cursor'));
    });
  }
  it('refuses an id that is not a UUID', () => {
    refused(() => decodeConversationCursor(forged('c1.', `${good[0]}|not-a-uuid`), 'cursor'));
  });
  it('refuses an extra part', () => {
    refused(() => decodeConversationCursor(forged('c1.', `${good[0]}|${ID}|x`), 'cursor'));
  });
  it('refuses a message cursor', () => {
    refused(() => decodeConversationCursor(encodeMessageCursor(3), 'cursor'));
  });
});

describe('a conversation position from the server’s UTC timestamp', () => {
  const written: [string, string][] = [
    ['2026-12-07 20:36:11', '2026-12-07T20:36:11.000000Z'],
    ['2026-12-07 20:36:11.1', '2026-12-07T20:36:11.100000Z'],
    ['2026-12-07 20:36:11.12', '2026-12-07T20:36:11.120000Z'],
    ['2026-12-07 20:36:11.000001', '2026-12-07T20:36:11.000001Z'],
    ['2026-12-07 20:36:11.12345', '2026-12-07T20:36:11.123450Z'],
    ['2026-12-07 20:36:11.999999', '2026-12-07T20:36:11.999999Z'],
    ['0050-01-01 00:00:00.5', '0050-01-01T00:00:00.500000Z'],
  ];
  for (const [text, updatedAt] of written) {
    it(`reads ${text} as ${updatedAt}, a position its cursor carries back`, () => {
      const position = positionFromUtc(text, ID);
      assert.deepEqual(position, { updatedAt, id: ID });
      assert.deepEqual(
        decodeConversationCursor(encodeConversationCursor(position), 'cursor'),
        position,
      );
    });
  }

  for (const text of ['2026-12-07 20:36:11+00', '10000-01-01 00:00:00', '0044-03-15 00:00:00 BC']) {
    it(`refuses ${text}, which no transaction of the store's writes`, () => {
      assert.throws(() => positionFromUtc(text, ID), /not as an ISO timestamp/);
    });
  }
});
