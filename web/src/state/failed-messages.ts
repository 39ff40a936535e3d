// Messages whose turn failed, each with its own error and Retry. Kept in
// localStorage (per user) until the server has answered them, so neither a
// second failure nor a reload loses one. A retry reuses the message id,
// which the server takes as the turn's idempotency key.
import { useCallback, useSyncExternalStore } from 'react';

export interface FailedMessage {
  id: string;
  conversationId: string;
  text: string;
  error: string;
  /** The server's id for the user message, when the turn got that far. */
  savedAs?: string;
}

const listeners = new Set<() => void>();
const EMPTY: FailedMessage[] = [];
let cache: { key: string; raw: string | null; value: FailedMessage[] } | undefined;

function storageKey(userId: string): string {
  return `todochat.failed.${userId}`;
}

function read(userId: string): FailedMessage[] {
  const key = storageKey(userId);
  const raw = localStorage.getItem(key);
  if (cache?.key === key && cache.raw === raw) return cache.value;
  let value: FailedMessage[];
  try {
    value = raw === null ? EMPTY : (JSON.parse(raw) as FailedMessage[]);
  } catch {
    // Written by another version of the page: nothing to retry from it.
    value = EMPTY;
  }
  cache = { key, raw, value };
  return value;
}

function write(userId: string, messages: FailedMessage[]): void {
  if (messages.length === 0) localStorage.removeItem(storageKey(userId));
  else localStorage.setItem(storageKey(userId), JSON.stringify(messages));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', listener);
  };
}

export interface FailedMessages {
  list: FailedMessage[];
  record: (message: FailedMessage) => void;
  clear: (id: string) => void;
}

export function useFailedMessages(userId: string): FailedMessages {
  const list = useSyncExternalStore(subscribe, () => read(userId));
  const record = useCallback(
    (message: FailedMessage) => {
      write(userId, [...read(userId).filter((entry) => entry.id !== message.id), message]);
    },
    [userId],
  );
  const clear = useCallback(
    (id: string) => {
      const current = read(userId);
      if (current.some((entry) => entry.id === id))
        write(
          userId,
          current.filter((entry) => entry.id !== id),
        );
    },
    [userId],
  );
  return { list, record, clear };
}
