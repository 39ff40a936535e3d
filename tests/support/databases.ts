// Test databases on both engines. PGlite always; PostgreSQL too when
// TEST_DATABASE_URL is set. Each test file gets its own database, cloned from
// a template migrated once (PGlite: a data-directory dump cached on disk;
// PostgreSQL: CREATE DATABASE ... TEMPLATE), instead of migrating anew.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/migrator.ts';
import type { Database } from '../../src/db/schema.ts';
import { openStore, type Store, type StoreOptions } from '../../src/store.ts';

export type EngineName = 'pglite' | 'postgres';

export interface TestDatabase {
  /** What openStore() needs to reach this database. */
  readonly options: StoreOptions;
  dispose(): Promise<void>;
}

export interface TestEngine {
  readonly name: EngineName;
  /** A fresh database holding the latest schema and no rows. */
  migrated(): Promise<TestDatabase>;
  /** A fresh database with nothing in it, not even the migrations table. */
  blank(): Promise<TestDatabase>;
}

const migrationsDir = new URL('../../src/db/migrations/', import.meta.url);

/** Changes whenever a migration does, so a stale template is never reused. */
const schemaFingerprint = (() => {
  const hash = createHash('sha256');
  // A dump is only good for the PGlite version that wrote it.
  hash.update(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  );
  for (const file of readdirSync(migrationsDir).sort()) {
    hash.update(file).update(readFileSync(new URL(file, migrationsDir)));
  }
  return hash.digest('hex').slice(0, 12);
})();

let pgliteTemplate: Promise<Buffer> | undefined;

function loadPgliteTemplate(): Promise<Buffer> {
  pgliteTemplate ??= (async () => {
    const cached = join(tmpdir(), `todochat-test-template-${schemaFingerprint}.tar`);
    if (existsSync(cached)) return readFileSync(cached);
    const pglite = await PGlite.create({ dataDir: 'memory://' });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await db.destroy();
    const bytes = Buffer.from(await dump.arrayBuffer());
    const staging = `${cached}.${process.pid}`;
    writeFileSync(staging, bytes);
    renameSync(staging, cached);
    return bytes;
  })();
  return pgliteTemplate;
}

const pgliteEngine: TestEngine = {
  name: 'pglite',
  async migrated() {
    // A Blob of its own for each database: PGlite consumes the one it loads.
    const initialData = new Blob([await loadPgliteTemplate()]);
    return { options: { dataDir: 'memory://', initialData }, dispose: () => Promise.resolve() };
  },
  blank() {
    return Promise.resolve({
      options: { dataDir: 'memory://' },
      dispose: () => Promise.resolve(),
    });
  },
};

function postgresEngine(adminUrl: string, poolerUrl?: string): TestEngine {
  const templateName = `todochat_template_${schemaFingerprint}`;
  const urlFor = (database: string, through = adminUrl): string => {
    const url = new URL(through);
    url.pathname = `/${database}`;
    return url.toString();
  };

  async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function ensureTemplate(client: pg.Client): Promise<void> {
    const exists = await client.query('select 1 from pg_database where datname = $1', [
      templateName,
    ]);
    if (exists.rowCount !== 0) return;
    await client.query(`create database ${templateName}`);
    const store = await openStore({ databaseUrl: urlFor(templateName) });
    await store.close();
  }

  async function create(template: string | null): Promise<TestDatabase> {
    const name = `todochat_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await withAdmin(async (client) => {
      // One process builds the template; the others wait, then clone it.
      await client.query('select pg_advisory_lock(727274)');
      try {
        if (template !== null) await ensureTemplate(client);
        await client.query(`create database ${name} template ${template ?? 'template0'}`);
      } finally {
        await client.query('select pg_advisory_unlock(727274)');
      }
    });
    return {
      options: {
        databaseUrl: urlFor(name, poolerUrl),
        // PgBouncer 1.18 (Debian 12's) cannot follow named statements in transaction mode.
        pool: { max: 20, preparedStatements: poolerUrl === undefined },
      },
      dispose: () =>
        withAdmin(async (client) => {
          await client.query(`drop database if exists ${name} with (force)`);
        }),
    };
  }

  return {
    name: 'postgres',
    migrated: () => create(templateName),
    blank: () => create(null),
  };
}

export function testEngines(): TestEngine[] {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') return [pgliteEngine];
  // Set by tests/db/pgbouncer.test.ts when it reruns store tests through a
  // pooler: databases are still made on the server directly, and the stores
  // connect through the pooler, on PostgreSQL alone.
  const pooler = process.env.TEST_POOLER_URL;
  if (pooler !== undefined && pooler !== '') return [postgresEngine(url, pooler)];
  return [pgliteEngine, postgresEngine(url)];
}

export interface StoreContext {
  readonly engine: EngineName;
  readonly store: Store;
}

/**
 * Declares `body` once per engine, each with its own freshly migrated store
 * that lives for the whole describe block.
 */
export function describeStore(title: string, body: (context: StoreContext) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine.name}]`, () => {
      let database: TestDatabase | undefined;
      let store: Store | undefined;
      before(async () => {
        database = await engine.migrated();
        store = await openStore({ ...database.options, migrate: false });
      });
      after(async () => {
        await store?.close();
        await database?.dispose();
      });
      body({
        engine: engine.name,
        get store(): Store {
          if (store === undefined) throw new Error('the store opens in before()');
          return store;
        },
      });
    });
  }
}
