// Numbers as people write them: "3", "#3", "no. 3", "three", "twenty-one",
// "3rd", "third", and lists of them: "2, 3 and 5", "2-4", "1 & 3".
// Task numbers are small, so the words up to ninety-nine cover them; a
// library for number words would bring thousands and fractions we never see.

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_UNITS = [
  'zeroth',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];

const CARDINALS = new Map<string, number>();
const ORDINALS = new Map<string, number>();
for (const [value, word] of UNITS.entries()) CARDINALS.set(word, value);
for (const [value, word] of ORDINAL_UNITS.entries()) ORDINALS.set(word, value);
for (const [tens, word] of TENS.entries()) {
  if (word === '') continue;
  CARDINALS.set(word, tens * 10);
  ORDINALS.set(word.replace(/y$/, 'ieth'), tens * 10);
  for (let unit = 1; unit < 10; unit++) {
    CARDINALS.set(`${word}-${UNITS[unit] ?? ''}`, tens * 10 + unit);
    ORDINALS.set(`${word}-${ORDINAL_UNITS[unit] ?? ''}`, tens * 10 + unit);
  }
}

/** A cardinal number written in digits or words: "3", "#3", "three", "twenty-one". */
export function cardinal(word: string): number | undefined {
  const digits = /^#?(\d{1,9})$/.exec(word);
  if (digits?.[1] !== undefined) return Number(digits[1]);
  return CARDINALS.get(word);
}

/** An ordinal: "1st", "first", "twenty-second". `last` is -1. */
export function ordinal(word: string): number | undefined {
  const digits = /^(\d{1,9})(?:st|nd|rd|th)$/.exec(word);
  if (digits?.[1] !== undefined) return Number(digits[1]);
  if (word === 'last' || word === 'final' || word === 'latest' || word === 'newest') return -1;
  return ORDINALS.get(word);
}

/** Joins "twenty one" into "twenty-one" so each number is one word. */
export function joinNumberWords(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (const word of words) {
    const beforeDash = joined.at(-2);
    if (joined.at(-1) === '-' && beforeDash !== undefined && TENS.includes(beforeDash))
      joined.pop();
    const previous = joined.at(-1);
    if (
      previous !== undefined &&
      TENS.includes(previous) &&
      (UNITS.slice(1, 10).includes(word) || ORDINAL_UNITS.slice(1, 10).includes(word))
    ) {
      joined[joined.length - 1] = `${previous}-${word}`;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/** Words that may sit between or around task numbers without changing them. */
const NUMBER_GLUE = new Set([
  'task',
  'tasks',
  'todo',
  'todos',
  'item',
  'items',
  'number',
  'numbers',
  'no',
  'no.',
  'nos',
  '#',
  'and',
  '&',
  '+',
  ',',
  'or',
  'also',
  'the',
  'one',
  'ones',
  'both',
  'plus',
  'as',
  'well',
  'nr',
  '.',
  'num',
]);
const RANGE_WORDS = new Set(['-', 'to', 'through', 'thru', 'till', 'until', '–', '—']);

/**
 * The task numbers when the words are only numbers and the glue between
 * them ("tasks 2 and 3", "#2-#4", "number three"); undefined otherwise.
 */
export function numberList(words: readonly string[]): number[] | undefined {
  const numbers: number[] = [];
  let rangeFrom: number | undefined;
  let sawNumber = false;
  for (const word of joinNumberWords(words)) {
    const value = cardinal(word);
    if (value !== undefined) {
      if (rangeFrom !== undefined) {
        if (value < rangeFrom || value - rangeFrom > 100) return undefined;
        for (let n = rangeFrom + 1; n <= value; n++) numbers.push(n);
        rangeFrom = undefined;
      } else {
        numbers.push(value);
      }
      sawNumber = true;
      continue;
    }
    if (RANGE_WORDS.has(word) && sawNumber && rangeFrom === undefined) {
      rangeFrom = numbers.at(-1);
      continue;
    }
    if (NUMBER_GLUE.has(word)) continue;
    return undefined;
  }
  if (rangeFrom !== undefined || !sawNumber || numbers.some((n) => n < 1)) return undefined;
  return [...new Set(numbers)];
}

/** Positions in the last list shown, when the words are only ordinals: "the first one", "the last". */
export function positionList(words: readonly string[]): number[] | undefined {
  const positions: number[] = [];
  for (const word of joinNumberWords(words)) {
    const value = ordinal(word);
    if (value !== undefined && value !== 0) {
      positions.push(value);
      continue;
    }
    if (NUMBER_GLUE.has(word) || word === 'on' || word === 'list' || word === 'in') continue;
    return undefined;
  }
  return positions.length === 0 ? undefined : positions;
}
