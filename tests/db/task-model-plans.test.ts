// The task lists and the search, EXPLAINed at scale: 10,000 tasks for each
// of ten users, and one user's 100,000 messages. Every list must be read
// through an index, the narrow ones (a day, a priority on a day) in index
// order without a sort; a search must go through the messages' GIN index.
//
// Lists of thousands of tasks (every task, everything upcoming) are a bitmap
// index scan and a sort: the planner's cheaper way to return that many rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { QueryEvent } from '../../src/db/database.ts';
import { USER_ROLE } from '../../src/db/scope.ts';
import { openStore, type Store } from '../../src/store.ts';
import type { TaskListOptions } from '../../src/tasks/task.ts';
import { testEngines, type TestDatabase } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';
import { describePlan, flatten, type PlanNode } from '../support/plans.ts';

const USERS = 10;
const TASKS_PER_USER = 10_000;
const MESSAGES = 100_000;

for (const engine of testEngines()) {
  describe(`task and search plans [${engine.name}]`, () => {
    let database: TestDatabase;
    let store: Store;
    let captured: QueryEvent[] = [];
    let userId = '';

    before(async () => {
      database = await engine.migrated();
      store = await openStore({
        ...database.options,
        migrate: false,
        onQuery: (event) => captured.push(event),
      });
      userId = (await createUser(store)).id;
      // Loading through the GIN pending list and merging it once is far
      // faster than a bulk insert into indexes that skip it.
      const searchIndexes = ['messages_search_idx', 'tasks_search_idx'];
      for (const index of searchIndexes) {
        await sql`alter index ${sql.id(index)} set (fastupdate = on)`.execute(store.database);
      }
      await store.database.transaction().execute(async (trx) => {
        await sql`insert into users (email)
          select 'plans-' || i || '@example.com' from generate_series(2, ${USERS}) as i`.execute(
          trx,
        );
        // Dues spread over four months around today, a fifth with none, some with a time.
        await sql`insert into tasks (user_id, number, title, completed, due_date, due_at, priority)
          select u.id, i, 'task ' || i, i % 4 = 0,
                 case when i % 5 = 0 then null else current_date + (i % 120 - 60) end,
                 case when i % 5 <> 0 and i % 3 = 0
                      then (current_date + (i % 120 - 60))::timestamptz + interval '9 hours' end,
                 (array['low', 'normal', 'high'])[i % 3 + 1]
          from users u cross join generate_series(1, ${TASKS_PER_USER}) as i`.execute(trx);
        await sql`update users set next_task_number = ${TASKS_PER_USER + 1}`.execute(trx);
        // 100,000 messages in a hundred conversations; one in a hundred mentions a zebra.
        await sql`insert into conversations (user_id, message_count)
          select ${userId}, 1000 from generate_series(1, 100)`.execute(trx);
        await sql`insert into messages (user_id, conversation_id, seq, role, content)
          select c.user_id, c.id, s, 'user',
                 case when s % 100 = 0 then 'we saw a zebra at the zoo ' || s
                      else 'remember to buy groceries and pay the bills ' || s end
          from conversations c cross join generate_series(1, 1000) as s`.execute(trx);
      });
      for (const index of searchIndexes) {
        await sql`select gin_clean_pending_list(${index}::regclass)`.execute(store.database);
        await sql`alter index ${sql.id(index)} set (fastupdate = off)`.execute(store.database);
      }
      await sql`analyze`.execute(store.database);
      const [{ count } = { count: 0 }] = (
        await sql<{ count: number }>`select count(*)::int as count from messages`.execute(
          store.database,
        )
      ).rows;
      assert.equal(count, MESSAGES);
    });

    after(async () => {
      await store.close();
      await database.dispose();
    });

    async function plansOf(call: () => Promise<unknown>): Promise<PlanNode[][]> {
      captured = [];
      await call();
      const statements = captured.filter(
        (event) => !/^\s*(select set_config|begin|commit|rollback)/i.test(event.sql),
      );
      assert.ok(statements.length > 0);
      const plans: PlanNode[][] = [];
      for (const statement of statements) {
        const result = await store.database.transaction().execute(async (trx) => {
          await sql`select set_config('role', ${USER_ROLE}, true), set_config('app.user_id', ${userId}, true)`.execute(
            trx,
          );
          return trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
            CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
          );
        });
        const raw = result.rows[0]?.['QUERY PLAN'];
        const parsed = typeof raw === 'string' ? (JSON.parse(raw) as [{ Plan: PlanNode }]) : raw;
        assert.ok(parsed !== undefined);
        plans.push(flatten(parsed[0].Plan));
      }
      return plans;
    }

    function taskListPlan(plans: PlanNode[][]): PlanNode[] {
      const plan = plans.find((nodes) => nodes.some((node) => node['Relation Name'] === 'tasks'));
      assert.ok(plan !== undefined, 'no statement read tasks');
      return plan;
    }

    // [list, options, the index it must use (any when null), read in index order]
    const lists: [string, TaskListOptions, string | null, boolean][] = [
      ['every task', {}, null, false],
      ['pending tasks', { status: 'pending' }, null, false],
      ['tasks due today', { due: 'today' }, 'tasks_user_due_idx', true],
      ['pending tasks due today', { due: 'today', status: 'pending' }, 'tasks_user_due_idx', true],
      ['overdue tasks', { due: 'overdue' }, 'tasks_user_due_idx', false],
      ['upcoming tasks', { due: 'upcoming' }, 'tasks_user_due_idx', false],
      ['tasks with no due date', { due: 'none' }, 'tasks_user_due_idx', false],
      ['high-priority tasks', { priority: 'high' }, 'tasks_user_priority_due_idx', false],
      [
        'high-priority tasks due today',
        { priority: 'high', due: 'today' },
        'tasks_user_priority_due_idx',
        true,
      ],
    ];
    for (const [name, options, index, ordered] of lists) {
      it(`lists ${name} through ${index ?? 'an index'}${ordered ? ', in index order' : ''}`, async () => {
        const nodes = taskListPlan(await plansOf(() => store.tasks.listTasks(userId, options)));
        const text = describePlan(nodes);
        assert.ok(!nodes.some((node) => node['Node Type'] === 'Seq Scan'), `seq scan: ${text}`);
        assert.ok(
          nodes.some((node) =>
            index === null ? node['Index Name'] !== undefined : node['Index Name'] === index,
          ),
          `expected ${index ?? 'an index'}: ${text}`,
        );
        if (ordered) {
          assert.ok(!nodes.some((node) => node['Node Type'].includes('Sort')), `sort: ${text}`);
        }
      });
    }

    it("searches a user's 100,000 messages through the GIN index", async () => {
      const hits = await store.search.search(userId, 'zebra');
      assert.equal(hits.length, 20);
      assert.ok(hits.every((hit) => hit.kind === 'message' && /\*\*zebra\*\*/.test(hit.snippet)));
      const nodes = (await plansOf(() => store.search.search(userId, 'zebras'))).flat();
      const text = describePlan(nodes);
      assert.ok(
        nodes.some(
          (node) =>
            node['Node Type'] === 'Bitmap Index Scan' &&
            node['Index Name'] === 'messages_search_idx',
        ),
        `expected a bitmap scan of messages_search_idx: ${text}`,
      );
      assert.ok(
        !nodes.some(
          (node) =>
            node['Node Type'] === 'Seq Scan' &&
            (node['Relation Name'] === 'messages' || node['Relation Name'] === 'tasks'),
        ),
        `seq scan: ${text}`,
      );
    });
  });
}
