import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it, mock } from 'node:test';
import { InvalidTokenError } from '../errors.ts';
import { TokenService } from './token.service.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('TokenService', () => {
  afterEach(() => mock.timers.reset());

  it('verifies its own token, again and again', async () => {
    const tokens = new TokenService({ secret: SECRET, ttlSeconds: 3600 });
    const userId = randomUUID();
    const { token } = await tokens.issue(userId);
    for (let time = 0; time < 3; time++) {
      const verified = await tokens.verify(token);
      assert.ok(verified.kind === 'local');
      assert.equal(verified.userId, userId);
    }
  });

  it('refuses a token once it has expired, though it verified before', async () => {
    mock.timers.enable({ apis: ['Date'], now: Date.UTC(2026, 0, 1) });
    const tokens = new TokenService({ secret: SECRET, ttlSeconds: 60 });
    const { token, expiresAt } = await tokens.issue(randomUUID());
    await tokens.verify(token);
    mock.timers.setTime(expiresAt.getTime() - 1);
    await tokens.verify(token);
    mock.timers.setTime(expiresAt.getTime());
    await assert.rejects(tokens.verify(token), (error: unknown) => {
      assert.ok(error instanceof InvalidTokenError);
      assert.match(error.message, /expired/);
      return true;
    });
  });

  it('refuses a token changed after a verified one, and one signed with another secret', async () => {
    const tokens = new TokenService({ secret: SECRET, ttlSeconds: 3600 });
    const { token } = await tokens.issue(randomUUID());
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string };
    claims.sub = randomUUID();
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await assert.rejects(tokens.verify(forged), InvalidTokenError);
    const other = new TokenService({ secret: `${SECRET}-other`, ttlSeconds: 3600 });
    await assert.rejects(other.verify(token), InvalidTokenError);
  });

  it('still verifies a token after more than a thousand others were kept', async () => {
    const tokens = new TokenService({ secret: SECRET, ttlSeconds: 3600 });
    const issued = await Promise.all(
      Array.from({ length: 1100 }, async () => {
        const userId = randomUUID();
        return { userId, token: (await tokens.issue(userId)).token };
      }),
    );
    for (const { token } of issued) await tokens.verify(token);
    const first = issued[0];
    assert.ok(first !== undefined);
    const again = await tokens.verify(first.token);
    assert.equal(again.kind === 'local' ? again.userId : '', first.userId);
  });
});
