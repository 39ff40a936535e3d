import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

interface Session {
  access_token: string;
  token_type: string;
  expires_at: string;
  user: { id: string; email: string; created_at: string };
}

describeStore('HTTP accounts', (ctx) => {
  it('registers, signs in and answers /api/me with the same user', async () => {
    const { app } = createTestApp(ctx.store);
    const anonymous = new Client(app);
    const registered = await anonymous.post('/api/auth/register', {
      email: 'Grace@Example.com',
      password: PASSWORD,
    });
    assert.equal(registered.status, 201);
    const session = json<Session>(registered);
    assert.equal(session.token_type, 'Bearer');
    assert.equal(session.user.email, 'Grace@Example.com');
    assert.ok(Date.parse(session.expires_at) > Date.now());

    const login = await anonymous.post('/api/auth/login', {
      email: 'grace@example.com',
      password: PASSWORD,
    });
    assert.equal(login.status, 200);
    assert.equal(json<Session>(login).user.id, session.user.id);

    const me = await new Client(app, json<Session>(login).access_token).get('/api/me');
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, session.user);

    const row = await sql<{ password_hash: string }>`
      select password_hash from users where id = ${session.user.id}`.execute(ctx.store.database);
    assert.match(row.rows[0]?.password_hash ?? '', /^\$argon2id\$/);
  });

  it('refuses a second account for the same email, in any case, with 409', async () => {
    const { app } = createTestApp(ctx.store);
    const first = await signUp(app);
    const again = await new Client(app).post('/api/auth/register', {
      email: first.email.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(again.status, 409);
    assert.equal(json<{ error: { code: string } }>(again).error.code, 'conflict');
  });

  it('refuses a short password and a malformed email with 422 naming the field', async () => {
    const { app } = createTestApp(ctx.store);
    const short = await new Client(app).post('/api/auth/register', {
      email: 'short@example.com',
      password: 'abc',
    });
    assert.equal(short.status, 422);
    assert.deepEqual(
      json<{ error: { details: { issues: { field: string }[] } } }>(short).error.details.issues.map(
        (issue) => issue.field,
      ),
      ['password'],
    );
    const email = await new Client(app).post('/api/auth/register', {
      email: 'not an email',
      password: PASSWORD,
    });
    assert.equal(email.status, 422);
  });

  it('answers a wrong password and an unknown email alike, with 401', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const wrong = await new Client(app).post('/api/auth/login', {
      email: user.email,
      password: 'not the password',
    });
    const unknown = await new Client(app).post('/api/auth/login', {
      email: 'nobody@example.com',
      password: PASSWORD,
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
  });

  it('throttles repeated failed sign-ins with 429 and Retry-After, per email', async () => {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    const anonymous = new Client(app);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const reply = await anonymous.post('/api/auth/login', {
        email: user.email,
        password: 'nope-nope',
      });
      statuses.push(reply.status);
      if (reply.status === 429) assert.ok(Number(reply.headers.get('Retry-After')) >= 1);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    // Even the right password waits until the delay is over.
    const right = await anonymous.post('/api/auth/login', {
      email: user.email,
      password: PASSWORD,
    });
    assert.equal(right.status, 429);
    // Another account is not affected.
    const other = await signUp(app);
    const fine = await anonymous.post('/api/auth/login', {
      email: other.email,
      password: PASSWORD,
    });
    assert.equal(fine.status, 200);
  });

  it('accepts tokens from an outside sign-in service and creates the user on first sight', async () => {
    const shared = 'a-shared-secret-of-at-least-thirty-two-characters';
    const { app } = createTestApp(ctx.store, {
      external: {
        jwksUrl: undefined,
        secret: shared,
        issuer: 'https://auth.example.com',
        audience: 'todochat',
        userIdClaim: 'sub',
        emailClaim: 'email',
      },
    });
    const token = await new SignJWT({ email: 'outside@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_2xYzExternal')
      .setIssuer('https://auth.example.com')
      .setAudience('todochat')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(shared));
    const client = new Client(app, token);
    const me = await client.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(json(me).email, 'outside@example.com');
    assert.deepEqual((await client.get('/api/me')).body, me.body);
    const task = await client.post('/api/tasks', { title: 'from outside' });
    assert.equal(task.status, 201);
    // Signed with another secret: refused.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_2xYzExternal')
      .setIssuer('https://auth.example.com')
      .setAudience('todochat')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    assert.equal((await new Client(app, forged).get('/api/me')).status, 401);
  });

  it("does not let an outside token whose subject is a local account's id act as that account", async () => {
    const shared = 'a-shared-secret-of-at-least-thirty-two-characters';
    const { app } = createTestApp(ctx.store, {
      external: {
        jwksUrl: undefined,
        secret: shared,
        issuer: 'https://auth.example.com',
        audience: 'todochat',
        userIdClaim: 'sub',
        emailClaim: 'email',
      },
    });
    const victim = await signUp(app);
    await victim.client.post('/api/tasks', { title: 'the victim task' });
    const token = await new SignJWT({ email: victim.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(victim.userId)
      .setIssuer('https://auth.example.com')
      .setAudience('todochat')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(shared));
    const attacker = new Client(app, token);
    const me = json<{ id: string; email: string }>(await attacker.get('/api/me'));
    assert.notEqual(me.id, victim.userId);
    assert.notEqual(me.email, victim.email);
    assert.deepEqual(json<{ tasks: unknown[] }>(await attacker.get('/api/tasks')).tasks, []);
    const victims = json<{ tasks: { title: string }[] }>(await victim.client.get('/api/tasks'));
    assert.deepEqual(
      victims.tasks.map((task) => task.title),
      ['the victim task'],
    );
  });
});
