// One open conversation: useChat over the UI message stream (streaming, tool
// parts, stop and errors come from the AI SDK), the message list with its
// welcome, typing indicator and "jump to latest", and the composer.
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, type UIMessage } from 'ai';
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { ApiError, authHeaders, chatFailure, type History } from '../api/client.ts';
import type { FailedMessage, FailedMessages } from '../state/failed-messages.ts';
import { loadOlder } from '../state/history.ts';
import { textOf, toUIMessage } from '../lib/ui-messages.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import { Welcome } from './Welcome.tsx';

interface Props {
  conversationId: string;
  history: History;
  failed: FailedMessages;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onTurnDone: (reply: UIMessage) => void;
  onSignedOut: (error: unknown) => void;
  /** A message to open at and highlight briefly (a search hit). */
  focusSeq?: number | undefined;
}

const NEAR_BOTTOM = 80;
const HIGHLIGHT_MS = 2500;

interface StreamMetadata {
  user_message_id?: string;
}

export function ChatThread({
  conversationId,
  history,
  failed,
  inputRef,
  onTurnDone,
  onSignedOut,
  focusSeq,
}: Props) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<UIMessage>({
        api: '/api/chat/stream',
        headers: authHeaders,
        // The server reads only the newest user message (history is its own), so only that goes.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({
          body: { id, messages: messages.slice(-1), trigger, messageId },
        }),
      }),
    [],
  );
  // Only the first render's list seeds the chat; later changes arrive through useChat.
  const [initialMessages] = useState(() => {
    const saved = history.messages.map(toUIMessage);
    const ids = new Set(saved.map((message) => message.id));
    const unsaved = failed.list
      .filter(
        (entry) =>
          entry.conversationId === conversationId &&
          !ids.has(entry.id) &&
          (entry.savedAs === undefined || !ids.has(entry.savedAs)),
      )
      .map((entry): UIMessage => ({
        id: entry.id,
        role: 'user',
        parts: [{ type: 'text', text: entry.text }],
      }));
    return [...saved, ...unsaved];
  });

  const pending = useRef<{ id: string; text: string } | null>(null);
  const latest = useRef<UIMessage[]>(initialMessages);
  const [announcement, setAnnouncement] = useState('');

  const { messages, status, sendMessage, stop, setMessages, clearError } = useChat({
    id: conversationId,
    messages: initialMessages,
    transport,
    onError: (error) => {
      const turn = pending.current;
      if (turn === null) return;
      const at = latest.current.findIndex((message) => message.id === turn.id);
      const partial = at === -1 ? undefined : latest.current[at + 1];
      const savedAs = (partial?.metadata as StreamMetadata | undefined)?.user_message_id;
      const failure = chatFailure(error);
      failed.record({
        id: turn.id,
        conversationId,
        text: turn.text,
        error: failure.message,
        ...(savedAs === undefined ? {} : { savedAs }),
      });
      // A half-streamed reply to a failed turn is dropped; Retry asks for it again.
      if (partial !== undefined)
        setMessages((list) => list.filter((message) => message.id !== partial.id));
      clearError();
      if (failure.code === 'unauthorized') onSignedOut(new ApiError(failure.message, 401));
    },
    onFinish: ({ message, isError, isDisconnect }) => {
      const turn = pending.current;
      pending.current = null;
      if (isError || isDisconnect || turn === null) return;
      failed.clear(turn.id);
      const text = textOf(message);
      if (text !== '') setAnnouncement(`Assistant replied: ${text}`);
      onTurnDone(message);
    },
  });
  latest.current = messages;
  const busy = status === 'submitted' || status === 'streaming';

  const send = useCallback(
    (text: string, id: string = crypto.randomUUID()) => {
      pending.current = { id, text };
      setAnnouncement('');
      void sendMessage({ id, role: 'user', parts: [{ type: 'text', text }] });
    },
    [sendMessage],
  );

  const retry = useCallback(
    (entry: FailedMessage) => {
      if (busy) return;
      setMessages((list) => list.filter((m) => m.id !== entry.id && m.id !== entry.savedAs));
      send(entry.text, entry.id);
    },
    [busy, send, setMessages],
  );

  const failureOf = useMemo(() => {
    const byId = new Map<string, FailedMessage>();
    for (const entry of failed.list) {
      if (entry.conversationId !== conversationId) continue;
      byId.set(entry.id, entry);
      if (entry.savedAs !== undefined) byId.set(entry.savedAs, entry);
    }
    return byId;
  }, [failed.list, conversationId]);

  // Scrolling: follow the newest text while the reader is at the bottom; keep
  // the reader's place when older messages go in above.
  const scroller = useRef<HTMLElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [olderCursor, setOlderCursor] = useState(history.older_cursor);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const keepFromBottom = useRef<number | null>(null);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    if (keepFromBottom.current !== null) {
      element.scrollTop = element.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (atBottom) {
      element.scrollTop = element.scrollHeight;
    }
  }, [messages, status, atBottom]);

  // After the effect above has put the thread at its bottom: once, on opening at a hit.
  useLayoutEffect(() => {
    if (focusSeq === undefined) return;
    const hit = scroller.current?.querySelector<HTMLElement>(`[data-seq="${focusSeq}"]`);
    if (hit === null || hit === undefined) return;
    setAtBottom(false);
    hit.scrollIntoView({ block: 'center' });
    hit.classList.add('hit');
    const timer = setTimeout(() => {
      hit.classList.remove('hit');
    }, HIGHLIGHT_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [focusSeq]);

  const fetchOlder = useCallback(async () => {
    if (olderCursor === null || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await loadOlder(conversationId, olderCursor);
      const element = scroller.current;
      if (element !== null) keepFromBottom.current = element.scrollHeight - element.scrollTop;
      setMessages((list) => [...page.messages.map(toUIMessage), ...list]);
      setOlderCursor(page.has_older ? page.older_cursor : null);
    } catch (error) {
      if (error instanceof ApiError && error.signedOut) onSignedOut(error);
    } finally {
      setLoadingOlder(false);
    }
  }, [olderCursor, loadingOlder, conversationId, setMessages, onSignedOut]);

  const last = messages.at(-1);
  const typing =
    status === 'submitted' ||
    (status === 'streaming' && last?.role === 'assistant' && textOf(last) === '');

  return (
    <>
      <section
        ref={scroller}
        className="scroller"
        tabIndex={0}
        aria-label="Conversation thread"
        onScroll={(event) => {
          const element = event.currentTarget;
          setAtBottom(
            element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM,
          );
          if (element.scrollTop < NEAR_BOTTOM) void fetchOlder();
        }}
      >
        <div className="column">
          {messages.length === 0 && !busy ? (
            <Welcome
              onPick={(prompt) => {
                send(prompt);
              }}
            />
          ) : (
            <MessageList
              messages={messages}
              typing={typing}
              failureOf={(message) => failureOf.get(message.id)}
              retryingId={busy ? (pending.current?.id ?? null) : null}
              onRetry={retry}
            />
          )}
        </div>
      </section>
      {loadingOlder && <p className="loading-older">Loading earlier messages…</p>}
      {!atBottom && (
        <button
          type="button"
          className="jump"
          onClick={() => {
            const element = scroller.current;
            if (element !== null) element.scrollTop = element.scrollHeight;
            setAtBottom(true);
          }}
        >
          Jump to latest
        </button>
      )}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
      <div className="column">
        <Composer
          inputRef={inputRef}
          busy={busy}
          onSend={(text) => {
            send(text);
          }}
          onStop={() => {
            void stop();
          }}
        />
      </div>
    </>
  );
}
