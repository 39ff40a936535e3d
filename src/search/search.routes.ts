// GET /api/search: the caller's messages and tasks, ranked.
import { createRoute, z } from '@hono/zod-openapi';
import type { AppRouter } from '../http/app-env.ts';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from '../http/openapi.ts';
import {
  SEARCH_LIMIT_DEFAULT,
  SEARCH_LIMIT_MAX,
  SEARCH_QUERY_MAX,
  type SearchService,
} from './search.service.ts';
import type { SearchHit } from './search.ts';
import { isoTime } from '../iso-time.ts';

const SearchHitSchema = z
  .object({
    kind: z.enum(['message', 'task']),
    id: z.uuid(),
    rank: z.number(),
    snippet: z.string().openapi({
      description: 'The text around the match, the matched words between `**`',
      example: 'remember to **call** **mom** about the party',
    }),
    conversation_id: z.uuid().nullable().openapi({ description: 'For a message' }),
    conversation_title: z.string().nullable(),
    seq: z.int().nullable().openapi({
      description: 'For a message: its number in the conversation, to open the conversation there',
    }),
    role: z.enum(['user', 'assistant']).nullable(),
    task_number: z.int().nullable().openapi({ description: 'For a task' }),
    created_at: z.iso.datetime(),
  })
  .openapi('SearchHit');

function toHitJson(hit: SearchHit): z.infer<typeof SearchHitSchema> {
  return {
    kind: hit.kind,
    id: hit.id,
    rank: hit.rank,
    snippet: hit.snippet,
    conversation_id: hit.conversationId,
    conversation_title: hit.conversationTitle,
    seq: hit.seq,
    role: hit.role,
    task_number: hit.taskNumber,
    created_at: isoTime(hit.createdAt),
  };
}

const search = createRoute({
  method: 'get',
  path: '/api/search',
  operationId: 'search',
  tags: ['search'],
  summary: "Search the caller's messages and tasks, best match first",
  security: bearerSecurity,
  request: {
    query: z.object({
      q: z.string().openapi({
        description: `1 to ${SEARCH_QUERY_MAX} characters, web-search style: words, "a phrase", -excluded, or`,
        example: 'call mom',
      }),
      limit: z.coerce
        .number({ error: 'must be a whole number' })
        .optional()
        .openapi({
          description: `1 to ${SEARCH_LIMIT_MAX}; default ${SEARCH_LIMIT_DEFAULT}`,
          type: 'integer',
        }),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ hits: z.array(SearchHitSchema) }).openapi('SearchResults'),
      'The hits',
    ),
    ...errorResponses('unauthorized', 'validation_failed'),
  },
});

export function searchRoutes(service: SearchService): AppRouter {
  return createRouter().openapi(search, async (c) => {
    const { q, limit } = c.req.valid('query');
    const hits = await service.search(c.get('userId'), q, { limit });
    return c.json({ hits: hits.map(toHitJson) }, 200);
  });
}
