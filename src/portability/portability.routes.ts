// GET /api/export, POST /api/import, and a conversation as Markdown. Exports
// stream: the status and headers go out first, then the document as it is read.
import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-document.ts';
import type { PortabilityService } from './portability.service.ts';

const tags = ['export'];

const ExportDocumentSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exported_at: z.iso.datetime(),
    account: z.object({
      email: z.string(),
      time_zone: z.string(),
      next_task_number: z.int(),
      created_at: z.iso.datetime(),
    }),
    tasks: z.array(z.record(z.string(), z.unknown())).openapi({
      description: 'Each task as GET /api/tasks shows it, without user_id',
    }),
    conversations: z.array(z.record(z.string(), z.unknown())).openapi({
      description:
        'Each conversation with its messages in order: {id, title, status, created_at, updated_at, messages: [{id, seq, role, content, metadata, idempotency_key, created_at}]}',
    }),
  })
  .openapi('ExportDocument');

const exportAccount = createRoute({
  method: 'get',
  path: '/api/export',
  operationId: 'exportAccount',
  tags,
  summary: "All the caller's data as one JSON document, streamed",
  security: bearerSecurity,
  responses: {
    200: jsonContent(ExportDocumentSchema, 'The account, its tasks, conversations and messages'),
    ...errorResponses('unauthorized'),
  },
});

const importAccount = createRoute({
  method: 'post',
  path: '/api/import',
  operationId: 'importAccount',
  tags,
  summary: "Load an export document into the caller's empty account",
  description:
    'All or nothing, in one transaction. Ids, task numbers and timestamps are kept. The account must hold no tasks and no conversations.',
  security: bearerSecurity,
  request: {
    body: jsonBody(
      z.record(z.string(), z.unknown()).openapi({
        description: 'An ExportDocument, as GET /api/export writes it',
      }),
    ),
  },
  responses: {
    201: jsonContent(
      z
        .object({ tasks: z.int(), conversations: z.int(), messages: z.int() })
        .openapi('ImportSummary'),
      'What was imported',
    ),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'payload_too_large',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const exportConversation = createRoute({
  method: 'get',
  path: '/api/chat/conversations/{id}/export.md',
  operationId: 'exportConversationMarkdown',
  tags,
  summary: 'A conversation as Markdown, streamed',
  security: bearerSecurity,
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Conversation id' }),
    }),
  },
  responses: {
    200: {
      description: 'The conversation, oldest message first',
      content: { 'text/markdown': { schema: z.string() } },
    },
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

/** A pull-driven byte stream: the next chunk is read only when the client takes the last. */
function byteStream(chunks: AsyncIterable<string>, logger: Logger): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done === true) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // The status has gone out: cutting the stream is how the client learns.
        logger.error({ err: error }, 'export failed while streaming');
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^\w.-]+/g, '-')}"`;
}

export function portabilityRoutes(service: PortabilityService): AppRouter {
  return createRouter()
    .openapi(exportAccount, async (c) => {
      const chunks = await service.exportAccount(c.get('userId'));
      const day = new Date().toISOString().slice(0, 10);
      return c.body(byteStream(chunks, c.get('logger')), 200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': attachment(`todochat-export-${day}.json`),
        'Cache-Control': 'no-store',
      }) as never;
    })
    .openapi(importAccount, async (c) => {
      const summary = await service.importAccount(c.get('userId'), c.req.valid('json'));
      return c.json(summary, 201);
    })
    .openapi(exportConversation, async (c) => {
      const { title, chunks } = await service.exportConversationMarkdown(
        c.get('userId'),
        c.req.valid('param').id,
      );
      return c.body(byteStream(chunks, c.get('logger')), 200, {
        'Content-Type': 'text/markdown; charset=utf-8',
        'Content-Disposition': attachment(`${title ?? 'conversation'}.md`),
        'Cache-Control': 'no-store',
      });
    });
}
