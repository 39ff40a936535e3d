// /api/chat/conversations: the conversation store over HTTP, in the seed's
// snake_case data contracts. The caller is always the token's user.
import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../errors.ts';
import type { AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import type { Conversation, Message } from './conversation.ts';
import {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATIONS_LIMIT_DEFAULT,
  CONVERSATIONS_LIMIT_MAX,
  CONVERSATION_TITLE_MAX,
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  METADATA_MAX_BYTES,
  USER_MESSAGE_MAX,
  type ConversationService,
} from './conversation.service.ts';
import { isoTime } from '../iso-time.ts';

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    title: z.string().nullable(),
    status: z.enum(['active', 'archived']),
    message_count: z.int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi('Conversation');

export const MessageSchema = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    seq: z.int().openapi({ description: 'Position in the conversation: 1, 2, 3... without gaps' }),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.iso.datetime(),
  })
  .openapi('Message');

const HistorySchema = z
  .object({
    messages: z.array(MessageSchema),
    has_older: z.boolean(),
    has_newer: z.boolean(),
    older_cursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `before` for older messages' }),
    newer_cursor: z.string().nullable().openapi({
      description:
        'Pass as `after` for newer messages (set even when there are none yet, for polling)',
    }),
  })
  .openapi('History');

const ConversationListSchema = z
  .object({ conversations: z.array(ConversationSchema), next_cursor: z.string().nullable() })
  .openapi('ConversationList');

