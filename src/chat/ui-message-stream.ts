// A chat turn as the AI SDK's UI message stream (the protocol `useChat` and
// `DefaultChatTransport` read): the turn's events become the protocol's
// parts. The SSE framing and headers are the `ai` package's own.
import type { FinishReason, UIMessageChunk } from 'ai';
import { toolErrorText } from '../tools/tool-error.ts';
import type { ChatEvent } from './chat.service.ts';

/** What `start` and `finish` carry in `messageMetadata`, as `useChat` merges it into the message. */
export interface ChatMessageMetadata {
  conversation_id?: string;
  user_message_id?: string;
  assistant_message_id?: string;
  finish_reason?: string;
}

const UI_FINISH_REASONS: ReadonlySet<string> = new Set<FinishReason>([
  'stop',
  'length',
  'content-filter',
  'tool-calls',
  'error',
  'other',
]);

/**
 * Turns ChatEvents into UI message chunks. Text between tool calls becomes
 * its own text part, so the client shows text and tools in the order they
 * happened.
 */
export class UIMessageChunkWriter {
  readonly #write: (chunk: UIMessageChunk<ChatMessageMetadata>) => void;
  #textId: string | null = null;
  #parts = 0;

  constructor(write: (chunk: UIMessageChunk<ChatMessageMetadata>) => void) {
    this.#write = write;
  }

  event(event: ChatEvent): void {
    switch (event.type) {
      case 'start':
        this.#write({
          type: 'start',
          messageMetadata: {
            conversation_id: event.conversation_id,
            user_message_id: event.user_message_id,
          },
        });
        break;
      case 'text':
        if (event.delta === '') break;
        if (this.#textId === null) {
          this.#textId = `text-${++this.#parts}`;
          this.#write({ type: 'text-start', id: this.#textId });
        }
        this.#write({ type: 'text-delta', id: this.#textId, delta: event.delta });
        break;
      case 'tool_call':
        this.#endText();
        this.#write({
          type: 'tool-input-available',
          toolCallId: event.id,
          toolName: event.name,
          input: event.arguments,
        });
        break;
      case 'tool_result':
        this.#write(
          event.error === undefined
            ? { type: 'tool-output-available', toolCallId: event.id, output: event.result }
            : {
                type: 'tool-output-error',
                toolCallId: event.id,
                errorText: toolErrorText(event.error),
              },
        );
        break;
      case 'done': {
        this.#endText();
        const reason = event.result.finishReason;
        this.#write({
          type: 'finish',
          ...(UI_FINISH_REASONS.has(reason) ? { finishReason: reason as FinishReason } : {}),
          messageMetadata: {
            assistant_message_id: event.result.assistantMessageId,
            finish_reason: reason,
          },
        });
        break;
      }
    }
  }

  /** Closes an open text part, before the stream ends in an error. */
  close(): void {
    this.#endText();
  }

  #endText(): void {
    if (this.#textId === null) return;
    this.#write({ type: 'text-end', id: this.#textId });
    this.#textId = null;
  }
}
