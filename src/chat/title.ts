// A conversation's title from its first message: one line, no markdown or
// surrounding quotes, shortened at a word boundary.
import { characterCount } from '../validation.ts';

export const TITLE_LENGTH = 60;

/** `text` as a title of at most `max` characters, or null when nothing usable is left. */
export function titleFromMessage(text: string, max: number = TITLE_LENGTH): string | null {
  const cleaned = text
    // Control and invisible direction characters, but not the joiner inside emoji.
    .replace(/[\p{Cc}\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]+/gu, ' ')
    .replace(/[*_`#>~]+/g, '')
    .replace(/^\s*(?:title\s*:\s*)/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“”‘’«»]+|["'“”‘’«»]+$/g, '')
    .replace(/[\s.,;:!?]+$/u, '')
    .trim();
  if (cleaned === '') return null;
  const graphemes = Array.from(
    new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(cleaned),
    (part) => part.segment,
  );
  graphemes[0] = graphemes[0]?.toLocaleUpperCase() ?? '';
  const capitalised = graphemes.join('');
  if (characterCount(capitalised) <= max) return capitalised;
  // Whole graphemes only, so an emoji or an accented letter is never split.
  let cut = '';
  for (const grapheme of graphemes) {
    if (characterCount(cut + grapheme) > max - 1) break;
    cut += grapheme;
  }
  const atWord = cut.replace(/\s+\S*$/u, '');
  return `${(characterCount(atWord) >= max / 2 ? atWord : cut).trimEnd()}…`;
}
