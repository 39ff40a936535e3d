import { sql } from 'kysely';
import type { UserTransaction } from '../db/scope.ts';
import type { SearchHit } from './search.ts';

interface HitRow {
  kind: 'message' | 'task';
  id: string;
  rank: number;
  snippet: string;
  conversation_id: string | null;
  conversation_title: string | null;
  seq: number | null;
  role: 'user' | 'assistant' | null;
  task_number: number | null;
  created_at: Date;
}

/**
 * The user's best-ranked messages and tasks for a web-search style query
 * ("milk -oat", "\"call mom\""). Each side is found through its GIN index on
 * the generated search_vector; snippets are cut only for the hits returned.
 * The 'english' configuration matches the one the vectors were built with.
 */
export async function searchUserContent(
  trx: UserTransaction,
  userId: string,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  const tsquery = sql`websearch_to_tsquery('english', ${query})`;
  const result = await sql<HitRow>`
    select hits.kind, hits.id, hits.rank::float8 as rank,
           ts_headline('english', hits.body, ${tsquery},
                       'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=2') as snippet,
           hits.conversation_id, c.title as conversation_title, hits.seq, hits.role,
           hits.task_number, hits.created_at
    from (
      select 'message' as kind, m.id, ts_rank(m.search_vector, ${tsquery}) as rank,
             m.content as body, m.conversation_id, m.seq, m.role, null::integer as task_number,
             m.created_at
      from messages m
      where m.user_id = ${userId} and m.search_vector @@ ${tsquery}
      union all
      select 'task', t.id, ts_rank(t.search_vector, ${tsquery}),
             t.title || coalesce(E'\n' || t.description, ''), null, null, null, t.number,
             t.created_at
      from tasks t
      where t.user_id = ${userId} and t.search_vector @@ ${tsquery}
      order by rank desc, created_at desc, id
      limit ${limit}
    ) hits
    left join conversations c on c.user_id = ${userId} and c.id = hits.conversation_id
    order by hits.rank desc, hits.created_at desc, hits.id`.execute(trx);
  return result.rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    rank: row.rank,
    snippet: row.snippet,
    conversationId: row.conversation_id,
    conversationTitle: row.conversation_title,
    seq: row.seq,
    role: row.role,
    taskNumber: row.task_number,
    createdAt: row.created_at,
  }));
}
