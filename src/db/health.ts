// Readiness: can the database answer a statement right now?
import { sql, type Kysely } from 'kysely';
import { DatabaseUnavailableError } from '../errors.ts';
import type { Database } from './schema.ts';

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    throw new DatabaseUnavailableError('The database is not answering', { cause: error });
  }
}
