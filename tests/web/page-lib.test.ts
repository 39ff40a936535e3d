// The page's pure rules, without a browser: sidebar day groups, tool-call
// wording, character counting, and the wire types matching the server.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { UIMessage } from 'ai';
import { API_TYPES_FILE, currentApiTypes } from '../../scripts/web-api-types.ts';
import { USER_MESSAGE_MAX as SERVER_MAX } from '../../src/conversations/conversation.service.ts';
import { groupByDay, groupOf } from '../../web/src/lib/groups.ts';
import { USER_MESSAGE_MAX, characters, plural } from '../../web/src/lib/text.ts';
import { describeToolCall, toolActivities, touchesTasks } from '../../web/src/lib/tool-parts.ts';
import { conversationPath, parseRoute } from '../../web/src/state/router.ts';
import { dayIn, dueGroup, dueLabel, groupByDue } from '../../web/src/lib/due.ts';

describe('sidebar day groups', () => {
  const now = new Date(2026, 2, 30, 9, 0); // the day after Europe's clocks go forward
  const cases: [string, Date, string][] = [
    ['earlier today', new Date(2026, 2, 30, 0, 5), 'Today'],
    ['later today (clock skew)', new Date(2026, 2, 30, 23, 0), 'Today'],
    ['late yesterday', new Date(2026, 2, 29, 23, 59), 'Yesterday'],
    ['early yesterday', new Date(2026, 2, 29, 0, 0), 'Yesterday'],
    ['two days ago', new Date(2026, 2, 28, 12, 0), 'Previous 7 days'],
    ['seven days ago', new Date(2026, 2, 23, 0, 0), 'Previous 7 days'],
    ['eight days ago', new Date(2026, 2, 22, 23, 59), 'Older'],
    ['last year', new Date(2025, 11, 31), 'Older'],
  ];
  for (const [name, date, group] of cases) {
    it(`puts ${name} under ${group}`, () => {
      assert.equal(groupOf(date, now), group);
    });
  }

  it('keeps the order within each group and leaves empty groups out', () => {
    const items = [
      { id: 'a', at: new Date(2026, 2, 30, 8) },
      { id: 'b', at: new Date(2026, 0, 1) },
      { id: 'c', at: new Date(2026, 2, 30, 7) },
    ];
    assert.deepEqual(
      groupByDay(items, (item) => item.at, now).map(({ group, items: members }) => [
        group,
        members.map((member) => member.id),
      ]),
      [
        ['Today', ['a', 'c']],
        ['Older', ['b']],
      ],
    );
  });
});

describe('tool call wording', () => {
  it('says what each tool did, in the singular when there is one', () => {
    assert.equal(
      describeToolCall('add_task', { task_id: 3, title: 'buy milk' }),
      'Added task 3: buy milk',
    );
    assert.equal(describeToolCall('complete_task', { task_id: 1 }), 'Completed task 1');
    assert.equal(describeToolCall('list_tasks', { tasks: [{}] }), 'Listed 1 task');
    assert.equal(describeToolCall('list_tasks', { tasks: [] }), 'Listed 0 tasks');
    assert.equal(describeToolCall('list_tasks', { tasks: [{}, {}] }), 'Listed 2 tasks');
    assert.equal(describeToolCall('export_everything', {}), 'export everything');
  });

  it('reads running, done and failed calls from a message, and whether tasks changed', () => {
    const message: UIMessage = {
      id: 'm',
      role: 'assistant',
      parts: [
        {
          type: 'tool-list_tasks',
          toolCallId: '1',
          state: 'output-available',
          input: {},
          output: { tasks: [] },
        },
        {
          type: 'tool-delete_task',
          toolCallId: '2',
          state: 'output-error',
          input: {},
          errorText: 'not found',
        },
        { type: 'tool-add_task', toolCallId: '3', state: 'input-available', input: {} },
        { type: 'text', text: 'done' },
      ],
    };
    assert.deepEqual(toolActivities(message), [
      { key: '1', text: 'Listed 0 tasks', state: 'done' },
      { key: '2', text: 'Delete task failed', state: 'failed' },
      { key: '3', text: 'Working: add task…', state: 'running' },
    ]);
    assert.equal(touchesTasks(message), false);
    const added: UIMessage = {
      ...message,
      parts: [
        {
          type: 'tool-add_task',
          toolCallId: '4',
          state: 'output-available',
          input: {},
          output: {},
        },
      ],
    };
    assert.equal(touchesTasks(added), true);
  });
});

