// The client side of the UI message stream, as a `useChat` app runs it: the
// `ai` package's own DefaultChatTransport sends the stock body and parses the
// stream, and readUIMessageStream folds the parts into the message useChat
// would render. Nothing here parses the protocol by hand.
import { randomUUID } from 'node:crypto';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import type { ChatMessageMetadata } from '../../src/chat/ui-message-stream.ts';
import type { AppRouter } from '../../src/http/app-env.ts';

export type ChatUIMessage = UIMessage<ChatMessageMetadata>;

export interface StreamedTurn {
  /** Every part, in the order the client received them. */
  chunks: UIMessageChunk[];
  /** The assistant message as useChat would hold it at the end. */
  message: ChatUIMessage | undefined;
  /** The `error` part's errorText, parsed: the JSON API's `{code, message}`. */
  error: { code: string; message: string } | undefined;
}

/** A transport bound to the app in process, as `useChat({ transport })` would hold it. */
export function uiTransport(
  app: AppRouter,
  token: string,
  headers: Record<string, string> = {},
): DefaultChatTransport<ChatUIMessage> {
  return new DefaultChatTransport<ChatUIMessage>({
    api: '/api/chat/stream',
    headers: { Authorization: `Bearer ${token}`, ...headers },
    fetch: (input, init) =>
      Promise.resolve(app.request(input instanceof Request ? input : input.toString(), init)),
  });
}

export function userMessage(text: string, id: string = randomUUID()): ChatUIMessage {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

/** Reads a UI message stream to its end, as useChat does. */
export async function readTurn(stream: ReadableStream<UIMessageChunk>): Promise<StreamedTurn> {
  const chunks: UIMessageChunk[] = [];
  let error: StreamedTurn['error'];
  const recorded = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, controller) {
        chunks.push(chunk);
        if (chunk.type === 'error') {
          error = JSON.parse(chunk.errorText) as { code: string; message: string };
        }
        controller.enqueue(chunk);
      },
    }),
  );
  let message: ChatUIMessage | undefined;
  for await (const snapshot of readUIMessageStream<ChatUIMessage>({
    stream: recorded,
    onError: () => undefined,
  })) {
    message = snapshot;
  }
  return { chunks, message, error };
}

/** Sends `messages` the way useChat's sendMessage() does and reads the whole reply. */
export async function sendUIMessages(
  transport: DefaultChatTransport<ChatUIMessage>,
  chatId: string,
  messages: ChatUIMessage[],
  abortSignal?: AbortSignal,
): Promise<StreamedTurn> {
  const stream = await transport.sendMessages({
    trigger: 'submit-message',
    chatId,
    messageId: undefined,
    messages,
    abortSignal,
  });
  return readTurn(stream);
}
