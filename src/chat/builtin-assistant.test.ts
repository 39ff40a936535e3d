// The built-in model through the AI SDK's model interface, with hand-built
// prompts: what it remembers travels in the prompt, tool errors are read by
// their code, and its final answer carries its memory as provider metadata.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { createBuiltinModel, decide } from './builtin-assistant.ts';

const user = (text: string): LanguageModelV3Message => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
const assistant = (text: string, todochat?: Record<string, unknown>): LanguageModelV3Message => ({
  role: 'assistant',
  content: [{ type: 'text', text }],
  ...(todochat === undefined ? {} : { providerOptions: { todochat: todochat as never } }),
});
const listResult = (id: string, tasks: { task_id: number; title: string; completed: boolean }[]) =>
  [
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: id, toolName: 'list_tasks', input: {} }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: id,
          toolName: 'list_tasks',
          output: {
            type: 'json',
            value: {
              tasks: tasks.map((task) => ({ ...task, description: null })),
              count: tasks.length,
            },
          },
        },
      ],
    },
  ] as LanguageModelV3Message[];

const TASKS = [
  { task_id: 1, title: 'buy milk', completed: false },
  { task_id: 2, title: 'call the bank', completed: false },
  { task_id: 3, title: 'call mom', completed: false },
];

describe('built-in model', () => {
  it('answers a pending "which one?" from the memory in the previous assistant message', () => {
    const prompt: LanguageModelV3Prompt = [
      user('delete the call task'),
      assistant('Several tasks match "call"... Which one?', {
        pending: {
          kind: 'which',
          action: { type: 'change', change: 'delete', target: { kind: 'title', query: 'call' } },
          candidates: [
            { task_id: 2, title: 'call the bank' },
            { task_id: 3, title: 'call mom' },
          ],
        },
      }),
      user('the mom one'),
      ...listResult('builtin_x_look_0', TASKS),
    ];
    const step = decide(prompt);
    assert.deepEqual(step, {
      phase: 'act',
      calls: [{ toolName: 'delete_task', input: { task_id: 3 } }],
      indices: [0],
    });
  });

  it('without memory, the same answer changes nothing', () => {
    const step = decide([
      user('delete the call task'),
      assistant('Which one?'),
      user('the mom one'),
    ]);
    assert.ok('text' in step);
  });

  it('reads "the first one" from the last list in the history when memory is missing', () => {
    const prompt: LanguageModelV3Prompt = [
      user('what is pending?'),
      ...listResult('old_call', [
        { task_id: 3, title: 'call mom', completed: false },
        { task_id: 1, title: 'buy milk', completed: false },
      ]),
      assistant('You have 2 pending tasks'),
      user('mark the first one as done'),
      ...listResult('builtin_y_look_0', TASKS),
    ];
    assert.deepEqual(decide(prompt), {
      phase: 'act',
      calls: [{ toolName: 'complete_task', input: { task_id: 3 } }],
      indices: [0],
    });
  });

  for (const [kind, output] of [
    [
      'a {code, hint} object',
      { type: 'error-json', value: { code: 'not_found', hint: 'Call list_tasks.' } },
    ],
    ['{code, hint} as JSON text', { type: 'error-text', value: '{"code":"not_found","hint":"x"}' }],
    ['plain text', { type: 'error-text', value: 'Task 2 not found. Call list_tasks to see them.' }],
  ] as const) {
    it(`reads a tool failure's code from ${kind}`, () => {
      const prompt: LanguageModelV3Prompt = [
        user('delete task 2'),
        ...listResult('builtin_z_look_0', TASKS),
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              toolCallId: 'builtin_z_act_0',
              toolName: 'delete_task',
              input: {},
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'builtin_z_act_0',
              toolName: 'delete_task',
              output: output as never,
            },
          ],
        },
      ];
      const step = decide(prompt);
      assert.ok('text' in step);
      assert.equal(
        step.text,
        'I couldn\'t find task 2. Say "show me all my tasks" to see their numbers.',
      );
    });
  }

  it('streams its memory on the finish part, and call ids that differ between turns', async () => {
    const model = createBuiltinModel();
    const read = async (prompt: LanguageModelV3Prompt): Promise<LanguageModelV3StreamPart[]> => {
      const { stream } = await model.doStream({ prompt });
      const parts: LanguageModelV3StreamPart[] = [];
      for await (const part of stream) parts.push(part);
      return parts;
    };
    const first = await read([user('delete task 1')]);
    const second = await read([user('delete task 1'), assistant('ok'), user('delete task 1')]);
    const id = (parts: LanguageModelV3StreamPart[]) =>
      parts.find((part) => part.type === 'tool-call')?.toolCallId;
    assert.notEqual(id(first), id(second));

    const answer = await read([user('delete all'), ...listResult('builtin_q_look_0', TASKS)]);
    const finish = answer.find((part) => part.type === 'finish');
    assert.deepEqual(
      (finish?.providerMetadata?.todochat as { pending?: unknown } | undefined)?.pending,
      {
        kind: 'confirm',
        action: {
          type: 'change',
          change: 'delete',
          target: { kind: 'numbers', numbers: [1, 2, 3] },
        },
      },
    );
  });
});
