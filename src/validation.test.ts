import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { characterCount, limit, parse, text } from './validation.ts';

describe('characterCount', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['abc', 3],
    ['é', 1],
    ['😀', 1],
    ['a😀b', 3],
    ['👩‍👩‍👧', 5], // a ZWJ sequence is five code points, as PostgreSQL counts it
    ['\ud83d', 1], // a lone surrogate still counts once
  ];
  for (const [input, expected] of cases) {
    it(`counts ${JSON.stringify(input)} as ${expected} code points`, () => {
      assert.equal(characterCount(input), expected);
    });
  }
});

describe('text()', () => {
  const title = text({ min: 1, max: 3, trim: true });
  const cases: [string, string | null][] = [
    ['abc', null],
    ['  ab  ', null],
    ['😀😀😀', null],
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['abcd', 'must be at most 3 characters (got 4)'],
    ['a\u0000', 'must not contain the NUL character (U+0000)'],
    ['a\ud800', 'must be well-formed Unicode (no lone surrogates)'],
  ];
  for (const [input, message] of cases) {
    it(`${message === null ? 'accepts' : 'refuses'} ${JSON.stringify(input)}`, () => {
      const result = title.safeParse(input);
      if (message === null) assert.ok(result.success);
      else assert.equal(result.error?.issues[0]?.message, message);
    });
  }

  it('trims only when asked', () => {
    assert.equal(text({ max: 10 }).parse(' a '), ' a ');
    assert.equal(text({ max: 10, trim: true }).parse(' a '), 'a');
  });
});

describe('limit()', () => {
  const pageSize = limit(50, 200);
  it('defaults, and refuses what is out of range or not whole', () => {
    assert.equal(pageSize.parse(undefined), 50);
    assert.equal(pageSize.parse(200), 200);
    for (const bad of [0, 201, 1.5, -1]) assert.equal(pageSize.safeParse(bad).success, false);
  });
});

describe('parse()', () => {
  const schema = z.object({ title: text({ min: 1, max: 3 }), nested: z.object({ n: z.int() }) });

  it('names every offending field with its path under the root', () => {
    assert.throws(
      () => parse(schema, { title: '', nested: { n: 'x' } }, 'task'),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues.map((issue) => issue.field).join(',') === 'task.title,task.nested.n',
    );
  });

  it("calls a field-less problem 'input'", () => {
    assert.throws(
      () => parse(z.string(), 42),
      (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'input',
    );
  });
});
