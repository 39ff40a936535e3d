// The ways of sending a row-level-security transaction (BEGIN, the role
// switch, the statement, COMMIT) that were measured before choosing the one
// in src/db/drivers.ts, written straight on pg so that only the wire differs:
// four round trips or one (pg's pipeline mode), unnamed statements (parsed
// and planned every time) or named prepared ones.
import pg from 'pg';
import { HISTORY_SQL, SAVE_SQL, type Fixture } from './floor.ts';
import { CONTENT } from './peers.ts';
import type { Operation } from './runner.ts';

const SWITCH =
  "select set_config('role', $1, true), set_config('app.user_id', coalesce($2, ''), true)";
const ROLE = 'todochat_user_role';

type Query = { text: string; values: unknown[]; name?: string };

export function variantContenders(url: string, fixture: Fixture) {
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

  const ways: Record<string, (query: Query) => Promise<unknown>> = {
    floor,
    'four trips, unnamed (before)': serial(false),
    'four trips, named': serial(true),
    'one trip, unnamed': oneTrip(false),
    'one trip, named (chosen)': oneTrip(true),
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