describe('text rules', () => {
  it('counts characters as the server does, code points not UTF-16 units', () => {
    assert.equal(characters('abc'), 3);
    assert.equal(characters('😀😀'), 2);
    assert.equal(characters(''), 0);
  });

  it("uses the server's message limit", () => {
    assert.equal(USER_MESSAGE_MAX, SERVER_MAX);
  });

  it('pluralises', () => {
    assert.equal(plural(1, 'message'), '1 message');
    assert.equal(plural(2, 'message'), '2 messages');
  });
});

describe('due groups and badges', () => {
  // 23:30 UTC on Dec 1 is already Dec 2 in Auckland and still Dec 1 in New York.
  const now = new Date('2026-12-01T23:30:00Z');

  it('reads today in the given zone', () => {
    assert.equal(dayIn('Pacific/Auckland', now), '2026-12-02');
    assert.equal(dayIn('America/New_York', now), '2026-12-01');
  });

  it('groups by the day, and by the time when one was given', () => {
    const today = '2026-12-02';
    const task = (due_date: string | null, due_at: string | null = null) => ({ due_date, due_at });
    assert.equal(dueGroup(task('2026-12-01'), today, now), 'Overdue');
    assert.equal(dueGroup(task('2026-12-02'), today, now), 'Today');
    assert.equal(dueGroup(task('2026-12-02', '2026-12-01T22:00:00Z'), today, now), 'Overdue');
    assert.equal(dueGroup(task('2026-12-02', '2026-12-02T01:00:00Z'), today, now), 'Today');
    assert.equal(dueGroup(task('2026-12-03'), today, now), 'Upcoming');
    assert.equal(dueGroup(task(null), today, now), 'No date');
    assert.deepEqual(
      groupByDue([task(null), task('2026-12-09'), task('2026-11-30')], today, now).map(
        (section) => section.group,
      ),
      ['Overdue', 'Upcoming', 'No date'],
    );
  });

  it('says the day in words near today, and the time in the zone', () => {
    const today = '2026-12-02';
    const zone = 'Pacific/Auckland';
    assert.equal(dueLabel({ due_date: '2026-12-02', due_at: null }, today, zone), 'Today');
    assert.equal(dueLabel({ due_date: '2026-12-03', due_at: null }, today, zone), 'Tomorrow');
    assert.equal(dueLabel({ due_date: '2026-12-01', due_at: null }, today, zone), 'Yesterday');
    assert.equal(dueLabel({ due_date: '2026-12-04', due_at: null }, today, zone), 'Fri, Dec 4');
    assert.equal(
      dueLabel({ due_date: '2027-01-04', due_at: null }, today, zone),
      'Mon, Jan 4, 2027',
    );
    assert.equal(
      dueLabel({ due_date: '2026-12-03', due_at: '2026-12-03T04:00:00Z' }, today, zone),
      'Tomorrow 5:00 PM',
    );
  });
});

describe('page addresses', () => {
  it('reads a conversation id from /c/<id> and anything else as home', () => {
    assert.deepEqual(parseRoute('/c/abc'), { name: 'conversation', id: 'abc' });
    assert.deepEqual(parseRoute('/c/abc/'), { name: 'conversation', id: 'abc' });
    assert.deepEqual(parseRoute('/'), { name: 'home' });
    assert.deepEqual(parseRoute('/c/'), { name: 'home' });
  });

  it("reads a search hit's message number, and ignores one that is not a number", () => {
    assert.deepEqual(parseRoute('/c/abc?seq=12'), { name: 'conversation', id: 'abc', seq: 12 });
    assert.deepEqual(parseRoute('/c/abc?seq=x'), { name: 'conversation', id: 'abc' });
    assert.deepEqual(parseRoute('/c/abc?seq=0'), { name: 'conversation', id: 'abc' });
    assert.equal(conversationPath('abc', 12), '/c/abc?seq=12');
  });
});

describe('the page wire types', () => {
  it("match the server's OpenAPI document (run `npm run web:types` after changing the API)", async () => {
    assert.equal(await readFile(API_TYPES_FILE, 'utf8'), await currentApiTypes());
  });
});
