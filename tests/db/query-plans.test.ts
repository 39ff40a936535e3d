// Every statement the services send, EXPLAINed on tables large enough for the
// planner to prefer a sequential scan or a sort if an index were missing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { QueryEvent } from '../../src/db/database.ts';
import { AUTH_ROLE, USER_ROLE } from '../../src/db/scope.ts';
import { encodeMessageCursor } from '../../src/conversations/cursor.ts';
import { openStore, type Store } from '../../src/store.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';
import { describePlan, flatten, type PlanNode } from '../support/plans.ts';

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `'${value.toISOString()}'`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

const BIG_CONVERSATION = 20_000;
const CONVERSATIONS = 3_000;

for (const engine of testEngines()) {
  describe(`query plans [${engine.name}]`, () => {
    let database: TestDatabase;
    let store: Store;
    let captured: QueryEvent[] = [];
    let userId = '';
    let conversationId = '';

    before(async () => {
      database = await engine.migrated();
      store = await openStore({
        ...database.options,
        migrate: false,
        onQuery: (event) => captured.push(event),
      });
      const user = await createUser(store);
      const other = await createUser(store);
      userId = user.id;
      const conversation = await store.conversations.createConversation(user.id);
      conversationId = conversation.id;
      await store.database.transaction().execute(async (trx) => {
        for (const owner of [user.id, other.id]) {
          await sql`insert into conversations (user_id, status, updated_at)
            select ${owner}, case when i % 4 = 0 then 'archived' else 'active' end,
                   now() - i * interval '1 minute'
            from generate_series(1, ${CONVERSATIONS}) as i`.execute(trx);
        }
        // Tasks of many users, so that one user's are a small share of the table.
        await sql`insert into users (email)
          select 'plan-' || i || '@example.com' from generate_series(1, 30) as i`.execute(trx);
        await sql`insert into tasks (user_id, number, title, completed)
          select u.id, i, 'task ' || i, i % 3 = 0
          from users u cross join generate_series(1, 500) as i`.execute(trx);
        await sql`insert into messages (user_id, conversation_id, seq, role, content)
          select ${userId}, ${conversationId}, i, 'user', 'message ' || i
          from generate_series(1, ${BIG_CONVERSATION}) as i`.execute(trx);
        await sql`insert into messages (user_id, conversation_id, seq, role, content)
          select c.user_id, c.id, 1, 'user', 'hi' from conversations c where c.id <> ${conversationId}`.execute(
          trx,
        );
        await sql`update conversations set message_count = case when id = ${conversationId} then ${BIG_CONVERSATION} else 1 end`.execute(
          trx,
        );
        await sql`update users set next_task_number = 501`.execute(trx);
        // Enough accounts that finding one by email by scanning would show.
        await sql`insert into users (email)
          select 'account-' || i || '@example.com' from generate_series(1, 5000) as i`.execute(trx);
      });
      await sql`analyze`.execute(store.database);
    });

    after(async () => {
      await store.close();
      await database.dispose();
    });

    /**
     * The plans of the data statements `call` makes, run under the user's
     * role: each one's custom plan, and the generic plan its prepared
     * statement runs with (the drivers ask for generic plans).
     */
    async function plansOf(call: () => Promise<unknown>): Promise<PlanNode[][]> {
      captured = [];
      await call();
      const statements = captured.filter(
        (event) => !/^\s*(select set_config|begin|commit|rollback)/i.test(event.sql),
      );
      assert.ok(statements.length > 0);
      const plans: PlanNode[][] = [];
      for (const statement of statements) {
        const parameters = [...statement.parameters];
        // EXECUTE takes its arguments as SQL, not as bound parameters.
        const literals = parameters.map(literal).join(', ');
        const results = await store.database.transaction().execute(async (trx) => {
          await sql`select set_config('role', ${USER_ROLE}, true), set_config('app.user_id', ${userId}, true)`.execute(
            trx,
          );
          const custom = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(
            CompiledQuery.raw(`explain (format json) ${statement.sql}`, parameters),
          );
          await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
          await sql.raw(`prepare plan_probe as ${statement.sql}`).execute(trx);
          const generic = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(
            CompiledQuery.raw(
              `explain (format json) execute plan_probe${parameters.length > 0 ? `(${literals})` : ''}`,
            ),
          );
          await sql`deallocate plan_probe`.execute(trx);
          return [custom, generic];
        });
        for (const result of results) {
          const raw = result.rows[0]?.['QUERY PLAN'];
          const parsed =
            typeof raw === 'string'
              ? (JSON.parse(raw) as [{ Plan: PlanNode }])
              : (raw as [{ Plan: PlanNode }] | undefined);
          assert.ok(parsed !== undefined);
          plans.push(flatten(parsed[0].Plan));
        }
      }
      return plans;
    }

    function assertIndexed(plans: PlanNode[][], options: { noSort?: boolean } = {}) {
      for (const nodes of plans) {
        const text = describePlan(nodes);
        assert.ok(
          !nodes.some(
            (node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== 'users',
          ),
          `sequential scan: ${text}`,
        );
        if (options.noSort === true) {
          assert.ok(!nodes.some((node) => node['Node Type'] === 'Sort'), `sort: ${text}`);
        }
      }
    }

    it('reads the newest page of a 20,000-message conversation by index, without sorting', async () => {
      assertIndexed(
        await plansOf(() => store.conversations.getConversationHistory(userId, conversationId)),
        { noSort: true },
      );
    });

    it('reads older and newer pages by index range, without sorting', async () => {
      // Cursors that leave thousands of messages on their side: with only a
      // few dozen, sorting them is the planner's cheaper (and bounded) choice.
      for (const window of [
        { before: encodeMessageCursor(BIG_CONVERSATION - 1000) },
        { after: encodeMessageCursor(100) },
      ]) {
        assertIndexed(
          await plansOf(() =>
            store.conversations.getConversationHistory(userId, conversationId, window),
          ),
          { noSort: true },
        );
      }
    });

    it('lists conversations by recency from the index, filtered or merged across statuses', async () => {
      const first = await store.conversations.getUserConversations(userId, { limit: 20 });
      for (const options of [
        { limit: 20 },
        { limit: 20, status: 'active' as const },
        { limit: 20, status: 'archived' as const },
        { limit: 20, cursor: first.nextCursor ?? '' },
      ]) {
        assertIndexed(
          await plansOf(() => store.conversations.getUserConversations(userId, options)),
          {
            noSort: true,
          },
        );
      }
    });

    it('finds the latest active conversation and saves a message by index', async () => {
      assertIndexed(await plansOf(() => store.conversations.getOrCreateConversation(userId)), {
        noSort: true,
      });
      assertIndexed(
        await plansOf(() =>
          store.conversations.saveMessage(userId, conversationId, {
            role: 'user',
            content: 'planned',
            idempotencyKey: 'plan-1',
          }),
        ),
      );
    });

    it('reads, changes and deletes tasks by index', async () => {
      // A user's few hundred tasks may be sorted after an index lookup.
      assertIndexed(await plansOf(() => store.tasks.listTasks(userId, { status: 'pending' })));
      assertIndexed(await plansOf(() => store.tasks.getTask(userId, 250)));
      assertIndexed(await plansOf(() => store.tasks.completeTask(userId, 251)));
      assertIndexed(await plansOf(() => store.tasks.addTask(userId, { title: 'planned' })));
    });

    it('finds an account by email through users_email_key, under the auth role', async () => {
      captured = [];
      await store.users.findUserByEmail('Account-42@Example.com');
      const lookup = captured.find((event) => /from "users"/.test(event.sql));
      assert.ok(lookup !== undefined);
      const result = await store.database.transaction().execute(async (trx) => {
        await sql`select set_config('role', ${AUTH_ROLE}, true)`.execute(trx);
        return trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
          CompiledQuery.raw(`explain (format json) ${lookup.sql}`, [...lookup.parameters]),
        );
      });
      const raw = result.rows[0]?.['QUERY PLAN'];
      const parsed = typeof raw === 'string' ? (JSON.parse(raw) as [{ Plan: PlanNode }]) : raw;
      assert.ok(parsed !== undefined);
      const nodes = flatten(parsed[0].Plan);
      assert.ok(
        nodes.some((node) => node['Index Name'] === 'users_email_key'),
        describePlan(nodes),
      );
    });
  });
}
