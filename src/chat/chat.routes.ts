// POST /api/chat (and /api/{user_id}/chat for clients of the original
// design): one stateless turn. POST /api/chat/stream runs the same turn and
// sends it as server-sent events; the turn finishes and is saved even when
// the client goes away mid-stream.
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { NotFoundError } from '../errors.ts';
import type { AppRouter } from '../http/app-env.ts';
import { describeError } from '../http/error-handler.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import type { ChatEvent, ChatService, ChatTurnResult } from './chat.service.ts';

const ChatRequestSchema = z
  .object({
    conversation_id: z
      .string()
      .optional()
      .openapi({ description: 'Omit to use the active conversation' }),
    message: z
      .string()
      .openapi({ example: 'add a task to buy milk', description: '1 to 1000 characters' }),
  })
  .openapi('ChatRequest');

const ToolCallSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    arguments: z.unknown(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  })
  .openapi('ToolCall');

const ChatResponseSchema = z
  .object({
    conversation_id: z.uuid(),
    response: z.string(),
    tool_calls: z.array(ToolCallSchema),
    user_message_id: z.uuid(),
    assistant_message_id: z.uuid(),
  })
  .openapi('ChatResponse');

const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Idempotency-Key: a retry with the same key neither saves the message twice nor asks the model twice',
  }),
});

const chatErrors = errorResponses(
  'malformed_request',
  'unauthorized',
  'not_found',
  'unsupported_media_type',
  'validation_failed',
  'model_failed',
  'model_timeout',
);

const chat = createRoute({
  method: 'post',
  path: '/api/chat',
  operationId: 'sendChatMessage',
  tags: ['chat'],
  summary: 'Send a message to the assistant and get its reply',
  security: bearerSecurity,
  request: { headers: idempotencyHeader, body: jsonBody(ChatRequestSchema) },
  responses: {
    200: jsonContent(ChatResponseSchema, 'The reply, with the tools it called'),
    ...chatErrors,
  },
});

const chatForUser = createRoute({
  method: 'post',
  path: '/api/{user_id}/chat',
  operationId: 'sendChatMessageForUser',
  tags: ['chat'],
  summary: "The same, with the caller named in the path (must be the token's user)",
  security: bearerSecurity,
  request: {
    params: z.object({ user_id: z.string().openapi({ param: { name: 'user_id', in: 'path' } }) }),
    headers: idempotencyHeader,
    body: jsonBody(ChatRequestSchema),
  },
  responses: { 200: jsonContent(ChatResponseSchema, 'The reply'), ...chatErrors },
});

const chatStream = createRoute({
  method: 'post',
  path: '/api/chat/stream',
  operationId: 'streamChat',
  tags: ['chat'],
  summary: 'The same turn as server-sent events',
  description:
    'Events: `start` {conversation_id, user_message_id}, `text` {delta}, `tool_call` {id, name, arguments}, ' +
    '`tool_result` {id, name, result | error}, then `done` (the ChatResponse) or `error` (the error shape).',
  security: bearerSecurity,
  request: { headers: idempotencyHeader, body: jsonBody(ChatRequestSchema) },
  responses: {
    200: {
      description: 'An event stream',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...chatErrors,
  },
});

export function toChatResponse(result: ChatTurnResult): z.infer<typeof ChatResponseSchema> {
  return {
    conversation_id: result.conversationId,
    response: result.response,
    tool_calls: result.toolCalls,
    user_message_id: result.userMessageId,
    assistant_message_id: result.assistantMessageId,
  };
}

export function chatRoutes(chatService: ChatService): AppRouter {
  const turn = (userId: string, body: z.infer<typeof ChatRequestSchema>, key: string | undefined) =>
    chatService.runTurn({
      userId,
      conversationId: body.conversation_id,
      message: body.message,
      idempotencyKey: key,
    });

  return createRouter()
    .openapi(chat, async (c) => {
      const result = await turn(
        c.get('userId'),
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
      );
      return c.json(toChatResponse(result), 200);
    })
    .openapi(chatForUser, async (c) => {
      if (c.req.valid('param').user_id !== c.get('userId')) throw new NotFoundError('user');
      const result = await turn(
        c.get('userId'),
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
      );
      return c.json(toChatResponse(result), 200);
    })
    .openapi(chatStream, (c) => {
      const body = c.req.valid('json');
      const userId = c.get('userId');
      const key = c.req.valid('header')['idempotency-key'];
      return streamSSE(c, async (stream) => {
        let connected = true;
        stream.onAbort(() => {
          connected = false;
        });
        const send = (event: string, data: unknown): void => {
          if (!connected) return;
          void stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => {
            connected = false;
          });
        };
        // The turn is not tied to the connection: a client that leaves
        // mid-stream finds the reply saved when it reloads.
        const done = chatService
          .runTurn({
            userId,
            conversationId: body.conversation_id,
            message: body.message,
            idempotencyKey: key,
            onEvent: (event: ChatEvent) => {
              if (event.type === 'done') send('done', toChatResponse(event.result));
              else send(event.type, { ...event, type: undefined });
            },
          })
          .catch((error: unknown) => {
            send('error', describeError(c, error).body);
          });
        await done;
      });
    });
}
