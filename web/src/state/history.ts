// A conversation's newest messages, fetched once per opening. Started as
// soon as the address is known (in parallel with /api/me), so a reopened
// conversation's thread needs a single round trip.
import { ApiError, api, call, type History } from '../api/client.ts';

export const HISTORY_PAGE = 50;

export type HistoryResult =
  { kind: 'ok'; history: History } | { kind: 'not-found' } | { kind: 'failed'; error: ApiError };

const pending = new Map<string, Promise<HistoryResult>>();

async function fetchHistory(id: string): Promise<HistoryResult> {
  try {
    const history = await call(
      api.GET('/api/chat/conversations/{id}/messages', {
        params: { path: { id }, query: { limit: HISTORY_PAGE } },
      }),
    );
    return { kind: 'ok', history };
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(String(error), 0);
    // A malformed id is as absent as another user's conversation.
    if (failure.status === 404 || failure.status === 422) return { kind: 'not-found' };
    return { kind: 'failed', error: failure };
  }
}

/** The history of `id`, from the request already under way if there is one. */
export function loadHistory(id: string): Promise<HistoryResult> {
  let result = pending.get(id);
  if (result === undefined) {
    result = fetchHistory(id);
    pending.set(id, result);
  }
  return result;
}

/** A conversation just created has no history to fetch. */
export function seedEmptyHistory(id: string): void {
  pending.set(
    id,
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
  else pending.delete(id);
}

export async function loadOlder(id: string, cursor: string): Promise<History> {
  return call(
    api.GET('/api/chat/conversations/{id}/messages', {
      params: { path: { id }, query: { limit: HISTORY_PAGE, before: cursor } },
    }),
  );
}
