// Saved messages (the API's shape) as the UI messages useChat renders, so a
// reopened conversation looks the same as one just streamed.
import type { UIMessage } from 'ai';
import type { Message } from '../api/client.ts';

interface SavedToolCall {
  id?: string;
  name?: string;
  arguments?: unknown;
  result?: unknown;
  error?: string;
}

export function toUIMessage(message: Message): UIMessage {
  const calls = (message.metadata?.tool_calls ?? []) as SavedToolCall[];
  const toolParts = calls.map((call, index): UIMessage['parts'][number] => {
    const common = {
      type: `tool-${call.name ?? 'tool'}` as const,
      toolCallId: call.id ?? `${message.id}-${index}`,
      input: call.arguments ?? {},
    };
    return call.error === undefined
      ? { ...common, state: 'output-available', output: call.result ?? {} }
      : { ...common, state: 'output-error', errorText: call.error };
  });
  return {
    id: message.id,
    role: message.role,
    metadata: { saved: true, created_at: message.created_at, seq: message.seq },
    parts: [...toolParts, { type: 'text', text: message.content }],
  };
}

export function textOf(message: UIMessage): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
