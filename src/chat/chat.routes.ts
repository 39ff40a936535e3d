// POST /api/chat (and /api/{user_id}/chat for clients of the original
// design): one stateless turn. POST /api/chat/stream runs the same turn and
// sends it in the AI SDK's UI message stream protocol, so a stock `useChat`
// app can talk to it; it is the only streaming format.
import { createRoute, z } from '@hono/zod-openapi';
import { createUIMessageStream, createUIMessageStreamResponse, type UIMessage } from 'ai';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Context } from 'hono';
import type { AppEnv, AppRouter } from '../http/app-env.ts';
import { describeError } from '../http/error-handler.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import { id as uuid } from '../validation.ts';
import type { ChatService, ChatTurnResult } from './chat.service.ts';
import { UIMessageChunkWriter, type ChatMessageMetadata } from './ui-message-stream.ts';

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
    error: z.string().optional().openapi({ description: "The failure's hint, for people" }),
    error_code: z.string().optional().openapi({
      description: "The failure's code (not_found, validation_failed, ...), for programs",
    }),
  })
  .openapi('ToolCall');

const ChatResponseSchema = z
  .object({
    conversation_id: z.uuid(),
    response: z.string(),
    tool_calls: z.array(ToolCallSchema),
    user_message_id: z.uuid(),
    assistant_message_id: z.uuid(),
    finish_reason: z.string().openapi({
      description:
        'Why the reply ended: "stop", "tool-calls", "length"..., or "stopped" when stopped',
    }),
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
  'conflict',
  'validation_failed',
  'rate_limited',
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

const UIMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['system', 'user', 'assistant']),
    parts: z.array(z.looseObject({ type: z.string() })),
  })
  .loose()
  .openapi('UIMessage');

// One object rather than a union, so a mistake is named by its field; which
// of the two forms it is gets decided in turnRequest().
const ChatStreamRequestSchema = z
  .object({
    id: z.string().optional().openapi({
      description:
        "useChat's chat id: a conversation UUID picks that conversation; any other id means the active conversation",
    }),
    messages: z.array(UIMessageSchema).optional().openapi({
      description:
        "useChat's messages. Only the last user message is taken: the history comes from the database",
    }),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
    messageId: z.string().optional(),
    conversation_id: z
      .string()
      .optional()
      .openapi({ description: 'The simple form: omit to use the active conversation' }),
    message: z
      .string()
      .optional()
      .openapi({ description: 'The simple form: 1 to 1000 characters' }),
  })
  .openapi('ChatStreamRequest');