const IdParams = z.object({
  id: z
    .guid({ error: 'must be a conversation id (a UUID)' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});

// Query values arrive as strings; the service checks ranges and says which.
const limitParam = (fallback: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .optional()
    .openapi({ description: `1 to ${max}; default ${fallback}`, type: 'integer' });

export function toConversationJson(conversation: Conversation): z.infer<typeof ConversationSchema> {
  return {
    id: conversation.id,
    user_id: conversation.userId,
    title: conversation.title,
    status: conversation.status,
    message_count: conversation.messageCount,
    created_at: isoTime(conversation.createdAt),
    updated_at: isoTime(conversation.updatedAt),
  };
}

export function toMessageJson(message: Message): z.infer<typeof MessageSchema> {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    seq: message.seq,
    role: message.role,
    content: message.content,
    metadata: message.metadata,
    created_at: isoTime(message.createdAt),
  };
}

const tags = ['conversations'];

const openConversation = createRoute({
  method: 'post',
  path: '/api/chat/conversations',
  operationId: 'createConversation',
  tags,
  summary: "Get the caller's active conversation, or start one",
  description:
    'Returns the most recently updated active conversation (200), creating one if there is none. ' +
    'With `new: true` or a `title`, always starts a new conversation (201).',
  security: bearerSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          new: z.boolean().optional(),
          title: z
            .string()
            .nullable()
            .optional()
            .openapi({ description: `1 to ${CONVERSATION_TITLE_MAX} characters` }),
        })
        .openapi('OpenConversation'),
      false,
    ),
  },
  responses: {
    200: jsonContent(ConversationSchema, 'The active conversation'),
    201: jsonContent(ConversationSchema, 'A new conversation'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const listConversations = createRoute({
  method: 'get',
  path: '/api/chat/conversations',
  operationId: 'listConversations',
  tags,
  summary: "The caller's conversations, most recently updated first",
  security: bearerSecurity,
  request: {
    query: z.object({
      status: z.enum(['active', 'archived']).optional(),
      limit: limitParam(CONVERSATIONS_LIMIT_DEFAULT, CONVERSATIONS_LIMIT_MAX),
      cursor: z.string().optional().openapi({ description: '`next_cursor` of the previous page' }),
    }),
  },
  responses: {
    200: jsonContent(ConversationListSchema, 'One page'),
    ...errorResponses('unauthorized', 'validation_failed'),
  },
});

const getConversation = createRoute({
  method: 'get',
  path: '/api/chat/conversations/{id}',
  operationId: 'getConversation',
  tags,
  summary: 'One conversation',
  security: bearerSecurity,
  request: { params: IdParams },
  responses: {
    200: jsonContent(ConversationSchema, 'The conversation'),
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

const updateConversation = createRoute({
  method: 'patch',
  path: '/api/chat/conversations/{id}',
  operationId: 'updateConversation',
  tags,
  summary: 'Rename, archive or unarchive a conversation',
  security: bearerSecurity,
  request: {
    params: IdParams,
    body: jsonBody(
      z
        .object({
          title: z.string().nullable().optional().openapi({ description: 'null clears the title' }),
          status: z.enum(['active', 'archived']).optional(),
        })
        .openapi('ConversationChanges'),
    ),
  },
  responses: {
    200: jsonContent(ConversationSchema, 'The updated conversation'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'not_found',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const deleteConversation = createRoute({
  method: 'delete',
  path: '/api/chat/conversations/{id}',
  operationId: 'deleteConversation',
  tags,
  summary: 'Delete a conversation and its messages',
  security: bearerSecurity,
  request: { params: IdParams },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

const listMessages = createRoute({
  method: 'get',
  path: '/api/chat/conversations/{id}/messages',
  operationId: 'listMessages',
  tags,
  summary: 'Conversation history, oldest first',
  description:
    'By default the newest `limit` messages. Pass `before=older_cursor` for the page before, ' +
    '`after=newer_cursor` for what came after.',
  security: bearerSecurity,
  request: {
    params: IdParams,
    query: z.object({
      limit: limitParam(HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX),
      before: z.string().optional(),
      after: z.string().optional(),
    }),
  },
  responses: {
    200: jsonContent(HistorySchema, 'One page of messages'),
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

const saveMessage = createRoute({
  method: 'post',
  path: '/api/chat/conversations/{id}/messages',
  operationId: 'addMessage',
  tags,
  summary: 'Save a message',
  description:
    'With an `Idempotency-Key` header, a retry returns the first message (200) instead of saving another.',
  security: bearerSecurity,
  request: {
    params: IdParams,
    headers: z.object({
      'idempotency-key': z
        .string()
        .optional()
        .openapi({ description: 'Idempotency-Key: 1 to 200 characters' }),
    }),
    body: jsonBody(
      z
        .object({
          role: z.enum(['user', 'assistant']),
          content: z.string().openapi({
            description: `User messages 1 to ${USER_MESSAGE_MAX} characters, assistant messages up to ${ASSISTANT_MESSAGE_MAX}`,
          }),
          metadata: z
            .record(z.string(), z.unknown())
            .nullable()
            .optional()
            .openapi({ description: `A JSON object, at most ${METADATA_MAX_BYTES} bytes` }),
        })
        .openapi('NewMessage'),
    ),
  },
  responses: {
    200: jsonContent(MessageSchema, 'Replayed: the message an earlier request with this key saved'),
    201: jsonContent(MessageSchema, 'Saved'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

export function conversationRoutes(conversations: ConversationService): AppRouter {
  return createRouter()
    .openapi(openConversation, async (c) => {
      const userId = c.get('userId');
      // The body is optional: no body means "give me my active conversation".
      const body = c.req.valid('json') as { new?: boolean; title?: string | null } | undefined;
      if (body?.new === true || (body?.title !== undefined && body.title !== null)) {
        const created = await conversations.createConversation(userId, { title: body.title });
        return c.json(toConversationJson(created), 201);
      }
      return c.json(toConversationJson(await conversations.getOrCreateConversation(userId)), 200);
    })
    .openapi(listConversations, async (c) => {
      const query = c.req.valid('query');
      const page = await conversations.getUserConversations(c.get('userId'), query);
      return c.json(
        { conversations: page.conversations.map(toConversationJson), next_cursor: page.nextCursor },
        200,
      );
    })
    .openapi(getConversation, async (c) => {
      const conversation = await conversations.getConversationForUser(
        c.get('userId'),
        c.req.valid('param').id,
      );
      if (conversation === null) throw new NotFoundError('conversation');
      return c.json(toConversationJson(conversation), 200);
    })
    .openapi(updateConversation, async (c) => {
      const userId = c.get('userId');
      const { id } = c.req.valid('param');
      const conversation = await conversations.updateConversation(userId, id, c.req.valid('json'));
      return c.json(toConversationJson(conversation), 200);
    })
    .openapi(deleteConversation, async (c) => {
      const deleted = await conversations.deleteConversation(
        c.get('userId'),
        c.req.valid('param').id,
      );
      if (!deleted) throw new NotFoundError('conversation');
      return c.body(null, 204);
    })
    .openapi(listMessages, async (c) => {
      const page = await conversations.getConversationHistory(
        c.get('userId'),
        c.req.valid('param').id,
        c.req.valid('query'),
      );
      return c.json(
        {
          messages: page.messages.map(toMessageJson),
          has_older: page.hasOlder,
          has_newer: page.hasNewer,
          older_cursor: page.olderCursor,
          newer_cursor: page.newerCursor,
        },
        200,
      );
    })
    .openapi(saveMessage, async (c) => {
      const body = c.req.valid('json');
      const saved = await conversations.saveMessageWithOutcome(
        c.get('userId'),
        c.req.valid('param').id,
        {
          role: body.role,
          content: body.content,
          metadata: body.metadata as Parameters<ConversationService['saveMessage']>[2]['metadata'],
          idempotencyKey: c.req.valid('header')['idempotency-key'],
        },
      );
      return c.json(toMessageJson(saved.message), saved.created ? 201 : 200);
    });
}
