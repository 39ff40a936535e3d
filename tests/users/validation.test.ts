import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { NewUser } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';
import {
  PASSWORD,
  createUser,
  ownerRows,
  uniqueEmail,
  validationFailure,
} from '../support/fixtures.ts';

describeStore('UserService bad input', (ctx) => {
  const users = () => ctx.store.users;

  async function userCount(): Promise<number> {
    const [row] = await ownerRows(
      ctx.store,
      sql<{ n: number }>`select count(*)::int as n from users`,
    );
    return row?.n ?? -1;
  }

  const cases: [string, NewUser, string, RegExp][] = [
    ['a malformed email', { email: 'not-an-email' }, 'email', /must be an email address/],
    ['an email without a domain', { email: 'ada@' }, 'email', /must be an email address/],
    ['an empty email', { email: '' }, 'email', /at least 3 characters/],
    ['a NUL character in the email', { email: 'a\u0000b@example.com' }, 'email', /NUL/],
    [
      'an email over 320 characters',
      { email: `${'a'.repeat(64)}@${'b'.repeat(250)}.example.com` },
      'email',
      /at most 320 characters/,
    ],
    [
      'a password shorter than 8 characters',
      { email: uniqueEmail(), password: 'x'.repeat(7) },
      'password',
      /at least 8 characters/,
    ],
    [
      'a password of 7 emoji (counted as characters, not UTF-16 units)',
      { email: uniqueEmail(), password: '😀'.repeat(7) },
      'password',
      /at least 8 characters/,
    ],
    [
      'a password longer than 256 characters',
      { email: uniqueEmail(), password: 'x'.repeat(257) },
      'password',
      /at most 256 characters \(got 257\)/,
    ],
    [
      'a NUL character in the password',
      { email: uniqueEmail(), password: `${PASSWORD}\u0000` },
      'password',
      /NUL/,
    ],
  ];

  for (const [name, input, field, message] of cases) {
    it(`createUser refuses ${name} with a ValidationError naming ${field}, storing nothing`, async () => {
      const before = await userCount();
      await assert.rejects(users().createUser(input), validationFailure(field, message));
      assert.equal(await userCount(), before);
    });
  }

  it('createUser accepts passwords of exactly 8 and 256 characters', async () => {
    for (const password of ['x'.repeat(8), 'y'.repeat(256)]) {
      const user = await users().createUser({ email: uniqueEmail(), password });
      assert.deepEqual(await users().verifyCredentials(user.email, password), user);
    }
  });

  it('getUser refuses a malformed userId with a ValidationError naming userId', async () => {
    await assert.rejects(users().getUser('42'), validationFailure('userId', /must be a UUID/));
    await assert.rejects(users().getUser(''), validationFailure('userId'));
    await assert.rejects(users().getUser("1' or '1'='1"), validationFailure('userId'));
  });

  it('deleteUser refuses a malformed userId with a ValidationError, deleting nothing', async () => {
    await createUser(ctx.store);
    const before = await userCount();
    await assert.rejects(users().deleteUser('not-a-uuid'), validationFailure('userId'));
    await assert.rejects(users().deleteUser('%'), validationFailure('userId'));
    assert.equal(await userCount(), before);
  });

  it('findUserByEmail refuses a malformed email with a ValidationError naming email', async () => {
    await assert.rejects(users().findUserByEmail('not-an-email'), validationFailure('email'));
    await assert.rejects(
      users().findUserByEmail('a\u0000b@example.com'),
      validationFailure('email'),
    );
  });

  it('ensureExternalUser refuses an oversized subject with a ValidationError naming subject', async () => {
    const before = await userCount();
    await assert.rejects(
      users().ensureExternalUser({
        issuer: 'https://a.example',
        subject: 'x'.repeat(501),
        email: uniqueEmail(),
      }),
      validationFailure('subject'),
    );
    assert.equal(await userCount(), before);
  });
});
