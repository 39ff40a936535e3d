// Opaque pagination cursors. They carry exact database keys (a message's
// seq; a conversation's updated_at as text with microseconds, plus its id),
// never a JavaScript Date, which would drop PostgreSQL's microseconds.
import { ValidationError } from '../errors.ts';

const MESSAGE_PREFIX = 'm1.';
const CONVERSATION_PREFIX = 'c1.';
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
// message.seq is a PostgreSQL integer.
const MAX_SEQ = 2 ** 31 - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function encode(prefix: string, parts: readonly (string | number)[]): string {
  return prefix + Buffer.from(parts.join('|'), 'utf8').toString('base64url');
}

function decode(prefix: string, cursor: string, field: string): string[] {
  if (!cursor.startsWith(prefix)) throw invalid(field);
  return Buffer.from(cursor.slice(prefix.length), 'base64url').toString('utf8').split('|');
}

function invalid(field: string): ValidationError {
  return ValidationError.field(field, 'is not a cursor this API returned; start again without it');
}

export function encodeMessageCursor(seq: number): string {
  return encode(MESSAGE_PREFIX, [seq]);
}

export function decodeMessageCursor(cursor: string, field: string): number {
  const [seq, ...rest] = decode(MESSAGE_PREFIX, cursor, field);
  const value = Number(seq);
  if (
    rest.length > 0 ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value > MAX_SEQ ||
    String(value) !== seq
  ) {
    throw invalid(field);
  }
  return value;
}

/**
 * The shape alone lets `9999-99-99T99:99:99` through to SQL: a timestamp
 * must also name a real instant, which it does when JavaScript reads it back
 * unchanged (Date rolls an impossible day or hour over instead of refusing).
 */
function isRealTimestamp(text: string): boolean {
  const millis = TIMESTAMP.exec(text)?.[1];
  if (millis === undefined || millis.startsWith('0000')) return false;
  const date = new Date(`${millis}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString() === `${millis}Z`;
}

export interface ConversationPosition {
  /** updated_at as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, microseconds intact. */
  updatedAt: string;
  id: string;
}

// A timestamp as the server writes it under DateStyle ISO, which every
// transaction asks for: seconds, then up to six digits of fraction with
// trailing zeros dropped (none at all on a whole second).
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

/**
 * The position of conversation `id` whose updated_at the server wrote in UTC
 * as `text` (`(updated_at at time zone 'UTC')::text`).
 */
export function positionFromUtc(text: string, id: string): ConversationPosition {
  const match = UTC_TIMESTAMP.exec(text);
  if (match === null) throw new Error(`updated_at came back as ${text}, not as an ISO timestamp`);
  const [, date, time, fraction = ''] = match;
  return { updatedAt: `${date}T${time}.${fraction.padEnd(6, '0')}Z`, id };
}

export function encodeConversationCursor(position: ConversationPosition): string {
  return encode(CONVERSATION_PREFIX, [position.updatedAt, position.id]);
}

export function decodeConversationCursor(cursor: string, field: string): ConversationPosition {
  const [updatedAt, id, ...rest] = decode(CONVERSATION_PREFIX, cursor, field);
  if (
    rest.length > 0 ||
    updatedAt === undefined ||
    id === undefined ||
    !isRealTimestamp(updatedAt) ||
    !UUID.test(id)
  ) {
    throw invalid(field);
  }
  return { updatedAt, id };
}
