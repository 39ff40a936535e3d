// Small text rules the page shares with the server.

/** The server's limit on a user message, in characters (checked against the server's own constant in tests). */
export const USER_MESSAGE_MAX = 1000;
/** The counter shows from here on, so it is there before the limit surprises anyone. */
export const COUNTER_FROM = 800;

/** Characters as the server counts them: code points, not UTF-16 units. */
export function characters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) count++;
  return count;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
