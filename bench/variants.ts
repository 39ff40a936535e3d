// The ways of sending a row-level-security transaction that were measured
// before choosing the one in src/db/drivers.ts. The ones tried first are
// written straight on pg so that only the wire differs: BEGIN, the role
// switch, the statement and COMMIT in four round trips or in one (pg's
// pipeline mode, a Sync after each), as unnamed statements (parsed and planned
// every time) or named prepared ones. The chosen one is the driver itself:
// the switch and the statement, named, before a single Sync.
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import { alone } from '../src/db/drivers.ts';
import type { Database } from '../src/db/schema.ts';
import { HISTORY_SQL, SAVE_SQL, type Fixture } from './floor.ts';
import { CONTENT } from './peers.ts';
import type { Operation } from './runner.ts';

const SWITCH =
  "select set_config('role', $1, true), set_config('app.user_id', coalesce($2, ''), true)";
const ROLE = 'todochat_user_role';

type Query = { text: string; values: unknown[]; name?: string };

export function variantContenders(url: string, fixture: Fixture, database: Kysely<Database>) {
  const serialPool = new pg.Pool({ connectionString: url, max: 4 });
  const pipelinePool = new pg.Pool({ connectionString: url, max: 4, pipeline: true });

  const serial = (named: boolean) => async (query: Query) => {
    const client = await serialPool.connect();
    try {
      await client.query('begin');
      await client.query({
        text: SWITCH,
        values: [ROLE, fixture.userId],
        ...(named ? { name: 'v_switch' } : {}),
      });
      await client.query(named ? query : { text: query.text, values: query.values });
      await client.query('commit');
    } finally {
      client.release();
    }
  };
  const oneTrip = (named: boolean) => async (query: Query) => {
    const client = await pipelinePool.connect();
    try {
      await Promise.all([
        client.query('begin'),
        client.query({
          text: SWITCH,
          values: [ROLE, fixture.userId],
          ...(named ? { name: 'v_switch' } : {}),
        }),
        client.query(named ? query : { text: query.text, values: query.values }),
        client.query('commit'),
      ]);
    } finally {
      client.release();
    }
  };
  const floor = async (query: Query) => serialPool.query(query);
  const oneSync = (query: Query) =>
    database.executeQuery(
      alone(CompiledQuery.raw(query.text, query.values), { role: ROLE, userId: fixture.userId }),
    );

  const ways: Record<string, (query: Query) => Promise<unknown>> = {
    floor,
    'four trips, unnamed (before)': serial(false),
    'four trips, named': serial(true),
    'one trip, unnamed': oneTrip(false),
    'one trip, named (pipeline)': oneTrip(true),
    'one Sync (chosen)': oneSync,
  };
  const target = fixture.writers[64] ?? '';
  const of = (query: Query): Record<string, Operation> =>
    Object.fromEntries(Object.entries(ways).map(([name, way]) => [name, () => way(query)]));
  return {
    operations: {
      'append a message': of({
        name: 'v_save',
        text: SAVE_SQL,
        values: [fixture.userId, target, 'user', CONTENT, null, null],
      }),
      'newest 50 of 100': of({
        name: 'v_history',
        text: HISTORY_SQL,
        values: [fixture.userId, fixture.small, 50],
      }),
    },
    close: async () => {
      await serialPool.end();
      await pipelinePool.end();
    },
  };
}
