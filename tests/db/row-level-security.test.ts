// Isolation is the database's job, not the service's: these tests bypass the
// service and send raw SQL under the same role and setting it uses.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql, type Kysely, type Transaction } from 'kysely';
import { USER_ROLE, AUTH_ROLE } from '../../src/db/scope.ts';
import type { Database } from '../../src/db/schema.ts';
import type { User } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

const TABLES = [
  'users',
  'tasks',
  'conversations',
  'messages',
  'chat_turns',
  'chat_rate_counters',
] as const;

async function as<T>(
  db: Kysely<Database>,
  role: string,
  userId: string | null,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${role}, true)`.execute(trx);
    if (userId !== null) await sql`select set_config('app.user_id', ${userId}, true)`.execute(trx);
    return work(trx);
  });
}

async function count(trx: Transaction<Database>, table: string): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx);
  return result.rows[0]?.n ?? -1;
}

// The PGlite dialect leaves numAffectedRows out when it is zero.
function affected(result: { numAffectedRows?: bigint }): bigint {
  return result.numAffectedRows ?? 0n;
}

describeStore('row-level security', (ctx) => {
  let alice: User;
  let bob: User;
  let bobsConversationId: string;

  before(async () => {
    alice = await createUser(ctx.store);
    bob = await createUser(ctx.store);
    for (const user of [alice, bob]) {
      const conversation = await ctx.store.conversations.getOrCreateConversation(user.id);
      await ctx.store.conversations.saveMessage(user.id, conversation.id, {
        role: 'user',
        content: `hello from ${user.email}`,
      });
      await ctx.store.tasks.addTask(user.id, { title: `task of ${user.email}` });
      if (user === bob) bobsConversationId = conversation.id;
    }
  });

  it('enables and forces row-level security on every user-data table', async () => {
    const result = await sql<{ relname: string; enabled: boolean; forced: boolean }>`
      select relname, relrowsecurity as enabled, relforcerowsecurity as forced
      from pg_class where relname in (${sql.join([...TABLES])}) and relkind = 'r'
      order by relname`.execute(ctx.store.database);
    assert.equal(result.rows.length, TABLES.length);
    for (const row of result.rows) {
      assert.deepEqual(row, { relname: row.relname, enabled: true, forced: true });
    }
  });

  it('shows no rows to a transaction that set no user', async () => {
    await as(ctx.store.database, USER_ROLE, null, async (trx) => {
      for (const table of TABLES) assert.equal(await count(trx, table), 0, table);
    });
  });

  it("treats the '' left behind by an ended transaction as no user", async () => {
    // On one connection: set the user in a transaction, end it, then look
    // again with the role alone. current_setting now reads '' rather than NULL.
    await ctx.store.database.connection().execute(async (connection) => {
      await as(connection, USER_ROLE, alice.id, async (trx) => {
        assert.equal(await count(trx, 'messages'), 1);
      });
      await as(connection, USER_ROLE, null, async (trx) => {
        const setting = await sql<{ value: string | null }>`
          select current_setting('app.user_id', true) as value`.execute(trx);
        assert.equal(setting.rows[0]?.value, '');
        for (const table of TABLES) assert.equal(await count(trx, table), 0, table);
      });
    });
  });

  it("lets a user's context see only that user's rows, even with no WHERE clause", async () => {
    await as(ctx.store.database, USER_ROLE, alice.id, async (trx) => {
      const owners = await sql<{ user_id: string }>`
        select user_id from messages union select user_id from tasks
        union select user_id from conversations union select id from users`.execute(trx);
      assert.deepEqual(
        owners.rows.map((row) => row.user_id),
        [alice.id],
      );
    });
  });

  it("cannot update or delete another user's rows through raw SQL", async () => {
    await as(ctx.store.database, USER_ROLE, alice.id, async (trx) => {
      const updated = await sql`update conversations set title = 'hijacked'
        where user_id = ${bob.id}`.execute(trx);
      assert.equal(affected(updated), 0n);
      const deleted = await sql`delete from messages where user_id = ${bob.id}`.execute(trx);
      assert.equal(affected(deleted), 0n);
      const tasks = await sql`update tasks set completed = true where user_id = ${bob.id}`.execute(
        trx,
      );
      assert.equal(affected(tasks), 0n);
    });
    const bobs = await sql<{ title: string | null; messages: number; completed: number }>`
      select (select title from conversations where id = ${bobsConversationId}) as title,
             (select count(*)::int from messages where user_id = ${bob.id}) as messages,
             (select count(*)::int from tasks where user_id = ${bob.id} and completed) as completed`.execute(
      ctx.store.database,
    );
    assert.deepEqual(bobs.rows[0], { title: null, messages: 1, completed: 0 });
  });

  it("cannot insert rows owned by another user, nor point at another user's conversation", async () => {
    await assert.rejects(
      as(ctx.store.database, USER_ROLE, alice.id, (trx) =>
        sql`insert into conversations (user_id) values (${bob.id})`.execute(trx),
      ),
      /row-level security/,
    );
    // Alice's own user_id with Bob's conversation: the composite foreign key
    // (user_id, conversation_id) has no such pair.
    await assert.rejects(
      as(ctx.store.database, USER_ROLE, alice.id, (trx) =>
        sql`insert into messages (user_id, conversation_id, seq, role, content)
            values (${alice.id}, ${bobsConversationId}, 99, 'user', 'sneaky')`.execute(trx),
      ),
      /foreign key/,
    );
  });

  it('keeps the accounts role away from tasks, conversations and messages', async () => {
    for (const table of ['tasks', 'conversations', 'messages']) {
      await assert.rejects(
        as(ctx.store.database, AUTH_ROLE, null, (trx) => count(trx, table)),
        /permission denied/,
        table,
      );
    }
  });

  it('does not let the user role change an email or password hash', async () => {
    await assert.rejects(
      as(ctx.store.database, USER_ROLE, alice.id, (trx) =>
        sql`update users set email = 'taken@example.com' where id = ${alice.id}`.execute(trx),
      ),
      /permission denied/,
    );
  });
});
