// Due dates in the user's time zone: reading what a person or a model wrote
// (ISO 8601, or words such as "tomorrow 5pm"), naming today in a zone, and
// saying a due back in words. Pure: the clock and the zone are arguments.
//
// Words are read by chrono-node, which knows relative days, weekdays, times
// and many phrasings; it works in fixed UTC offsets, so its wall-clock
// reading is turned into an instant by @date-fns/tz, which follows the
// zone's daylight-saving rules on the due day itself, not on today.
import * as chrono from 'chrono-node';
import { TZDate, tzOffset } from '@date-fns/tz';
import { ValidationError } from '../errors.ts';

export const DEFAULT_TIME_ZONE = 'UTC';
export const TIME_ZONE_MAX = 64;

/** A task's due: the calendar day, and the instant when a time of day was given. */
export interface Due {
  /** `YYYY-MM-DD` in the user's time zone. */
  date: string;
  at: Date | null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
// Words around a date phrase that say nothing more: "by friday", "due on the 5th".
const FILLER = /^(?:by|on|at|due|before|until|for|the|,|\s)*$/i;

/** The IANA name, spelled as the zone data does (`europe/paris` → `Europe/Paris`), or null when there is none. */
export function canonicalTimeZone(name: string): string | null {
  // Newer runtimes also take "+01:00" as a zone; it is not an IANA name.
  if (name.length > TIME_ZONE_MAX || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions()
      .timeZone;
    // ICU resolves some current names to older aliases (Asia/Kolkata to
    // Asia/Calcutta): keep the name given, correcting only its case.
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return null;
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The calendar day `instant` falls on in `zone`, as `YYYY-MM-DD`. */
export function calendarDate(instant: Date, zone: string): string {
  const local = new TZDate(instant.getTime(), zone);
  return isoDate(local.getFullYear(), local.getMonth() + 1, local.getDate());
}

/** The day `days` after the `YYYY-MM-DD` day `date`. */
export function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, day + days));
  return isoDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wallTime(zone: string, parts: number[]): Date {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0] = parts;
  return new Date(new TZDate(year, month - 1, day, hour, minute, second, ms, zone).getTime());
}

const ISO_HINT =
  'must be an ISO 8601 date (2026-12-04) or date-time (2026-12-04T17:00, 2026-12-04T17:00:00Z)';
const WORDS_HINT =
  'could not be read as a date; write an ISO 8601 date such as 2026-12-04 or words such as "tomorrow 5pm", "next friday", "in 3 days"';

function parseIso(text: string, zone: string): Due | null {
  const dateOnly = ISO_DATE.exec(text);
  if (dateOnly !== null) {
    const [year, month, day] = dateOnly.slice(1).map(Number) as [number, number, number];
    if (!isRealDate(year, month, day))
      throw ValidationError.field('due', `${text} is not a real date`);
    return { date: text, at: null };
  }
  const dateTime = ISO_DATE_TIME.exec(text);
  if (dateTime === null) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = dateTime;
  const parts = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = parts;
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    throw ValidationError.field('due', `${text} is not a real date and time`);
  }
  const ms = fraction === '' ? 0 : Math.floor(Number(fraction) * 1000);
  if (offset === undefined) {
    const at = wallTime(zone, [...parts, ms]);
    return { date: calendarDate(at, zone), at };
  }
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.replace(/[^\d]/g, '');
  const offsetMinutes =
    offset.toUpperCase() === 'Z'
      ? 0
      : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  if (Math.abs(offsetMinutes) > 18 * 60) throw ValidationError.field('due', ISO_HINT);
  const at = new Date(
    Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000,
  );
  return { date: calendarDate(at, zone), at };
}

/**
 * Reads a due as ISO 8601 or as words, in `zone`, relative to `now`. Throws
 * a ValidationError on the field `due` when the text names no real date.
 */
export function parseDue(input: string, zone: string, now: Date): Due {
  const text = input.trim();
  if (text === '')
    throw ValidationError.field('due', `must not be empty; ${ISO_HINT}, or null to clear it`);
  const iso = parseIso(text, zone);
  if (iso !== null) return iso;
  if (/^\d{4}-\d/.test(text)) throw ValidationError.field('due', ISO_HINT);

  const reference = { instant: now, timezone: tzOffset(zone, now) };
  const [result] = chrono.parse(text, reference, { forwardDate: true });
  if (result === undefined || !FILLER.test(text.replace(result.text, ''))) {
    throw ValidationError.field('due', `"${text}" ${WORDS_HINT}`);
  }
  const { start } = result;
  const part = (component: chrono.Component): number => start.get(component) ?? 0;
  const [year, month, day] = [part('year'), part('month'), part('day')];
  if (!isRealDate(year, month, day)) throw ValidationError.field('due', `"${text}" ${WORDS_HINT}`);
  if (!start.isCertain('hour')) return { date: isoDate(year, month, day), at: null };
  const at = wallTime(zone, [year, month, day, part('hour'), part('minute'), part('second')]);
  return { date: calendarDate(at, zone), at };
}

/** The due as ISO 8601 in the user's zone: `2026-12-04`, or `2026-12-04T17:00:00.000+01:00`. */
export function formatDueIso(due: Due, zone: string): string {
  return due.at === null ? due.date : new TZDate(due.at.getTime(), zone).toISOString();
}

/** The due in words, for people and models: "Friday, December 4, 2026 at 5:00 PM (Europe/Paris)". */
export function describeDue(due: Due, zone: string): string {
  if (due.at === null) {
    const [year = 0, month = 1, day = 1] = due.date.split('-').map(Number);
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(
      new Date(Date.UTC(year, month - 1, day)),
    );
  }
  const words = new Intl.DateTimeFormat('en-US', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: zone,
  }).format(due.at);
  return `${words} (${zone})`;
}
