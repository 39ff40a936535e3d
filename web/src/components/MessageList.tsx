// The thread's messages as a list, each with its author, and the typing
// indicator while the assistant has not written anything yet.
import type { UIMessage } from 'ai';
import type { FailedMessage } from '../state/failed-messages.ts';
import { MessageItem } from './MessageItem.tsx';

interface Props {
  messages: UIMessage[];
  typing: boolean;
  failureOf: (message: UIMessage) => FailedMessage | undefined;
  retryingId: string | null;
  onRetry: (failure: FailedMessage) => void;
}

export function MessageList({ messages, typing, failureOf, retryingId, onRetry }: Props) {
  return (
    <ol className="messages" aria-label="Messages">
      {messages.map((message) => {
        const failure = failureOf(message);
        return (
          <MessageItem
            key={message.id}
            message={message}
            failure={failure}
            retrying={failure !== undefined && failure.id === retryingId}
            onRetry={onRetry}
          />
        );
      })}
      {typing && (
        <li className="message assistant typing">
          <p className="author">Assistant</p>
          <p className="dots">
            <span className="visually-hidden">Assistant is typing</span>
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span aria-hidden="true" />
          </p>
        </li>
      )}
    </ol>
  );
}
