// DELETE /api/me: confirmed by the password, or by a fresh outside sign-in;
// it takes the account and everything in it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { PASSWORD, ownerRows } from '../support/fixtures.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

const SHARED = 'a-shared-secret-of-at-least-thirty-two-characters';
const EXTERNAL = {
  jwksUrl: undefined,
  secret: SHARED,
  issuer: 'https://auth.example.com',
  audience: 'todochat',
  userIdClaim: 'sub',
  emailClaim: 'email',
};

function outsideToken(subject: string, issuedSecondsAgo: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: `${subject}@example.com` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(EXTERNAL.issuer)
    .setAudience(EXTERNAL.audience)
    .setIssuedAt(now - issuedSecondsAgo)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(SHARED));
}

describeStore('account deletion', (ctx) => {
  const rowsOf = async (userId: string) =>
    (
      await ownerRows(
        ctx.store,
        sql<{ users: number; tasks: number; conversations: number; messages: number }>`
          select (select count(*)::int from users where id = ${userId}) as users,
                 (select count(*)::int from tasks where user_id = ${userId}) as tasks,
                 (select count(*)::int from conversations where user_id = ${userId}) as conversations,
                 (select count(*)::int from messages where user_id = ${userId}) as messages`,
      )
    )[0];

  it('deletes the account and everything in it when the password confirms it', async () => {
    const { app } = createTestApp(ctx.store);
    const owner = await signUp(app);
    const other = await signUp(app);
    for (const who of [owner, other]) {
      await who.client.post('/api/tasks', { title: 'task', due: 'tomorrow' });
      const conversation = json<{ id: string }>(await who.client.post('/api/chat/conversations'));
      await who.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
        role: 'user',
        content: 'hi',
      });
    }
    assert.deepEqual(await rowsOf(owner.userId), {
      users: 1,
      tasks: 1,
      conversations: 1,
      messages: 1,
    });

    const missing = await owner.client.request('DELETE', '/api/me');
    assert.equal(missing.status, 422);
    assert.equal(
      json<{ error: { details: { issues: { field: string }[] } } }>(missing).error.details.issues[0]
        ?.field,
      'password',
    );
    const wrong = await owner.client.request('DELETE', '/api/me', {
      body: { password: 'not the password' },
    });
    assert.equal(wrong.status, 422);
    assert.match(json<{ error: { message: string } }>(wrong).error.message, /password/);
    assert.equal((await rowsOf(owner.userId))?.users, 1);

    const deleted = await owner.client.request('DELETE', '/api/me', {
      body: { password: PASSWORD },
    });
    assert.equal(deleted.status, 204);
    assert.deepEqual(await rowsOf(owner.userId), {
      users: 0,
      tasks: 0,
      conversations: 0,
      messages: 0,
    });
    assert.equal((await owner.client.get('/api/me')).status, 401);
    const relogin = await new Client(app).post('/api/auth/login', {
      email: owner.email,
      password: PASSWORD,
    });
    assert.equal(relogin.status, 401);
    assert.deepEqual(await rowsOf(other.userId), {
      users: 1,
      tasks: 1,
      conversations: 1,
      messages: 1,
    });
  });

  it('checks its body as every other route does: JSON, valid UTF-8, nothing deleted', async () => {
    const { app } = createTestApp(ctx.store);
    const owner = await signUp(app);
    const form = await owner.client.request('DELETE', '/api/me', {
      raw: `password=${PASSWORD}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    assert.equal(json<{ error: { code: string } }>(form).error.code, 'unsupported_media_type');
    // The password with one byte that is not UTF-8: refused as malformed,
    // not decoded leniently into a different password.
    const response = await app.request('/api/me', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"password":"'), Buffer.from([0xff]), Buffer.from('"}')]),
    });
    assert.equal(response.status, 400);
    const reply = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(reply.error.code, 'malformed_request');
    assert.match(reply.error.message, /UTF-8/);
    assert.equal((await rowsOf(owner.userId))?.users, 1);
  });

  it('for an outside sign-in, asks for a token issued in the last five minutes', async () => {
    const { app } = createTestApp(ctx.store, { external: EXTERNAL });
    const subject = `outside-${Date.now()}`;
    const stale = new Client(app, await outsideToken(subject, 600));
    assert.equal((await stale.post('/api/tasks', { title: 'from outside' })).status, 201);
    // Outside identities get users of their own; find the one this subject made.
    const userId = json<{ id: string }>(await stale.get('/api/me')).id;
    const refused = await stale.request('DELETE', '/api/me', { body: {} });
    assert.equal(refused.status, 401);
    assert.match(json<{ error: { message: string } }>(refused).error.message, /Sign in again/);
    assert.equal((await rowsOf(userId))?.tasks, 1);

    const fresh = new Client(app, await outsideToken(subject, 10));
    assert.equal((await fresh.request('DELETE', '/api/me')).status, 204);
    assert.deepEqual(await rowsOf(userId), { users: 0, tasks: 0, conversations: 0, messages: 0 });
  });
});
