// The saved history window as the messages a model is given. Each earlier
// reply becomes what the model really produced: its tool calls, the tools'
// results, then its text, with the provider's metadata handed back as
// providerOptions (the built-in model keeps its memory there). Roles stay
// valid for strict servers: a user message that never got a reply (its turn
// failed) is followed by a short assistant note rather than by the next user
// message.
import type { JSONValue, ModelMessage } from 'ai';
import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import type { Message } from '../conversations/conversation.ts';
import type { JsonObject, JsonValue } from '../db/schema.ts';

/** What an assistant message's metadata records of one tool call. */
export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: unknown;
  result?: unknown;
  /** The failure's hint, for people; `error_code` is for programs. */
  error?: string;
  error_code?: string;
}

export const NO_REPLY_NOTE = '(No reply was saved for this message.)';

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The tool calls an assistant message's metadata records, skipping malformed entries. */
export function recordedToolCalls(metadata: JsonObject | null): ToolCallRecord[] {
  const calls = metadata?.tool_calls;
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObject).flatMap((call) =>
    typeof call.id === 'string' && typeof call.name === 'string'
      ? [
          {
            id: call.id,
            name: call.name,
            arguments: call.arguments ?? {},
            ...(call.result === undefined ? {} : { result: call.result }),
            ...(typeof call.error === 'string' ? { error: call.error } : {}),
            ...(typeof call.error_code === 'string' ? { error_code: call.error_code } : {}),
          },
        ]
      : [],
  );
}

function providerOptionsOf(metadata: JsonObject | null): SharedV3ProviderOptions | undefined {
  const recorded = metadata?.provider_metadata;
  if (!isObject(recorded)) return undefined;
  const options: SharedV3ProviderOptions = {};
  for (const [provider, value] of Object.entries(recorded)) {
    if (isObject(value)) options[provider] = value;
  }
  return Object.keys(options).length === 0 ? undefined : options;
}

function assistantMessages(message: Message): ModelMessage[] {
  const calls = recordedToolCalls(message.metadata);
  const providerOptions = providerOptionsOf(message.metadata);
  const withOptions = providerOptions === undefined ? {} : { providerOptions };
  if (calls.length === 0) {
    return [{ role: 'assistant', content: message.content, ...withOptions }];
  }
  return [
    {
      role: 'assistant',
      content: calls.map((call) => ({
        type: 'tool-call' as const,
        toolCallId: call.id,
        toolName: call.name,
        input: call.arguments,
      })),
    },
    {
      role: 'tool',
      content: calls.map((call) => ({
        type: 'tool-result' as const,
        toolCallId: call.id,
        toolName: call.name,
        // A failure is given back as the model saw it in its own turn: the
        // JSON {code, hint} as the tool's error text.
        output:
          call.error === undefined
            ? { type: 'json' as const, value: (call.result ?? null) as JSONValue }
            : {
                type: 'error-text' as const,
                value:
                  call.error_code === undefined
                    ? call.error
                    : JSON.stringify({ code: call.error_code, hint: call.error }),
              },
      })),
    },
    { role: 'assistant', content: message.content, ...withOptions },
  ];
}

/** `history` (oldest first, ending with the new user message) as model messages. */
export function toModelMessages(history: readonly Message[]): ModelMessage[] {
  const result: ModelMessage[] = [];
  // A window may begin with a reply whose question lies outside it.
  const start = history.findIndex((message) => message.role === 'user');
  if (start === -1) return result;
  for (const message of history.slice(start)) {
    if (message.role === 'user') {
      if (result.at(-1)?.role === 'user')
        result.push({ role: 'assistant', content: NO_REPLY_NOTE });
      result.push({ role: 'user', content: message.content });
    } else {
      const last = result.at(-1);
      const next = assistantMessages(message);
      const [first] = next;
      // Two plain replies in a row (one saved through the messages API) become one.
      if (
        next.length === 1 &&
        first?.role === 'assistant' &&
        typeof first.content === 'string' &&
        last?.role === 'assistant' &&
        typeof last.content === 'string' &&
        last.providerOptions === undefined
      ) {
        result[result.length - 1] = { ...first, content: `${last.content}\n\n${first.content}` };
      } else {
        result.push(...next);
      }
    }
  }
  return result;
}