const chatStream = createRoute({
  method: 'post',
  path: '/api/chat/stream',
  operationId: 'streamChat',
  tags: ['chat'],
  summary: "The same turn in the AI SDK's UI message stream protocol (useChat)",
  description:
    'Takes the body `useChat`/`DefaultChatTransport` sends (`{id, messages, trigger}`; the last user ' +
    "message's id is the Idempotency-Key unless the header is given) or the simple `{message, conversation_id?}`. " +
    'Answers server-sent events with `x-vercel-ai-ui-message-stream: v1`: `start` (messageMetadata ' +
    '`{conversation_id, user_message_id}`), text parts, `tool-input-available` and `tool-output-available` / ' +
    '`tool-output-error` for each tool call, then `finish` (messageMetadata `{assistant_message_id, finish_reason}`), ' +
    'or an `error` part whose errorText is the JSON `{code, message}` of the error shape. ' +
    'Errors found before the model runs are ordinary JSON error responses, not streams. ' +
    'Aborting the request stops the reply; the partial text is saved with finish_reason "stopped".',
  security: bearerSecurity,
  request: { headers: idempotencyHeader, body: jsonBody(ChatStreamRequestSchema) },
  responses: {
    200: {
      description: 'A UI message stream (server-sent events)',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...chatErrors,
  },
});

const stopTurns = createRoute({
  method: 'post',
  path: '/api/chat/conversations/{id}/stop',
  operationId: 'stopChatReply',
  tags: ['chat'],
  summary: 'Stop the replies being written in a conversation',
  description:
    'Works from any instance: the running turn sees the request within CHAT_STOP_POLL_MS, saves the text ' +
    'so far with finish_reason "stopped" and answers its own request. `stopped` counts the turns asked to stop.',
  security: bearerSecurity,
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }),
  },
  responses: {
    200: jsonContent(
      z.object({ stopped: z.int() }).openapi('StopResult'),
      'How many running turns were asked to stop',
    ),
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

interface TurnRequest {
  conversationId: string | undefined;
  message: string;
  idempotencyKey: string | undefined;
}

function textOf(message: z.infer<typeof UIMessageSchema>): string {
  return message.parts
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The turn a stream request asks for, from either body form. */
function turnRequest(
  body: z.infer<typeof ChatStreamRequestSchema>,
  header: string | undefined,
): TurnRequest {
  if (body.messages === undefined) {
    if (body.message === undefined) {
      throw ValidationError.field('message', 'send `message`, or `messages` as useChat does');
    }
    return {
      conversationId: body.conversation_id,
      message: body.message,
      idempotencyKey: header,
    };
  }
  const last = body.messages.findLast((message) => message.role === 'user');
  if (last === undefined) throw ValidationError.field('messages', 'must hold a user message');
  const chatId = body.conversation_id ?? body.id;
  return {
    conversationId: chatId !== undefined && uuid.safeParse(chatId).success ? chatId : undefined,
    message: textOf(last),
    idempotencyKey: header ?? last.id,
  };
}

export function toChatResponse(result: ChatTurnResult): z.infer<typeof ChatResponseSchema> {
  return {
    conversation_id: result.conversationId,
    response: result.response,
    tool_calls: result.toolCalls,
    user_message_id: result.userMessageId,
    assistant_message_id: result.assistantMessageId,
    finish_reason: result.finishReason,
  };
}

export function chatRoutes(chatService: ChatService): AppRouter {
  // A JSON client that disconnects still gets its turn finished and saved:
  // no stop signal here. It stops a reply with the stop route instead.
  const turn = (
    c: Context<AppEnv>,
    body: z.infer<typeof ChatRequestSchema>,
    key: string | undefined,
  ) =>
    chatService.runTurn({
      userId: c.get('userId'),
      conversationId: body.conversation_id,
      message: body.message,
      idempotencyKey: key,
      logger: c.get('logger'),
    });

  return createRouter()
    .openapi(chat, async (c) => {
      const result = await turn(c, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
      return c.json(toChatResponse(result), 200);
    })
    .openapi(chatForUser, async (c) => {
      if (c.req.valid('param').user_id !== c.get('userId')) throw new NotFoundError('user');
      const result = await turn(c, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
      return c.json(toChatResponse(result), 200);
    })
    .openapi(stopTurns, async (c) => {
      const stopped = await chatService.stopTurns(c.get('userId'), c.req.valid('param').id);
      return c.json({ stopped }, 200);
    })
    .openapi(chatStream, async (c) => {
      const request = turnRequest(c.req.valid('json'), c.req.valid('header')['idempotency-key']);
      const logger = c.get('logger');
      const turn = await chatService.prepareTurn({ userId: c.get('userId'), logger, ...request });
      // From here on the response is a stream: a failure becomes its last part.
      const stream = createUIMessageStream<UIMessage<ChatMessageMetadata>>({
        execute: async ({ writer }) => {
          const chunks = new UIMessageChunkWriter((chunk) => {
            writer.write(chunk);
          });
          try {
            // useChat's stop() aborts the request: that stops the reply, and
            // the text so far is saved as a reply with finish_reason "stopped".
            await chatService.completeTurn(turn, {
              onEvent: (event) => chunks.event(event),
              stopSignal: c.req.raw.signal,
              logger,
            });
          } finally {
            chunks.close();
          }
        },
        onError: (error) => {
          const { code, message } = describeError(c, error).body.error;
          return JSON.stringify({ code, message });
        },
      });
      return createUIMessageStreamResponse({ stream });
    });
}
