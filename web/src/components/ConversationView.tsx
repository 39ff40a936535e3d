// The main column for the conversation at the address: its history (already
// requested by the time this renders), then the live thread; "not found"
// for a conversation that is not the caller's.
import type { UIMessage } from 'ai';
import { use, useEffect, type RefObject } from 'react';
import { useFailedMessages } from '../state/failed-messages.ts';
import { forgetHistory, loadHistory } from '../state/history.ts';
import { ChatThread } from './ChatThread.tsx';

interface Props {
  id: string;
  /** The message to open at (a search hit). */
  seq?: number | undefined;
  userId: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onTurnDone: (reply: UIMessage) => void;
  onSignedOut: (error: unknown) => void;
}

export function ConversationView({ id, seq, userId, inputRef, onTurnDone, onSignedOut }: Props) {
  const result = use(loadHistory(id, seq));
  const failed = useFailedMessages(userId);
  // Once left, a conversation is fetched afresh next time it opens.
  useEffect(
    () => () => {
      forgetHistory(id);
    },
    [id],
  );
  useEffect(() => {
    if (result.kind === 'failed' && result.error.signedOut) onSignedOut(result.error);
  }, [result, onSignedOut]);

  if (result.kind === 'not-found') {
    return (
      <section className="column notice" aria-labelledby="not-found-title">
        <h2 id="not-found-title">Conversation not found</h2>
        <p>It may have been deleted, or it belongs to another account.</p>
        <p>
          <a href="/">Go to your latest conversation</a>
        </p>
      </section>
    );
  }
  if (result.kind === 'failed') {
    return (
      <section className="column notice" role="alert">
        <h2>This conversation could not be loaded</h2>
        <p>{result.error.message}</p>
        <button
          type="button"
          onClick={() => {
            forgetHistory(id);
            location.reload();
          }}
        >
          Try again
        </button>
      </section>
    );
  }
  return (
    <ChatThread
      key={`${id}@${seq ?? ''}`}
      conversationId={id}
      focusSeq={seq}
      history={result.history}
      failed={failed}
      inputRef={inputRef}
      onTurnDone={onTurnDone}
      onSignedOut={onSignedOut}
    />
  );
}
