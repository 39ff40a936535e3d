// The `builtin` chat model: a deterministic todo assistant that needs no
// network and no key. It is an AI SDK language model like any other, so the
// agent runs it through the same path as a real model: it answers a user's
// message with tool calls, sees the tools' results on the next call, and
// then answers in words.
//
// What it understands (and everyday variants of each):
//   add:       "add a task to buy groceries", "add buy milk", "create a task: water the plants",
//              "I need to remember to pay bills", "remind me to call mom"
//   list:      "show me all my tasks", "list my tasks", "what's pending?",
//              "what do I still have to do?", "what have I completed?"
//   complete:  "mark task 3 as complete", "complete task 3", "task 3 is done",
//              "I finished task 2", "mark the groceries task as done"
//   delete:    "delete task 2", "remove task 4", "delete the meeting task"
//   change:    "change task 1 to 'Call mom tonight'", "rename task 1 to Call mom tonight",
//              "update task 2 description to 2 litres"
// By title ("the meeting task"), it lists the tasks first and then acts on the
// one whose title matches. Anything else gets a short guide to the above.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3ToolResultOutput,
} from '@ai-sdk/provider';

type ToolName = 'add_task' | 'list_tasks' | 'complete_task' | 'delete_task' | 'update_task';
type Action = 'complete' | 'delete';

type Intent =
  | { kind: 'call'; tool: ToolName; input: Record<string, unknown> }
  | { kind: 'by-title'; action: Action; query: string }
  | { kind: 'say'; text: string };

interface ListedTask {
  task_id: number;
  title: string;
  completed: boolean;
}

interface ToolOutcome {
  toolName: string;
  value: unknown;
  failed: boolean;
}

const HELP =
  'I can add tasks ("add a task to buy milk"), show them ("show me all my tasks", "what\'s pending?", ' +
  '"what have I completed?"), complete them ("mark task 3 as complete"), change them ' +
  '("change task 1 to \'Call mom tonight\'") and delete them ("delete task 2" or "delete the meeting task").';

const NUMBER = String.raw`(?:task|todo|item)\s*(?:number\s*|no\.?\s*|#)?(\d+)`;
const DONE = String.raw`(?:complete|completed|done|finished)`;

