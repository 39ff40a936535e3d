// Every key on user data carries user_id: what a distributed Postgres sharded
// by user_id (Citus) requires, and what keeps a row from ever referencing
// another user's. This reads the catalog, so a new table or constraint that
// breaks the rule fails here.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';

interface KeyRow {
  table: string;
  name: string;
  kind: string;
  columns: string[];
  referenced_columns: string[] | null;
}

describeStore('schema keys', (ctx) => {
  it('leads every primary key, unique key and foreign key on user data with user_id', async () => {
    const result = await sql<KeyRow>`
      select c.relname as table, con.conname as name, con.contype as kind,
             array(select a.attname::text from unnest(con.conkey) as k
                   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as columns,
             array(select a.attname::text from unnest(con.confkey) as k
                   join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k) as referenced_columns
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and con.contype in ('p', 'u', 'f')
        and exists (select from pg_attribute a
                    where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
      order by 1, 2`.execute(ctx.store.database);
    assert.ok(result.rows.length >= 6, 'expected the keys of tasks, conversations, messages');
    for (const key of result.rows) {
      // identities is found by (issuer, subject) before the user is known:
      // like users, it is keyed by what signs in (a reference table on Citus).
      if (key.table === 'identities' && key.kind !== 'f') continue;
      assert.ok(key.columns.includes('user_id'), `${key.table}.${key.name} lacks user_id`);
      if (key.kind === 'f') {
        // The foreign side must also be keyed by the user: users.id is the user id.
        const referenced = key.referenced_columns ?? [];
        assert.ok(
          referenced.includes('user_id') ||
            (referenced.length === 1 && referenced[0] === 'id' && key.columns[0] === 'user_id'),
          `${key.table}.${key.name} references (${referenced.join(', ')})`,
        );
      }
    }
  });

  it('includes user_id in every unique index on user data', async () => {
    const result = await sql<{ table: string; index: string; definition: string }>`
      select t.relname as table, i.relname as index, pg_get_indexdef(i.oid) as definition
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and x.indisunique and t.relname <> 'identities'
        and exists (select from pg_attribute a
                    where a.attrelid = t.oid and a.attname = 'user_id' and not a.attisdropped)`.execute(
      ctx.store.database,
    );
    for (const index of result.rows) {
      assert.match(index.definition, /\(user_id\b/, `${index.table}.${index.index}`);
    }
  });

  // login_failures counts sign-in attempts before anyone is signed in; it
  // holds no user data (and would be a local table on each Citus node).
  it('has user_id on every table but users, whose id is the user id, and login_failures', async () => {
    const result = await sql<{ table: string }>`
      select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname not like 'kysely_%'
        and not exists (select from pg_attribute a
                        where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
      order by 1`.execute(ctx.store.database);
    assert.deepEqual(
      result.rows.map((row) => row.table),
      ['login_failures', 'users'],
    );
  });
});
