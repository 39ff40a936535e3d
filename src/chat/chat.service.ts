// One stateless chat turn. Everything the turn needs is read from the
// database and everything it produces is written back, so any server
// instance can take the next turn:
//   1. find or create the conversation (a given one must be the caller's);
//   2. save the user's message (idempotent with a key);
//   3. load the recent history, a bounded window, never the whole thread;
//   4. run the model with the todo tools, bounded in rounds and time;
//   5. save the reply with the tool calls, the model and timings in metadata.
// No transaction is open while the model thinks: each save is its own.
import {
  APICallError,
  RetryError,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
  type ModelMessage,
  type ToolSet,
} from 'ai';
import type { ConversationService } from '../conversations/conversation.service.ts';
import type { Message } from '../conversations/conversation.ts';
import { encodeMessageCursor } from '../conversations/cursor.ts';
import type { JsonObject } from '../db/schema.ts';
import { ModelError, NotFoundError } from '../errors.ts';
import { runTool, todoTools, type ToolContext } from '../tools/todo-tools.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { modelName } from './chat-model.ts';

export const SYSTEM_PROMPT = `You are todochat, a friendly assistant that manages the user's todo list.
Use the tools to add, list, complete, update and delete tasks; never pretend a change was made without calling a tool.
Tasks have small numbers (1, 2, 3...) that the user sees; call list_tasks to find a task's number from its title.
Answer briefly and confirm what you did, naming task numbers and titles.`;

export interface ChatSettings {
  /** How many recent messages the model sees. */
  historyLimit: number;
  /** Most model calls in one turn (each tool round is one). */
  maxSteps: number;
  /** The whole model run, tools included, must end within this. */
  timeoutMs: number;
}

export const DEFAULT_CHAT_SETTINGS: Readonly<ChatSettings> = Object.freeze({
  historyLimit: 20,
  maxSteps: 6,
  timeoutMs: 60_000,
});

export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: unknown;
  result?: unknown;
  error?: string;
}

export type ChatEvent =
  | { type: 'start'; conversation_id: string; user_message_id: string }
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; result?: unknown; error?: string }
  | { type: 'done'; result: ChatTurnResult };

export interface ChatTurnInput {
  userId: string;
  conversationId?: string | undefined;
  message: string;
  idempotencyKey?: string | undefined;
  /** Called as the turn unfolds; the turn never waits for it. */
  onEvent?: ((event: ChatEvent) => void) | undefined;
}

export interface ChatTurnResult {
  conversationId: string;
  response: string;
  toolCalls: ToolCallRecord[];
  userMessageId: string;
  assistantMessageId: string;
  /** Why the model stopped: the AI SDK's finish reason, or "stopped" when the client stopped it. */
  finishReason: string;
  /** True when an earlier request with the same idempotency key had already answered. */
  replayed: boolean;
}

/** A turn whose checks passed and whose user message is saved; the model has not run. */
export interface PreparedTurn {
  readonly userId: string;
  readonly conversationId: string;
  readonly userMessage: Message;
  /** The history window the model sees, ending with the user message. */
  readonly history: readonly Message[];
  /** The reply an earlier request with the same idempotency key already saved. */
  readonly earlierReply: Message | null;
  readonly started: number;
}

function toModelMessages(history: readonly Message[]): ModelMessage[] {
  return history.map((message) =>
    message.role === 'user'
      ? { role: 'user', content: message.content }
      : { role: 'assistant', content: message.content },
  );
}

function describeFailure(thrown: unknown): string {
  const error = RetryError.isInstance(thrown) ? thrown.lastError : thrown;
  if (APICallError.isInstance(error)) {
    return error.statusCode === undefined
      ? 'The model server could not be reached'
      : `The model server answered ${error.statusCode}`;
  }
  return 'The model failed to answer';
}

export class ChatService {
  readonly #conversations: ConversationService;
  readonly #tasks: TaskService;
  readonly #model: LanguageModel;
  readonly #settings: ChatSettings;