/** Trims the quotes, filler and punctuation around a title the user dictated. */
function cleanTitle(raw: string): string {
  return raw
    .trim()
    .replace(/^(?:to\s+|that\s+i\s+(?:need|have)\s+to\s+)/i, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .replace(/[.!?,;:\s]+$/, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim();
}

const number = (match: RegExpMatchArray): number => Number(match[1]);

const completeNumbered = (match: RegExpMatchArray): Intent => ({
  kind: 'call',
  tool: 'complete_task',
  input: { task_id: number(match) },
});

const describeNumbered = (match: RegExpMatchArray): Intent => ({
  kind: 'call',
  tool: 'update_task',
  input: { task_id: number(match), description: cleanTitle(match[2] ?? '') },
});

// Read top to bottom; the first rule that matches decides. Rules naming a task
// number come before those naming a title, and adding comes last because its
// patterns are the loosest.
const RULES: readonly { pattern: RegExp; intent: (match: RegExpMatchArray) => Intent }[] = [
  {
    pattern: new RegExp(
      String.raw`\b(?:mark|set|tick|check)\s+(?:off\s+)?${NUMBER}(?:\s+(?:as\s+)?${DONE}|\s+off)?\b`,
      'i',
    ),
    intent: completeNumbered,
  },
  {
    pattern: new RegExp(String.raw`\b(?:complete|finish|close)\s+${NUMBER}\b`, 'i'),
    intent: completeNumbered,
  },
  {
    pattern: new RegExp(String.raw`\b${NUMBER}\s+(?:is\s+)?${DONE}\b`, 'i'),
    intent: completeNumbered,
  },
  {
    pattern: new RegExp(
      String.raw`\bi\s+(?:have\s+|just\s+)?(?:finished|completed|did|done)\s+${NUMBER}\b`,
      'i',
    ),
    intent: completeNumbered,
  },
  {
    pattern: new RegExp(String.raw`\b(?:delete|remove|drop|cancel|erase)\s+${NUMBER}\b`, 'i'),
    intent: (m) => ({ kind: 'call', tool: 'delete_task', input: { task_id: number(m) } }),
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:change|update|edit|set)\s+(?:the\s+)?description\s+of\s+${NUMBER}\s+to\s+(.+)$`,
      'i',
    ),
    intent: describeNumbered,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:change|update|edit|set)\s+${NUMBER}(?:'s)?\s+description\s+to\s+(.+)$`,
      'i',
    ),
    intent: describeNumbered,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:change|rename|update|edit|retitle)\s+${NUMBER}(?:(?:'s)?\s+(?:title|name))?\s+(?:to|into|as)\s+(.+)$`,
      'i',
    ),
    intent: (m) => ({
      kind: 'call',
      tool: 'update_task',
      input: { task_id: number(m), title: cleanTitle(m[2] ?? '') },
    }),
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:mark|set|tick|check)\s+(?:off\s+)?(?:the\s+|my\s+)?(.+?)\s+(?:task|todo)(?:\s+(?:as\s+)?${DONE})?$`,
      'i',
    ),
    intent: (m) => ({ kind: 'by-title', action: 'complete', query: m[1] ?? '' }),
  },
  {
    pattern: /\b(?:complete|finish)\s+(?:the\s+|my\s+)?(.+?)\s+(?:task|todo)$/i,
    intent: (m) => ({ kind: 'by-title', action: 'complete', query: m[1] ?? '' }),
  },
  {
    pattern: /\b(?:delete|remove|drop|cancel|erase)\s+(?:the\s+|my\s+)(.+?)(?:\s+(?:task|todo))?$/i,
    intent: (m) => ({ kind: 'by-title', action: 'delete', query: m[1] ?? '' }),
  },
  {
    pattern:
      /\b(?:delete|remove|drop|cancel|erase)\s+(?:the\s+)?(?:task|todo)\s+(?:called|named|about|for)\s+(.+)$/i,
    intent: (m) => ({ kind: 'by-title', action: 'delete', query: m[1] ?? '' }),
  },
  {
    pattern:
      /\b(?:what (?:have|did) i (?:already\s+)?(?:complete|completed|finish|finished|do|done)|(?:completed|finished|done) (?:tasks|todos|items)|tasks? (?:i(?:'ve| have)? )?(?:completed|finished|done))\b/i,
    intent: () => ({ kind: 'call', tool: 'list_tasks', input: { status: 'completed' } }),
  },
  {
    pattern:
      /\b(?:pending|outstanding|remaining|unfinished|left to do|still (?:have|need) to do|what do i (?:have|need) to do|not (?:yet )?done|open tasks|incomplete)\b/i,
    intent: () => ({ kind: 'call', tool: 'list_tasks', input: { status: 'pending' } }),
  },
  {
    pattern:
      /\b(?:(?:show|list|see|display|view|give|tell)\b.*\b(?:tasks?|todos?|to-?do list|list)|what (?:are|is) (?:on )?my (?:tasks|todos|to-?do list|list)|my (?:tasks|todos|to-?do list))\b/i,
    intent: () => ({ kind: 'call', tool: 'list_tasks', input: { status: 'all' } }),
  },
  {
    pattern:
      /\b(?:i need to remember to|don't let me forget to|do not let me forget to|remember to|remind me to|i need to|i have to|i must|i should|i've got to|i gotta)\s+(.+)$/i,
    intent: (m) => ({ kind: 'call', tool: 'add_task', input: { title: cleanTitle(m[1] ?? '') } }),
  },
  {
    pattern:
      /^(?:please\s+|can you\s+|could you\s+)?(?:add|create|make|new|put)\s+(?:a\s+|an\s+|another\s+)?(?:new\s+)?(?:task|todo|to-do|reminder|item)?\s*(?::|-|called|named|saying|for|to)?\s*(.+?)(?:\s+to (?:my|the) (?:list|tasks|todo list))?$/i,
    intent: (m) => ({ kind: 'call', tool: 'add_task', input: { title: cleanTitle(m[1] ?? '') } }),
  },
  {
    pattern: /^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b/i,
    intent: () => ({ kind: 'say', text: `Hello! I'm your todo assistant. ${HELP}` }),
  },
  {
    pattern: /^(?:thanks|thank you|cheers|great|perfect|ok(?:ay)?)\b/i,
    intent: () => ({ kind: 'say', text: "You're welcome! Anything else for your list?" }),
  },
  {
    pattern: /\b(?:help|what can you do)\b/i,
    intent: () => ({ kind: 'say', text: HELP }),
  },
];

