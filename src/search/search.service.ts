// Full-text search over one user's messages and tasks, under their
// row-level security like every other read.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { asUser } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, limit, parse, text } from '../validation.ts';
import { searchUserContent } from './search.repository.ts';
import type { SearchHit } from './search.ts';

export const SEARCH_QUERY_MAX = 200;
export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 50;

const querySchema = z.object({
  q: text({ min: 1, max: SEARCH_QUERY_MAX, trim: true }),
  limit: limit(SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX),
});

export class SearchService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Best match first. A query of only common words ("the") matches nothing. */
  async search(
    userId: string,
    q: string,
    options: { limit?: number | undefined } = {},
  ): Promise<SearchHit[]> {
    const user = parse(id, userId, 'userId');
    const values = parse(querySchema, { q, limit: options.limit });
    return asUser(this.#db, user, (trx) => searchUserContent(trx, user, values.q, values.limit));
  }
}
