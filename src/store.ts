// openStore(): the data layer in one call. Opens the engine (PostgreSQL when
// a URL is given, embedded PGlite otherwise), brings the schema up to date,
// and hands back the services.
import type { Kysely } from 'kysely';
import { ApiKeyService } from './api-keys/api-key.service.ts';
import { ConversationService } from './conversations/conversation.service.ts';
import type { PoolSettings } from './db/database-settings.ts';
import { openDatabase, type DatabaseOptions, type Engine, type QueryEvent } from './db/database.ts';
import { pingDatabase } from './db/health.ts';
import { migrateToLatest } from './db/migrator.ts';
import type { Database } from './db/schema.ts';
import { translateDatabaseError } from './db/database-errors.ts';
import { SearchService } from './search/search.service.ts';
import { TaskService } from './tasks/task.service.ts';
import { UserService } from './users/user.service.ts';

export interface StoreOptions {
  /** A PostgreSQL URL. Without it the store is embedded PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, created on first use; `memory://` keeps it in memory. */
  dataDir?: string | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean | undefined;
  pool?: Partial<PoolSettings> | undefined;
  /** A PGlite `dumpDataDir()` to start an in-memory database from. */
  initialData?: Blob | undefined;
  /** Called after every statement, for slow-query logs and plan checks. */
  onQuery?: ((event: QueryEvent) => void) | undefined;
  /** Called with the statements of every batch sent to the server, for counting. */
  onRoundTrip?: DatabaseOptions['onRoundTrip'];
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
  const handle = await openDatabase(options satisfies DatabaseOptions);
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
