// openStore(): the data layer in one call. Opens the engine (PostgreSQL when
// a URL is given, embedded PGlite otherwise), brings the schema up to date,
// and hands back the services.
import type { Kysely } from 'kysely';
import { ApiKeyService } from './api-keys/api-key.service.ts';
import { ConversationService } from './conversations/conversation.service.ts';
import type { Config } from './config.ts';
import { openDatabase, type DatabaseOptions, type Engine } from './db/database.ts';
import { pingDatabase } from './db/health.ts';
import { migrateToLatest } from './db/migrator.ts';
import type { Database } from './db/schema.ts';
import { translateDatabaseError } from './db/database-errors.ts';
import { SearchService } from './search/search.service.ts';
import { TaskService } from './tasks/task.service.ts';
import { UserService } from './users/user.service.ts';

export interface StoreOptions extends DatabaseOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean | undefined;
}

/** Where the configuration says the data lives (DATABASE_URL or TODOCHAT_DATA_DIR), and the pool. */
export function storeOptionsFrom(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pool'>,
): StoreOptions {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, pool: config.pool };
}

export interface Store {
  readonly users: UserService;
  readonly tasks: TaskService;
  readonly conversations: ConversationService;
  readonly apiKeys: ApiKeyService;
  readonly search: SearchService;
  readonly engine: Engine;
  /** The data directory, or the server URL with its password hidden. */
  readonly location: string;
  /** The query builder underneath, for diagnostics, migrations and tests. */
  readonly database: Kysely<Database>;
  /** Resolves when the database answers; rejects with DatabaseUnavailableError. */
  ping(): Promise<void>;
  /** Closes connections and, on PGlite, releases the data directory. */
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const handle = await openDatabase(options);
  try {
    if (options.migrate ?? true) await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw translateDatabaseError(error);
  }
  let closing: Promise<void> | undefined;
  return {
    users: new UserService(handle.db),
    tasks: new TaskService(handle.db),
    conversations: new ConversationService(handle.db),
    apiKeys: new ApiKeyService(handle.db),
    search: new SearchService(handle.db),
    engine: handle.engine,
    location: handle.location,
    database: handle.db,
    ping: () => pingDatabase(handle.db),
    close() {
      closing ??= handle.close();
      return closing;
    },
  };
}
