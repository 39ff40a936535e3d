// A conversation with the built-in model over an in-memory task list, for
// fast unit tests: the prompt grows exactly as the agent grows it (tool
// calls, tool results, the reply with its `providerOptions.todochat`).
import type { JSONValue, LanguageModelV3Message } from '@ai-sdk/provider';
import { decide } from '../builtin-assistant.ts';
import type { ToolCall } from './plan.ts';

export interface FakeTask {
  task_id: number;
  title: string;
  description: string | null;
  completed: boolean;
  /** The due words as given; the fake says them back as they are. */
  due?: string;
  priority?: 'high' | 'normal' | 'low';
}

/**
 * Where a due phrase falls, for list_tasks' filter without a calendar: the
 * fake only tells "today"/"tonight", "yesterday"/"last ..." and the rest.
 */
function dueClass(due: string): 'today' | 'overdue' | 'upcoming' {
  if (/\b(?:today|tonight)\b/i.test(due)) return 'today';
  if (/\b(?:yesterday|last)\b/i.test(due)) return 'overdue';
  return 'upcoming';
}

export interface TurnResult {
  calls: ToolCall[];
  /** The calls that changed something (succeeded, and not list_tasks). */
  changes: ToolCall[];
  text: string;
}

export class FakeConversation {
  readonly tasks: FakeTask[] = [];
  #next = 1;
  readonly #prompt: LanguageModelV3Message[] = [{ role: 'system', content: 'todo assistant' }];
  /** Fails these tools with this error value, to test failure replies. */
  failures = new Map<string, unknown>();

  constructor(titles: readonly (string | [string, boolean])[] = []) {
    for (const entry of titles) {
      const [title, completed] = typeof entry === 'string' ? [entry, false] : entry;
      this.tasks.push({ task_id: this.#next++, title, description: null, completed });
    }
  }

  #run(call: ToolCall): { ok: boolean; value: unknown } {
    const failure = this.failures.get(call.toolName);
    if (failure !== undefined) return { ok: false, value: failure };
    const input = call.input as {
      task_id?: number;
      title?: string;
      description?: string;
      completed?: boolean;
      status?: string;
      due?: string | null;
      priority?: 'high' | 'normal' | 'low';
    };
    const find = () => this.tasks.find((task) => task.task_id === input.task_id);
    const summary = (task: FakeTask, status: string) => ({
      task_id: task.task_id,
      status,
      title: task.title,
      ...dueFields(task),
    });
    // As the real tools: said back only when set.
    const dueFields = (task: FakeTask) => ({
      ...(task.due === undefined ? {} : { due: task.due, due_text: task.due }),
      ...(task.priority === undefined || task.priority === 'normal'
        ? {}
        : { priority: task.priority }),
    });
    const setDue = (task: FakeTask) => {
      if (input.due === null) delete task.due;
      else if (input.due !== undefined) task.due = input.due;
      if (input.priority !== undefined) task.priority = input.priority;
    };
    const missing = {
      ok: false,
      value: { code: 'not_found', hint: `Task ${String(input.task_id)} not found.` },
    };
    switch (call.toolName) {
      case 'add_task': {
        const task = {
          task_id: this.#next++,
          title: input.title ?? '',
          description: input.description ?? null,
          completed: false,
        };
        setDue(task);
        this.tasks.push(task);
        return { ok: true, value: summary(task, 'created') };
      }
      case 'list_tasks': {
        const tasks = this.tasks
          .filter(
            (task) =>
              input.status === undefined ||
              input.status === 'all' ||
              task.completed === (input.status === 'completed'),
          )
          .filter(
            (task) =>
              (input.due === undefined ||
                input.due === null ||
                (task.due !== undefined && dueClass(task.due) === input.due)) &&
              (input.priority === undefined || (task.priority ?? 'normal') === input.priority),
          );
        return {
          ok: true,
          value: {
            tasks: tasks.map((task) => ({
              task_id: task.task_id,
              title: task.title,
              description: task.description,
              completed: task.completed,
              ...dueFields(task),
            })),
            count: tasks.length,
          },
        };
      }
      case 'complete_task': {
        const task = find();
        if (task === undefined) return missing;
        task.completed = true;
        return { ok: true, value: summary(task, 'completed') };
      }
      case 'delete_task': {
        const task = find();
        if (task === undefined) return missing;
        this.tasks.splice(this.tasks.indexOf(task), 1);
        return { ok: true, value: summary(task, 'deleted') };
      }
      case 'update_task': {
        const task = find();
        if (task === undefined) return missing;
        if (input.title !== undefined) task.title = input.title;
        if (input.description !== undefined) task.description = input.description;
        if (input.completed !== undefined) task.completed = input.completed;
        setDue(task);
        return { ok: true, value: summary(task, 'updated') };
      }
    }
  }

  /** One user turn through the model, running its tool calls, at most six steps like the agent. */
  say(message: string): TurnResult {
    this.#prompt.push({ role: 'user', content: [{ type: 'text', text: message }] });
    const calls: ToolCall[] = [];
    const changes: ToolCall[] = [];
    for (let step = 0; step < 6; step++) {
      const next = decide(this.#prompt);
      if ('text' in next) {
        this.#prompt.push({
          role: 'assistant',
          content: [{ type: 'text', text: next.text }],
          providerOptions: {
            todochat: JSON.parse(JSON.stringify(next.memory)) as Record<string, JSONValue>,
          },
        });
        return {
          calls,
          changes,
          text: next.text,
        };
      }
      const ids = next.calls.map(
        (_, index) =>
          `builtin_t${this.#prompt.length}_${next.phase}_${next.indices?.[index] ?? index}`,
      );
      this.#prompt.push({
        role: 'assistant',
        content: next.calls.map((call, index) => ({
          type: 'tool-call',
          toolCallId: ids[index] ?? '',
          toolName: call.toolName,
          input: call.input,
        })),
      });
      this.#prompt.push({
        role: 'tool',
        content: next.calls.map((call, index) => {
          calls.push(call);
          const result = this.#run(call);
          if (result.ok && call.toolName !== 'list_tasks') changes.push(call);
          return {
            type: 'tool-result',
            toolCallId: ids[index] ?? '',
            toolName: call.toolName,
            output: result.ok
              ? { type: 'json', value: result.value as never }
              : typeof result.value === 'string'
                ? { type: 'error-text', value: result.value }
                : { type: 'error-json', value: result.value as never },
          };
        }),
      });
    }
    throw new Error(`no answer within six steps for "${message}"`);
  }

  titles(): string[] {
    return this.tasks.map(
      (task) => `${task.task_id}. ${task.title}${task.completed ? ' (done)' : ''}`,
    );
  }
}
