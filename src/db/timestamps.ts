// Turning rows into objects is mostly turning timestamptz text into Dates: a
// history page carries 50 of them, a conversation page 40. pg's parser
// (postgres-date) runs three regular expressions per value, about 0.5 µs;
// PGlite's hands the text to Date's string parser, about 0.2 µs. This reads
// the one shape the server writes under its default DateStyle (ISO),
// `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`, by character codes in about 0.1 µs,
// and leaves everything else (infinity, BC, years before 100, another
// DateStyle) to the engine's own parser. PGlite's cannot read an offset with
// seconds (`1900-01-01 05:21:10+05:21:10`, local mean time in Asia/Kolkata)
// and answers Invalid Date; this path reads it as pg does.

type TextParser = (text: string) => unknown;

/** A timestamptz parser: the ISO shape read here, anything else by `fallback`. */
export function timestamptzParser(fallback: TextParser): TextParser {
  return (text) => parseIsoTimestamptz(text) ?? fallback(text);
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const SPACE = 32;
const DOT = 46;

/** `count` decimal digits of `text` from `at`, or -1 if any is not one. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The Date `text` names, or undefined when it is not in the ISO shape above. */
export function parseIsoTimestamptz(text: string): Date | undefined {
  const length = text.length;
  if (
    length < 22 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;

  let at = 19;
  let millisecond = 0;
  if (text.charCodeAt(at) === DOT) {
    // A Date holds milliseconds: the first three digits count, as in
    // postgres-date, and the microseconds after them are dropped.
    at++;
    let scale = 100;
    for (; at < length; at++) {
      const digit = text.charCodeAt(at) - ZERO;
      if (digit < 0 || digit > 9) break;
      millisecond += digit * scale;
      scale = Math.floor(scale / 10);
    }
  }

  const sign = text.charCodeAt(at);
  if (sign !== PLUS && sign !== DASH) return undefined;
  const offsetHours = digits(text, at + 1, 2);
  let offsetMinutes = 0;
  let offsetSeconds = 0;
  const rest = length - at;
  if (rest !== 3) {
    // `+05:30`, or `-04:56:02`: local mean time, which zones name before
    // their first standard offset.
    if ((rest !== 6 && rest !== 9) || text.charCodeAt(at + 3) !== COLON) return undefined;
    offsetMinutes = digits(text, at + 4, 2);
    if (rest === 9) {
      if (text.charCodeAt(at + 6) !== COLON) return undefined;
      offsetSeconds = digits(text, at + 7, 2);
    }
  }
  if (offsetHours < 0 || offsetMinutes < 0 || offsetSeconds < 0) return undefined;

  const offset =
    (sign === PLUS ? 1 : -1) * ((offsetHours * 60 + offsetMinutes) * 60 + offsetSeconds) * 1000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offset);
}
