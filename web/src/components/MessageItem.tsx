// One message in the thread: its author (seen and spoken), its text, what the
// assistant did with the tools, and, when its turn failed, why and Retry.
import type { UIMessage } from 'ai';
import { memo } from 'react';
import type { FailedMessage } from '../state/failed-messages.ts';
import { toolActivities } from '../lib/tool-parts.ts';
import { textOf } from '../lib/ui-messages.ts';
import { Markdown } from './Markdown.tsx';

interface Props {
  message: UIMessage;
  failure: FailedMessage | undefined;
  retrying: boolean;
  onRetry: (failure: FailedMessage) => void;
}

export const MessageItem = memo(function MessageItem({
  message,
  failure,
  retrying,
  onRetry,
}: Props) {
  const mine = message.role === 'user';
  const text = textOf(message);
  const activities = mine ? [] : toolActivities(message);
  return (
    <li
      data-seq={(message.metadata as { seq?: number } | undefined)?.seq}
      className={`message ${mine ? 'user' : 'assistant'}${failure === undefined ? '' : ' failed'}`}
    >
      <p className="author">{mine ? 'You' : 'Assistant'}</p>
      {activities.length > 0 && (
        <ul className="chips" aria-label="Actions">
          {activities.map((activity) => (
            <li key={activity.key} className={`chip ${activity.state}`}>
              {activity.text}
            </li>
          ))}
        </ul>
      )}
      {mine ? <p className="text">{text}</p> : text !== '' && <Markdown text={text} />}
      {failure !== undefined && !retrying && (
        <div className="failure">
          <p>Not sent: {failure.error}</p>
          <button
            type="button"
            onClick={() => {
              onRetry(failure);
            }}
          >
            Retry
          </button>
        </div>
      )}
    </li>
  );
});
