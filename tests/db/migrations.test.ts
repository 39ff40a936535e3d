import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import {
  latestMigrationName,
  migrateToLatest,
  migrationStatus,
  rollback,
} from '../../src/db/migrator.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import type { Database } from '../../src/db/schema.ts';
import { openStore } from '../../src/store.ts';
import { testEngines } from '../support/databases.ts';

const ALL_TABLES = [
  'api_keys',
  'chat_rate_counters',
  'chat_turns',
  'conversations',
  'messages',
  'tasks',
  'users',
];

async function tables(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = 'public' and tablename not like 'kysely_%' order by 1`.execute(db);
  return result.rows.map((row) => row.name);
}

async function functions(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and proname like 'todochat_%' order by 1`.execute(db);
  return result.rows.map((row) => row.name);
}

for (const engine of testEngines()) {
  describe(`migrations [${engine.name}]`, () => {
    it('walks latest, zero, latest again, leaving nothing behind at zero', async () => {
      const database = await engine.blank();
      const handle = await openDatabase(database.options);
      try {
        const applied = await migrateToLatest(handle.db);
        const names = Object.keys(migrations);
        assert.deepEqual(
          applied.map((step) => [step.name, step.direction, step.status]),
          names.map((name) => [name, 'Up', 'Success']),
        );
        assert.equal(names.at(-1), latestMigrationName);
        assert.deepEqual(await tables(handle.db), ALL_TABLES);
        assert.deepEqual(await migrateToLatest(handle.db), []);

        const reverted = await rollback(handle.db, 'all');
        assert.deepEqual(
          reverted.map((step) => [step.name, step.direction, step.status]),
          names.toReversed().map((name) => [name, 'Down', 'Success']),
        );
        assert.deepEqual(await tables(handle.db), []);
        assert.deepEqual(await functions(handle.db), []);
        assert.deepEqual(
          (await migrationStatus(handle.db)).map((migration) => migration.executedAt),
          names.map(() => null),
        );

        await migrateToLatest(handle.db);
        assert.deepEqual(await tables(handle.db), ALL_TABLES);
        const status = await migrationStatus(handle.db);
        assert.ok(status.every((migration) => migration.executedAt instanceof Date));
      } finally {
        await handle.close();
        await database.dispose();
      }
    });

    it('rolls back one step at a time and says so when nothing is left', async () => {
      const database = await engine.blank();
      const handle = await openDatabase(database.options);
      try {
        await migrateToLatest(handle.db);
        const steps = (await migrationStatus(handle.db)).length;
        assert.equal((await rollback(handle.db, steps)).length, steps);
        assert.deepEqual(await rollback(handle.db, 1), []);
      } finally {
        await handle.close();
        await database.dispose();
      }
    });

    it('gives a working store after a round trip through zero', async () => {
      const database = await engine.blank();
      const handle = await openDatabase(database.options);
      await migrateToLatest(handle.db);
      await rollback(handle.db, 'all');
      await handle.close();

      const store = await openStore(database.options);
      try {
        const user = await store.users.createUser({ email: 'roundtrip@example.com' });
        const conversation = await store.conversations.getOrCreateConversation(user.id);
        await store.conversations.saveMessage(user.id, conversation.id, {
          role: 'user',
          content: 'still works',
        });
        const history = await store.conversations.getConversationHistory(user.id, conversation.id);
        assert.equal(history.messages[0]?.content, 'still works');
      } finally {
        await store.close();
        await database.dispose();
      }
    });
  });
}
