// Schema migrations on either engine: latest, rollback by steps or to zero,
// and a status listing. The CLI and openStore() both come through here.
import { Migrator, NO_MIGRATIONS, type Kysely, type MigrationResultSet } from 'kysely';
import { AppError } from '../errors.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export interface MigrationStep {
  name: string;
  direction: 'Up' | 'Down';
  status: 'Success' | 'Error' | 'NotExecuted';
}

function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
  });
}

function unwrap(result: MigrationResultSet): MigrationStep[] {
  const steps = (result.results ?? []).map(({ migrationName, direction, status }) => ({
    name: migrationName,
    direction,
    status,
  }));
  if (result.error !== undefined) {
    const failed = steps.find((step) => step.status === 'Error');
    throw new MigrationError(
      `Migration ${failed?.name ?? '(none)'} failed: ${errorMessage(result.error)}`,
      result.error,
    );
  }
  return steps;
}

export class MigrationError extends AppError {
  constructor(message: string, cause: unknown) {
    super('migration_failed', message, { cause });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationStep[]> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

/** Undoes the last `steps` migrations, or all of them with `'all'`. */
export async function rollback(
  db: Kysely<Database>,
  steps: number | 'all',
): Promise<MigrationStep[]> {
  const migrator = createMigrator(db);
  if (steps === 'all') return unwrap(await migrator.migrateTo(NO_MIGRATIONS));
  const done: MigrationStep[] = [];
  for (let i = 0; i < steps; i++) {
    const result = unwrap(await migrator.migrateDown());
    if (result.length === 0) break;
    done.push(...result);
  }
  return done;
}

export async function migrationStatus(db: Kysely<Database>): Promise<MigrationStatus[]> {
  const infos = await createMigrator(db).getMigrations();
  return infos.map((info) => ({ name: info.name, executedAt: info.executedAt ?? null }));
}

export const latestMigrationName = Object.keys(migrations).sort().at(-1) ?? null;
