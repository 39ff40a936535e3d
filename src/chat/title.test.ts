import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { characterCount } from '../validation.ts';
import { titleFromMessage } from './title.ts';

describe('titleFromMessage', () => {
  for (const [input, expected] of [
    ['add a task to buy milk', 'Add a task to buy milk'],
    ['  **remind me**   to call mom!!  ', 'Remind me to call mom'],
    ['"Groceries for the week."', 'Groceries for the week'],
    ['Title: Weekend plans', 'Weekend plans'],
    ['line one\nline two', 'Line one line two'],
    ['éclairs for the party', 'Éclairs for the party'],
    ['   ', null],
    ['!!!', null],
  ] as const) {
    it(`makes ${JSON.stringify(input)} into ${JSON.stringify(expected)}`, () => {
      assert.equal(titleFromMessage(input), expected);
    });
  }

  it('shortens at a word boundary and marks the cut', () => {
    const title = titleFromMessage(
      'call the plumber about the kitchen sink that keeps leaking every single night',
    );
    assert.equal(title, 'Call the plumber about the kitchen sink that keeps leaking…');
    assert.ok(characterCount(title) <= 60);
  });

  it('never splits an emoji or goes past the limit in code points', () => {
    const title = String(titleFromMessage('👩‍👩‍👧‍👦'.repeat(40), 20));
    assert.ok(characterCount(title) <= 20, title);
    assert.ok(title.endsWith('👩‍👩‍👧‍👦…'), title);
  });
});
