// The `builtin` chat model: a deterministic todo assistant that needs no
// network and no key. It is an AI SDK language model like any other, so the
// agent runs it through the same path as a real model: it answers a user's
// message with tool calls, sees the tools' results on the next call, and
// then answers in words.
//
// The understanding lives in ./builtin/ (parse.ts reads a message, plan.ts
// decides each step). This file only adapts it to the model interface:
// what it remembers across turns travels as `providerMetadata.todochat` on
// its final answer and comes back as that assistant message's
// `providerOptions.todochat`, so the chat itself stays stateless.
import type {
  JSONValue,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3ToolResultOutput,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import { readMemory, type Memory } from './builtin/memory.ts';
import { nextStep, type Outcome, type Phase, type Step } from './builtin/plan.ts';

const PHASES: readonly Phase[] = ['look', 'act', 'then', 'show'];
const CALL_ID = /^builtin_[0-9a-z]+_(look|act|then|show)_(\d+)$/;

function lastUserMessage(prompt: LanguageModelV3Prompt): { text: string; index: number } {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role === 'user') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
      return { text, index };
    }
  }
  return { text: '', index: -1 };
}

function outputValue(output: LanguageModelV3ToolResultOutput): { value: unknown; ok: boolean } {
  switch (output.type) {
    case 'json':
    case 'text':
      return { value: output.value, ok: true };
    case 'error-json':
    case 'error-text':
      return { value: output.value, ok: false };
    default:
      return { value: null, ok: false };
  }
}

/** This turn's tool results, each tagged with the round and position of its call. */
function outcomesSince(prompt: LanguageModelV3Prompt, index: number): Outcome[] {
  return prompt.slice(index + 1).flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) => {
          if (part.type !== 'tool-result') return [];
          const tag = CALL_ID.exec(part.toolCallId);
          const phase = PHASES.find((name) => name === tag?.[1]);
          if (phase === undefined) return [];
          return [
            {
              phase,
              index: Number(tag?.[2]),
              toolName: part.toolName,
              ...outputValue(part.output),
            },
          ];
        })
      : [],
  );
}

/** The memory the previous reply left, and, failing that, the last list the history shows. */
function memoryBefore(prompt: LanguageModelV3Prompt, index: number): Memory {
  let memory: Memory | undefined;
  let listed: number[] | undefined;
  for (let at = index - 1; at >= 0 && (memory === undefined || listed === undefined); at--) {
    const message = prompt[at];
    if (message === undefined) continue;
    if (message.role === 'assistant' && memory === undefined) {
      const carried =
        message.providerOptions?.todochat ??
        message.content.find((part) => part.providerOptions?.todochat !== undefined)
          ?.providerOptions?.todochat;
      if (carried !== undefined) memory = readMemory(carried);
    }
    if (message.role === 'tool' && listed === undefined) {
      for (const part of message.content) {
        if (
          part.type !== 'tool-result' ||
          part.toolName !== 'list_tasks' ||
          part.output.type !== 'json'
        )
          continue;
        const tasks = (part.output.value as { tasks?: { task_id?: unknown }[] } | null)?.tasks;
        if (Array.isArray(tasks))
          listed = tasks.flatMap((task) =>
            Number.isInteger(task.task_id) ? [task.task_id as number] : [],
          );
      }
    }
  }
  const result = memory ?? {};
  if (result.shown === undefined && listed !== undefined) result.shown = listed;
  return result;
}

/** A short, stable hash of the conversation so far, so call ids differ between turns. */
function turnKey(prompt: LanguageModelV3Prompt, index: number): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(prompt.slice(0, index + 1));
  for (let at = 0; at < text.length; at++) {
    hash ^= text.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** What to do next, from the conversation so far: the whole state is in the prompt. */
export function decide(prompt: LanguageModelV3Prompt): Step {
  const user = lastUserMessage(prompt);
  return nextStep(user.text, memoryBefore(prompt, user.index), outcomesSince(prompt, user.index));
}

function toContent(step: Step, key: () => string): LanguageModelV3Content[] {
  if ('text' in step) return [{ type: 'text', text: step.text }];
  // Only calls need the key: hashing the prompt is a few percent of a turn.
  const turn = key();
  return step.calls.map((call, index) => ({
    type: 'tool-call',
    toolCallId: `builtin_${turn}_${step.phase}_${step.indices?.[index] ?? index}`,
    toolName: call.toolName,
    input: JSON.stringify(call.input),
  }));
}

const NO_USAGE = {
  inputTokens: {
    total: undefined,
    noCache: undefined,
    cacheRead: undefined,
    cacheWrite: undefined,
  },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

function generate(options: LanguageModelV3CallOptions): LanguageModelV3GenerateResult {
  const step = decide(options.prompt);
  const user = lastUserMessage(options.prompt);
  const result: LanguageModelV3GenerateResult = {
    content: toContent(step, () => turnKey(options.prompt, user.index)),
    finishReason: { unified: 'text' in step ? 'stop' : 'tool-calls', raw: undefined },
    usage: NO_USAGE,
    warnings: [],
  };
  if ('text' in step) {
    result.providerMetadata = {
      todochat: JSON.parse(JSON.stringify(step.memory)) as Record<string, JSONValue>,
    };
  }
  return result;
}

function toStream(
  result: LanguageModelV3GenerateResult,
): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  for (const [index, item] of result.content.entries()) {
    if (item.type === 'text') {
      const id = `text_${index}`;
      parts.push({ type: 'text-start', id });
      // A few words at a time, as a model would.
      for (const chunk of item.text.match(/\S+\s*|\s+/g) ?? [])
        parts.push({ type: 'text-delta', id, delta: chunk });
      parts.push({ type: 'text-end', id });
    } else if (item.type === 'tool-call') {
      parts.push(item);
    }
  }
  const finish: LanguageModelV3StreamPart = {
    type: 'finish',
    finishReason: result.finishReason,
    usage: result.usage,
  };
  const metadata: SharedV3ProviderMetadata | undefined = result.providerMetadata;
  if (metadata !== undefined) finish.providerMetadata = metadata;
  parts.push(finish);
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

export function createBuiltinModel(): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'todochat',
    modelId: 'builtin',
    supportedUrls: {},
    doGenerate: (options) => Promise.resolve(generate(options)),
    doStream: (options) => Promise.resolve({ stream: toStream(generate(options)) }),
  };
}
