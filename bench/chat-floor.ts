// The chat turn's floor: the AI SDK's own share of a turn, with no database
// and no built-in assistant. streamText gets what the turn gives it (the
// system prompt, the same history window, the five tools' schemas) and a
// scripted model that makes the turn's one tool call and then answers; the
// tool returns what the real one returned. What a turn costs above this is
// ours: its transactions, the assistant reading the message, the metadata.
import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import { stepCountIs, streamText, tool, zodSchema, type ModelMessage, type ToolSet } from 'ai';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import { SYSTEM_PROMPT } from '../src/chat/chat.service.ts';
import { DEFAULT_CHAT_SETTINGS } from '../src/chat/chat-settings.ts';
import { toModelMessages, type ToolCallRecord } from '../src/chat/history.ts';
import type { Message } from '../src/conversations/conversation.ts';
import { todoTools } from '../src/tools/todo-tools.ts';

const NO_USAGE: LanguageModelV3Usage = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

/** The call a turn made and what it got back, as its reply's metadata records it. */
export type RecordedCall = Pick<ToolCallRecord, 'name' | 'arguments' | 'result'>;

/**
 * One turn's worth of AI SDK work over `window`: the history a turn was
 * given (oldest first, ending with its user message) and the call it made.
 */
export function sdkTurn(window: readonly Message[], call: RecordedCall): () => Promise<string> {
  let turn = 0;
  // Stateless like a real model: it answers in words once it has seen a tool result.
  const model = new MockLanguageModelV3({
    doStream: ({ prompt }) => {
      const answered = prompt.at(-1)?.role === 'tool';
      const parts: LanguageModelV3StreamPart[] = answered
        ? [
            { type: 'stream-start', warnings: [] },
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'Added ' },
            { type: 'text-delta', id: 't', delta: 'it.' },
            { type: 'text-end', id: 't' },
            { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage: NO_USAGE },
          ]
        : [
            { type: 'stream-start', warnings: [] },
            {
              type: 'tool-call',
              toolCallId: `floor_${String(turn++)}`,
              toolName: call.name,
              input: JSON.stringify(call.arguments),
            },
            {
              type: 'finish',
              finishReason: { unified: 'tool-calls', raw: undefined },
              usage: NO_USAGE,
            },
          ];
      return Promise.resolve({ stream: convertArrayToReadableStream(parts) });
    },
  });
  // Wrapped once, as the chat service does, so JSON Schema is built once.
  const tools: ToolSet = {};
  for (const definition of todoTools) {
    tools[definition.name] = tool({
      description: definition.description,
      inputSchema: zodSchema(definition.inputSchema),
      execute: () => Promise.resolve(call.result),
    });
  }
  const messages: ModelMessage[] = toModelMessages(window);
  return async () => {
    const run = streamText({
      model,
      system: SYSTEM_PROMPT,
      messages,
      tools,
      stopWhen: stepCountIs(DEFAULT_CHAT_SETTINGS.maxSteps),
      maxRetries: 0,
    });
    let answer = '';
    for await (const part of run.fullStream) {
      if (part.type === 'text-delta') answer += part.text;
      if (part.type === 'error') throw part.error;
    }
    return answer;
  };
}
