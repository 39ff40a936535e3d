// The sidebar's conversations: one status at a time, paged, refreshed after
// each change; every change goes to the server first and the list follows.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call, type Conversation, type ConversationStatus } from '../api/client.ts';

const PAGE = 100;

export interface Conversations {
  status: ConversationStatus;
  items: Conversation[];
  loading: boolean;
  hasMore: boolean;
  setStatus: (status: ConversationStatus) => void;
  loadMore: () => Promise<void>;
  refresh: () => Promise<void>;
  rename: (id: string, title: string | null) => Promise<void>;
  archive: (id: string, status: ConversationStatus) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

export function useConversations(onError: (error: unknown) => void): Conversations {
  const [status, setStatus] = useState<ConversationStatus>('active');
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const ticket = ++generation.current;
      setLoading(true);
      try {
        const page = await call(
          api.GET('/api/chat/conversations', {
            params: {
              query: { status, limit: PAGE, ...(after === null ? {} : { cursor: after }) },
            },
          }),
        );
        // A late page of the other tab's list must not land in this one.
        if (ticket !== generation.current) return;
        setItems((previous) =>
          after === null ? page.conversations : [...previous, ...page.conversations],
        );
        setCursor(page.next_cursor);
      } catch (error) {
        onError(error);
      } finally {
        if (ticket === generation.current) setLoading(false);
      }
    },
    [status, onError],
  );

  const refresh = useCallback(() => fetchPage(null), [fetchPage]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const loadMore = useCallback(async () => {
    if (cursor !== null && !loading) await fetchPage(cursor);
  }, [cursor, loading, fetchPage]);

  const rename = useCallback(
    async (id: string, title: string | null) => {
      await call(
        api.PATCH('/api/chat/conversations/{id}', { params: { path: { id } }, body: { title } }),
      );
      await refresh();
    },
    [refresh],
  );

  const archive = useCallback(
    async (id: string, next: ConversationStatus) => {
      await call(
        api.PATCH('/api/chat/conversations/{id}', {
          params: { path: { id } },
          body: { status: next },
        }),
      );
      await refresh();
    },
    [refresh],
  );

  const remove = useCallback(
    async (id: string) => {
      await call(api.DELETE('/api/chat/conversations/{id}', { params: { path: { id } } }));
      await refresh();
    },
    [refresh],
  );

  return {
    status,
    items,
    loading,
    hasMore: cursor !== null,
    setStatus,
    loadMore,
    refresh,
    rename,
    archive,
    remove,
  };
}
