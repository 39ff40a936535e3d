import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../conversations/conversation.ts';
import type { JsonObject } from '../db/schema.ts';
import { NO_REPLY_NOTE, recordedToolCalls, toModelMessages } from './history.ts';

let seq = 0;
function message(
  role: Message['role'],
  content: string,
  metadata: JsonObject | null = null,
): Message {
  seq++;
  return {
    id: `m${seq}`,
    conversationId: 'c',
    userId: 'u',
    seq,
    role,
    content,
    metadata,
    createdAt: new Date(0),
  };
}

describe('toModelMessages', () => {
  it('gives a reply with tool calls as tool-call, tool-result and text, with its provider metadata', () => {
    const reply = message('assistant', 'Added task 1 and there is no task 9.', {
      tool_calls: [
        { id: 'a', name: 'add_task', arguments: { title: 'milk' }, result: { task_id: 1 } },
        {
          id: 'b',
          name: 'complete_task',
          arguments: { task_id: 9 },
          error: 'Task 9 not found.',
          error_code: 'not_found',
        },
      ],
      provider_metadata: { todochat: { pending: 'which' } },
    });
    assert.deepEqual(toModelMessages([message('user', 'add milk'), reply, message('user', 'ok')]), [
      { role: 'user', content: 'add milk' },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'a', toolName: 'add_task', input: { title: 'milk' } },
          { type: 'tool-call', toolCallId: 'b', toolName: 'complete_task', input: { task_id: 9 } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'a',
            toolName: 'add_task',
            output: { type: 'json', value: { task_id: 1 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'b',
            toolName: 'complete_task',
            output: {
              type: 'error-text',
              value: '{"code":"not_found","hint":"Task 9 not found."}',
            },
          },
        ],
      },
      {
        role: 'assistant',
        content: 'Added task 1 and there is no task 9.',
        providerOptions: { todochat: { pending: 'which' } },
      },
      { role: 'user', content: 'ok' },
    ]);
  });

  it('puts a note between two user messages, and drops a reply whose question is outside the window', () => {
    assert.deepEqual(
      toModelMessages([
        message('assistant', 'an answer to something older'),
        message('user', 'first'),
        message('user', 'second'),
      ]),
      [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: NO_REPLY_NOTE },
        { role: 'user', content: 'second' },
      ],
    );
  });

  it('joins two plain replies in a row into one', () => {
    assert.deepEqual(
      toModelMessages([
        message('user', 'hi'),
        message('assistant', 'one'),
        message('assistant', 'two'),
        message('user', 'next'),
      ]),
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'one\n\ntwo' },
        { role: 'user', content: 'next' },
      ],
    );
  });
});

describe('recordedToolCalls', () => {
  it('skips malformed entries rather than failing the turn', () => {
    assert.deepEqual(
      recordedToolCalls({
        tool_calls: [{ id: 'a', name: 'list_tasks', arguments: {} }, { name: 'x' }, 'junk', null],
      }),
      [{ id: 'a', name: 'list_tasks', arguments: {} }],
    );
    assert.deepEqual(recordedToolCalls({ tool_calls: 'nope' }), []);
    assert.deepEqual(recordedToolCalls(null), []);
  });
});