export function understand(message: string): Intent {
  const text = message.trim().replace(/[\s.!?]+$/, '');
  for (const rule of RULES) {
    const match = text.match(rule.pattern);
    if (match === null) continue;
    const intent = rule.intent(match);
    if (intent.kind === 'call' && intent.input.title === '') continue;
    if (intent.kind === 'by-title' && cleanTitle(intent.query) === '') continue;
    return intent;
  }
  return { kind: 'say', text: `Sorry, I didn't catch that. ${HELP}` };
}

function lastUserText(prompt: LanguageModelV3Prompt): { text: string; index: number } {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role === 'user') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
      return { text, index };
    }
  }
  return { text: '', index: -1 };
}

function outputValue(output: LanguageModelV3ToolResultOutput): { value: unknown; failed: boolean } {
  switch (output.type) {
    case 'json':
    case 'text':
      return { value: output.value, failed: false };
    case 'error-json':
    case 'error-text':
      return { value: output.value, failed: true };
    default:
      return { value: null, failed: true };
  }
}

/** The tool results that came back since the user's last message, oldest first. */
function outcomesSince(prompt: LanguageModelV3Prompt, index: number): ToolOutcome[] {
  return prompt
    .slice(index + 1)
    .flatMap((message) =>
      message.role === 'tool'
        ? message.content.flatMap((part) =>
            part.type === 'tool-result'
              ? [{ toolName: part.toolName, ...outputValue(part.output) }]
              : [],
          )
        : [],
    );
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function matching(tasks: ListedTask[], query: string): ListedTask[] {
  const wanted = words(cleanTitle(query)).filter(
    (word) => !['the', 'a', 'an', 'my'].includes(word),
  );
  return tasks.filter((task) => {
    const title = words(task.title);
    return wanted.every((word) =>
      title.some((part) => part.startsWith(word) || word.startsWith(part)),
    );
  });
}

function listLines(tasks: ListedTask[], markDone = true): string {
  return tasks
    .map((task) => `${task.task_id}. ${task.title}${markDone && task.completed ? ' (done)' : ''}`)
    .join('\n');
}

function describeList(value: unknown, status: unknown): string {
  const tasks = (value as { tasks?: ListedTask[] } | null)?.tasks ?? [];
  const kind = status === 'pending' ? 'pending ' : status === 'completed' ? 'completed ' : '';
  if (tasks.length === 0) {
    return status === 'completed'
      ? "You haven't completed any tasks yet."
      : status === 'pending'
        ? 'Nothing pending: you are all caught up!'
        : 'Your list is empty. Try "add a task to buy milk".';
  }
  const noun = tasks.length === 1 ? 'task' : 'tasks';
  return `You have ${tasks.length} ${kind}${noun}:\n${listLines(tasks, kind === '')}`;
}

/** A tool's failure arrives as the JSON {code, hint}; the hint is what to say. */
function hintOf(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    const parsed = JSON.parse(text) as { hint?: unknown };
    return typeof parsed.hint === 'string' ? parsed.hint : text;
  } catch {
    return text;
  }
}