  constructor(options: {
    conversations: ConversationService;
    tasks: TaskService;
    model: LanguageModel;
    settings?: Partial<ChatSettings>;
  }) {
    this.#conversations = options.conversations;
    this.#tasks = options.tasks;
    this.#model = options.model;
    this.#settings = { ...DEFAULT_CHAT_SETTINGS, ...options.settings };
  }

  get modelName(): string {
    return modelName(this.#model);
  }

  /** One whole turn: prepareTurn, then completeTurn. */
  async runTurn(input: ChatTurnInput): Promise<ChatTurnResult> {
    return this.completeTurn(await this.prepareTurn(input), { onEvent: input.onEvent });
  }

  /**
   * Everything that can fail before the model runs: the conversation is the
   * caller's, the message is valid and saved, the history is loaded. A
   * streaming transport calls this first, so such failures are ordinary
   * HTTP errors rather than a stream that opens and fails.
   */
  async prepareTurn(input: ChatTurnInput): Promise<PreparedTurn> {
    const started = performance.now();
    const { userId } = input;
    const conversation =
      input.conversationId === undefined
        ? await this.#conversations.getOrCreateConversation(userId)
        : await this.#conversations.getConversationForUser(userId, input.conversationId);
    if (conversation === null) throw new NotFoundError('conversation');

    const saved = await this.#conversations.saveMessageWithOutcome(userId, conversation.id, {
      role: 'user',
      content: input.message,
      idempotencyKey: input.idempotencyKey,
    });
    const userMessage = saved.message;
    const earlierReply = saved.created ? null : await this.#findReply(userId, userMessage);
    const history =
      earlierReply === null
        ? (
            await this.#conversations.getConversationHistory(userId, conversation.id, {
              limit: this.#settings.historyLimit,
              before: encodeMessageCursor(userMessage.seq + 1),
            })
          ).messages
        : [];
    return { userId, conversationId: conversation.id, userMessage, history, earlierReply, started };
  }

  /** Runs the model on a prepared turn (or replays its earlier reply) and saves the reply. */
  async completeTurn(
    turn: PreparedTurn,
    options: { onEvent?: ((event: ChatEvent) => void) | undefined } = {},
  ): Promise<ChatTurnResult> {
    const emit = options.onEvent ?? (() => undefined);
    const { userId, conversationId, userMessage } = turn;
    emit({ type: 'start', conversation_id: conversationId, user_message_id: userMessage.id });

    if (turn.earlierReply !== null) {
      const result = this.#resultFrom(conversationId, userMessage, turn.earlierReply, true);
      for (const call of result.toolCalls) {
        emit({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments });
        emit({
          type: 'tool_result',
          id: call.id,
          name: call.name,
          ...(call.error === undefined ? { result: call.result } : { error: call.error }),
        });
      }
      emit({ type: 'text', delta: result.response });
      emit({ type: 'done', result });
      return result;
    }

    const toolCalls = new Map<string, ToolCallRecord>();
    const modelStarted = performance.now();
    const { text, finishReason } = await this.#runModel(
      { userId, tasks: this.#tasks },
      toModelMessages(turn.history),
      toolCalls,
      emit,
    );
    const modelMs = performance.now() - modelStarted;

    const records = [...toolCalls.values()];
    const response = text.trim() === '' ? 'Done.' : text.trim();
    const metadata: JsonObject = JSON.parse(
      JSON.stringify({
        reply_to: userMessage.id,
        model: this.modelName,
        finish_reason: finishReason,
        tool_calls: records,
        timings: {
          model_ms: Math.round(modelMs),
          total_ms: Math.round(performance.now() - turn.started),
        },
      }),
    ) as JsonObject;
    const reply = await this.#conversations.saveMessage(userId, conversationId, {
      role: 'assistant',
      content: response,
      metadata,
    });
    const result: ChatTurnResult = {
      conversationId,
      response,
      toolCalls: records,
      userMessageId: userMessage.id,
      assistantMessageId: reply.id,
      finishReason,
      replayed: false,
    };
    emit({ type: 'done', result });
    return result;
  }

  async #runModel(
    context: ToolContext,
    messages: ModelMessage[],
    toolCalls: Map<string, ToolCallRecord>,
    emit: (event: ChatEvent) => void,
  ): Promise<{ text: string; finishReason: string }> {
    const tools: ToolSet = {};
    for (const definition of todoTools) {
      tools[definition.name] = tool({
        description: definition.description,
        inputSchema: definition.inputSchema,
        execute: async (args: unknown) => {
          const outcome = await runTool(definition, context, args);
          // Thrown, the hint reaches the model as the tool's error, and it answers.
          if (!outcome.ok) throw new Error(outcome.error);
          return outcome.output;
        },
      });
    }
    const abort = AbortSignal.timeout(this.#settings.timeoutMs);
    let text = '';
    let finishReason = 'unknown';
    try {
      const run = streamText({
        model: this.#model,
        system: SYSTEM_PROMPT,
        messages,
        tools,
        stopWhen: stepCountIs(this.#settings.maxSteps),
        abortSignal: abort,
        maxRetries: 1,
        // Failures arrive as 'error' parts below; without this they are also printed.
        onError: () => undefined,
      });
      for await (const part of run.fullStream) {
        switch (part.type) {
          case 'text-delta':
            text += part.text;
            emit({ type: 'text', delta: part.text });
            break;
          case 'tool-call':
            toolCalls.set(part.toolCallId, {
              id: part.toolCallId,
              name: part.toolName,
              arguments: part.input,
            });
            emit({
              type: 'tool_call',
              id: part.toolCallId,
              name: part.toolName,
              arguments: part.input,
            });
            break;
          case 'tool-result': {
            const record = toolCalls.get(part.toolCallId);
            if (record !== undefined) record.result = part.output;
            emit({
              type: 'tool_result',
              id: part.toolCallId,
              name: part.toolName,
              result: part.output,
            });
            break;
          }
          case 'tool-error': {
            const message = part.error instanceof Error ? part.error.message : String(part.error);
            const record: ToolCallRecord = toolCalls.get(part.toolCallId) ?? {
              id: part.toolCallId,
              name: part.toolName,
              arguments: part.input,
            };
            record.error = message;
            toolCalls.set(part.toolCallId, record);
            emit({ type: 'tool_result', id: part.toolCallId, name: part.toolName, error: message });
            break;
          }
          case 'finish':
            finishReason = part.finishReason;
            break;
          case 'error':
            throw part.error;
          case 'abort':
            throw abort.reason ?? new Error('aborted');
          default:
            break;
        }
      }
    } catch (error) {
      if (abort.aborted) {
        throw new ModelError(
          'model_timeout',
          `The model did not answer within ${Math.round(this.#settings.timeoutMs / 1000)} s; your message is saved, retry with the same Idempotency-Key`,
          { cause: error },
        );
      }
      throw new ModelError(
        'model_failed',
        `${describeFailure(error)}; your message is saved, retry with the same Idempotency-Key`,
        { cause: error },
      );
    }
    return { text, finishReason };
  }

  /** The assistant message that answered `userMessage` in an earlier request, if any. */
  async #findReply(userId: string, userMessage: Message): Promise<Message | null> {
    const after = await this.#conversations.getConversationHistory(
      userId,
      userMessage.conversationId,
      {
        after: encodeMessageCursor(userMessage.seq),
        limit: 50,
      },
    );
    return (
      after.messages.find(
        (message) => message.role === 'assistant' && message.metadata?.reply_to === userMessage.id,
      ) ?? null
    );
  }

  #resultFrom(
    conversationId: string,
    userMessage: Message,
    reply: Message,
    replayed: boolean,
  ): ChatTurnResult {
    const calls = reply.metadata?.tool_calls;
    const finishReason = reply.metadata?.finish_reason;
    return {
      conversationId,
      response: reply.content,
      toolCalls: Array.isArray(calls) ? (calls as unknown as ToolCallRecord[]) : [],
      userMessageId: userMessage.id,
      assistantMessageId: reply.id,
      finishReason: typeof finishReason === 'string' ? finishReason : 'unknown',
      replayed,
    };
  }
}
