// A conversation's newest messages, fetched once per opening. Started as
// soon as the address is known (in parallel with /api/me), so a reopened
// conversation's thread needs a single round trip.
import { ApiError, api, call, type History } from '../api/client.ts';

export const HISTORY_PAGE = 50;

export type HistoryResult =
  { kind: 'ok'; history: History } | { kind: 'not-found' } | { kind: 'failed'; error: ApiError };

// Keyed by conversation and, for a search hit, the message it opens at.
const pending = new Map<string, Promise<HistoryResult>>();

function key(id: string, seq: number | undefined): string {
  return `${id}@${seq ?? ''}`;
}

// Far enough back for any conversation a person scrolls, bounded so a bad seq cannot loop.
const MAX_PAGES_BACK = 40;

async function fetchHistory(id: string, seq: number | undefined): Promise<HistoryResult> {
  try {
    const history = await call(
      api.GET('/api/chat/conversations/{id}/messages', {
        params: { path: { id }, query: { limit: HISTORY_PAGE } },
      }),
    );
    // To open at an earlier message, page back with the API's own cursors
    // until the page holding it is in; the thread then reads from there down.
    for (let pages = 0; seq !== undefined && pages < MAX_PAGES_BACK; pages += 1) {
      const first = history.messages[0];
      if (first === undefined || first.seq <= seq || !history.has_older) break;
      if (history.older_cursor === null) break;
      const older = await loadOlder(id, history.older_cursor);
      history.messages = [...older.messages, ...history.messages];
      history.has_older = older.has_older;
      history.older_cursor = older.older_cursor;
    }
    return { kind: 'ok', history };
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(String(error), 0);
    // A malformed id is as absent as another user's conversation.
    if (failure.status === 404 || failure.status === 422) return { kind: 'not-found' };
    return { kind: 'failed', error: failure };
  }
}

/** The history of `id` (reaching back to message `seq` if given), from the request already under way if there is one. */
export function loadHistory(id: string, seq?: number): Promise<HistoryResult> {
  let result = pending.get(key(id, seq));
  if (result === undefined) {
    result = fetchHistory(id, seq);
    pending.set(key(id, seq), result);
  }
  return result;
}

/** A conversation just created has no history to fetch. */
export function seedEmptyHistory(id: string): void {
  pending.set(
    key(id, undefined),
    Promise.resolve({
      kind: 'ok',
      history: {
        messages: [],
        has_older: false,
        has_newer: false,
        older_cursor: null,
        newer_cursor: null,
      },
    }),
  );
}

/** Forgets fetched histories, so the next opening shows what the server has now. */
export function forgetHistory(id?: string): void {
  if (id === undefined) pending.clear();
  else for (const name of pending.keys()) if (name.startsWith(`${id}@`)) pending.delete(name);
}

export async function loadOlder(id: string, cursor: string): Promise<History> {
  return call(
    api.GET('/api/chat/conversations/{id}/messages', {
      params: { path: { id }, query: { limit: HISTORY_PAGE, before: cursor } },
    }),
  );
}