function describeFailure(value: unknown): string {
  const message = hintOf(value);
  const missing = /^Task (\S+) not found/.exec(message);
  if (missing !== null) {
    return `I couldn't find task ${missing[1] ?? ''}. Say "show me all my tasks" to see their numbers.`;
  }
  return `Sorry, that didn't work: ${message.replace(/ Fix the arguments and call again\.$/, '')}`;
}

function describeOutcome(outcome: ToolOutcome, intent: Intent): string {
  if (outcome.failed) return describeFailure(outcome.value);
  const result = (outcome.value ?? {}) as { task_id?: number; title?: string };
  switch (outcome.toolName) {
    case 'add_task':
      return `I've added task ${result.task_id ?? '?'}: ${result.title ?? ''}.`;
    case 'complete_task':
      return `Done! Task ${result.task_id ?? '?'} (${result.title ?? ''}) is marked as complete.`;
    case 'delete_task':
      return `I've deleted task ${result.task_id ?? '?'} (${result.title ?? ''}).`;
    case 'update_task':
      return intent.kind === 'call' && intent.input.title !== undefined
        ? `Task ${result.task_id ?? '?'} is now '${result.title ?? ''}'.`
        : `I've updated task ${result.task_id ?? '?'} (${result.title ?? ''}).`;
    case 'list_tasks':
      return describeList(outcome.value, intent.kind === 'call' ? intent.input.status : 'all');
    default:
      return 'Done.';
  }
}

type Step = { calls: { toolName: ToolName; input: Record<string, unknown> }[] } | { text: string };

/** What to do next, from the conversation so far: the whole state is in the prompt. */
export function decide(prompt: LanguageModelV3Prompt): Step {
  const user = lastUserText(prompt);
  const intent = understand(user.text);
  const outcomes = outcomesSince(prompt, user.index);
  const last = outcomes.at(-1);

  if (last === undefined) {
    if (intent.kind === 'say') return { text: intent.text };
    if (intent.kind === 'call') return { calls: [{ toolName: intent.tool, input: intent.input }] };
    return { calls: [{ toolName: 'list_tasks', input: { status: 'all' } }] };
  }
  if (intent.kind === 'by-title' && last.toolName === 'list_tasks' && !last.failed) {
    const tasks = (last.value as { tasks?: ListedTask[] } | null)?.tasks ?? [];
    const found = matching(tasks, intent.query);
    const query = cleanTitle(intent.query);
    if (found.length === 1 && found[0] !== undefined) {
      const toolName = intent.action === 'complete' ? 'complete_task' : 'delete_task';
      return { calls: [{ toolName, input: { task_id: found[0].task_id } }] };
    }
    if (found.length === 0) {
      return {
        text:
          tasks.length === 0
            ? `I couldn't find a "${query}" task: your list is empty.`
            : `I couldn't find a task matching "${query}". Your tasks are:\n${listLines(tasks)}`,
      };
    }
    return {
      text: `Several tasks match "${query}":\n${listLines(found)}\nWhich one? Tell me its number.`,
    };
  }
  return { text: describeOutcome(last, intent) };
}

function toContent(step: Step, callPrefix: string): LanguageModelV3Content[] {
  if ('text' in step) return [{ type: 'text', text: step.text }];
  return step.calls.map((call, index) => ({
    type: 'tool-call',
    toolCallId: `${callPrefix}_${index}`,
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
  // Unique within a conversation, and the same for the same prompt.
  const content = toContent(step, `builtin_${options.prompt.length}`);
  return {
    content,
    finishReason: { unified: 'text' in step ? 'stop' : 'tool-calls', raw: undefined },
    usage: NO_USAGE,
    warnings: [],
  };
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
  parts.push({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
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
