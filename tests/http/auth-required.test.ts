import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SignJWT } from 'jose';
import { describeStore } from '../support/databases.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

const PROTECTED: [string, string][] = [
  ['GET', '/api/me'],
  ['POST', '/api/chat/conversations'],
  ['GET', '/api/chat/conversations'],
  ['GET', '/api/chat/conversations/6d1f4c5e-5b7a-4c1b-9a0e-3f2d1c0b9a8e'],
  ['PATCH', '/api/chat/conversations/6d1f4c5e-5b7a-4c1b-9a0e-3f2d1c0b9a8e'],
  ['DELETE', '/api/chat/conversations/6d1f4c5e-5b7a-4c1b-9a0e-3f2d1c0b9a8e'],
  ['GET', '/api/chat/conversations/6d1f4c5e-5b7a-4c1b-9a0e-3f2d1c0b9a8e/messages'],
  ['POST', '/api/chat/conversations/6d1f4c5e-5b7a-4c1b-9a0e-3f2d1c0b9a8e/messages'],
  ['GET', '/api/tasks'],
  ['POST', '/api/tasks'],
  ['GET', '/api/tasks/1'],
  ['PATCH', '/api/tasks/1'],
  ['DELETE', '/api/tasks/1'],
  ['POST', '/mcp'],
];

const CHALLENGE = 'Bearer realm="todochat"';
const INVALID_TOKEN = 'Bearer realm="todochat", error="invalid_token"';

describeStore('HTTP authentication', (ctx) => {
  async function statusesWith(client: Client, challenge: string): Promise<number[]> {
    const statuses: number[] = [];
    for (const [method, path] of PROTECTED) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const reply = await client.request(method, path, { body });
      assert.equal(
        json<{ error: { code: string } }>(reply).error.code,
        'unauthorized',
        `${method} ${path}`,
      );
      assert.equal(reply.headers.get('WWW-Authenticate'), challenge, `${method} ${path}`);
      statuses.push(reply.status);
    }
    return statuses;
  }

  it('answers 401 on every protected route without a token', async () => {
    const { app } = createTestApp(ctx.store);
    assert.deepEqual(
      await statusesWith(new Client(app), CHALLENGE),
      PROTECTED.map(() => 401),
    );
  });

  it('answers 401 to a tampered token', async () => {
    const { app } = createTestApp(ctx.store);
    const { token } = await signUp(app);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    assert.deepEqual(
      await statusesWith(new Client(app, `${header}.${forged}.${signature}`), INVALID_TOKEN),
      PROTECTED.map(() => 401),
    );
    const garbage = await new Client(app, 'not-a-jwt').get('/api/me');
    assert.equal(garbage.status, 401);
    assert.equal(garbage.headers.get('WWW-Authenticate'), INVALID_TOKEN);
  });

  it('answers 401 to an expired token, saying so', async () => {
    const test = createTestApp(ctx.store);
    const { userId } = await signUp(test.app);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer('todochat')
      .setAudience('todochat-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(test.secret));
    const reply = await new Client(test.app, expired).get('/api/me');
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('WWW-Authenticate'), INVALID_TOKEN);
    assert.match(json<{ error: { message: string } }>(reply).error.message, /expired/);
  });

  it('answers 401 to a valid token whose user has been deleted', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    await ctx.store.users.deleteUser(user.userId);
    const reply = await user.client.get('/api/me');
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('WWW-Authenticate'), INVALID_TOKEN);
  });

  it('challenges a wrong password with Bearer but no invalid_token', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const reply = await new Client(app).post('/api/auth/login', {
      email: user.email,
      password: 'not the password',
    });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('WWW-Authenticate'), CHALLENGE);
  });
});
