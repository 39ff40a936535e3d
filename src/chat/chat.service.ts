// One stateless chat turn. Everything the turn needs is read from the
// database and everything it produces is written back, so any server
// instance can take the next turn:
//   1. one transaction resolves the conversation (a given one must be the
//      caller's), saves the user's message (idempotent with a key), claims
//      the turn, counts it against the user's limits and loads the history
//      window;
//   2. the model runs with the todo tools, bounded in rounds and time, with
//      no transaction open (the tools open their own);
//   3. one transaction saves the reply with the tool calls, the model and
//      timings in metadata, ends the claim and, on a first turn, sets the
//      conversation's title.
// The claim (chat-turn.repository.ts) makes a turn run once however many
// copies of a request arrive at once, on any number of instances: the copies
// wait for its outcome and replay it.
import {
  APICallError,
  RetryError,
  stepCountIs,
  streamText,
  tool,
  zodSchema,
  type LanguageModel,
  type ModelMessage,
  type ProviderMetadata,
  type ToolSet,
} from 'ai';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  appendToConversation,
  findConversationById,
  findMessage,
  findOrCreateActiveConversation,
  findRecentMessages,
  lostIdempotencyRace,
  parseNewMessage,
} from '../conversations/conversation.service.ts';
import type { Conversation, Message } from '../conversations/conversation.ts';
import { asUser, held, userStatement, withCommit } from '../db/scope.ts';
import type { Database, JsonObject } from '../db/schema.ts';
import { AppError, ConflictError, ModelError, NotFoundError, RateLimitedError } from '../errors.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { toolErrorText, type ToolError } from '../tools/tool-error.ts';
import { runTool, todoTools, type ToolContext } from '../tools/todo-tools.ts';
import { id, parse } from '../validation.ts';
import { modelName } from './chat-model.ts';
import {
  claimTurn,
  countModelTurn,
  endTurn,
  finishTurn,
  findTurn,
  requestStop,
  type RateWindow,
  type TurnRecord,
} from './chat-turn.repository.ts';
import { toModelMessages, recordedToolCalls, type ToolCallRecord } from './history.ts';
import { DEFAULT_CHAT_SETTINGS, type ChatSettings } from './chat-settings.ts';
import { TITLE_LENGTH, titleFromMessage } from './title.ts';

// The AI SDK turns a tool's zod schema into JSON Schema when it prepares a
// request, and caches that on the schema object it wraps: wrapped once here,
// the conversion happens once per process instead of on every model step.
const modelTools = todoTools.map((definition) => ({
  definition,
  inputSchema: zodSchema(definition.inputSchema),
}));

export type { ToolCallRecord } from './history.ts';

export const SYSTEM_PROMPT = `You are todochat, a friendly assistant that manages the user's todo list.
Use the tools to add, list, complete, update and delete tasks; never pretend a change was made without calling a tool.
Tasks have small numbers (1, 2, 3...) that the user sees; call list_tasks to find a task's number from its title.
Answer briefly and confirm what you did, naming task numbers and titles.`;

const TITLE_PROMPT =
  'Give a title of at most six words for a conversation that starts with the message below. ' +
  'Answer with the title only, no quotes.';

export { DEFAULT_CHAT_SETTINGS, type ChatSettings } from './chat-settings.ts';

/** Past the model's own deadline, the time to save the reply before a claim is considered dead. */
const LEASE_MARGIN_MS = 15_000;
/** How often a copy of a running turn looks whether it has ended. */
const WAIT_POLL_MS = 100;

export type ChatEvent =
  | { type: 'start'; conversation_id: string; user_message_id: string }
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; result?: unknown; error?: ToolError }
  | { type: 'done'; result: ChatTurnResult };

export interface ChatTurnInput {
  userId: string;
  conversationId?: string | undefined;
  message: string;
  idempotencyKey?: string | undefined;
  /** Called as the turn unfolds; the turn never waits for it. */
  onEvent?: ((event: ChatEvent) => void) | undefined;
  /** Aborting it stops the reply: the text so far is saved with finish_reason "stopped". */
  stopSignal?: AbortSignal | undefined;
  /** The request's logger, so that what went wrong can be found by its request id. */
  logger?: Logger | undefined;
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
  readonly conversation: Conversation;
  readonly userMessage: Message;
  /** The history window the model sees, ending with the user message. */
  readonly history: readonly Message[];
  /** Our claim on the turn; null when an earlier request already answered it. */
  readonly attempt: number | null;
  /** The reply an earlier request with the same idempotency key saved. */
  readonly earlierReply: Message | null;
  readonly started: number;
}

type Opened =
  | {
      kind: 'claimed';
      turn: Omit<PreparedTurn, 'history' | 'attempt'>;
      /** Sent with the COMMIT: it settles once the transaction has ended. */
      rest: Promise<{ attempt: number | null; history: readonly Message[] }>;
    }
  | { kind: 'answered'; turn: PreparedTurn }
  | { kind: 'busy'; userMessage: Message };

const turnInputSchema = z.object({
  userId: id,
  conversationId: id.optional(),
});

function describeFailure(thrown: unknown): string {
  const error = RetryError.isInstance(thrown) ? thrown.lastError : thrown;
  if (APICallError.isInstance(error)) {
    return error.statusCode === undefined
      ? 'The model server could not be reached'
      : `The model server answered ${error.statusCode}`;
  }
  return 'The model failed to answer';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a failed turn recorded, raised again for a copy that waited on it. */
function recordedFailure(turn: TurnRecord): AppError {
  const code = turn.error?.code;
  const message = turn.error?.message;
  return new ModelError(
    code === 'model_timeout' ? 'model_timeout' : 'model_failed',
    typeof message === 'string' ? message : 'The model failed to answer',
  );
}

/** A tool's failure, thrown inside the model run so the AI SDK reports it as the tool's error. */
class ToolFailure extends Error {
  readonly toolError: ToolError;

  constructor(toolError: ToolError) {
    // The message is what the model reads: the JSON {code, hint}.
    super(toolErrorText(toolError));
    this.toolError = toolError;
  }
}

function toolErrorOf(call: ToolCallRecord): ToolError {
  const code = (call.error_code ?? 'internal_error') as ToolError['code'];
  return { code, hint: call.error ?? '' };
}

function asJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

export class ChatService {
  readonly #db: Kysely<Database>;
  readonly #tasks: TaskService;
  readonly #model: LanguageModel;
  readonly #settings: ChatSettings;
  readonly #builtin: boolean;

  constructor(options: {
    database: Kysely<Database>;
    tasks: TaskService;
    model: LanguageModel;
    settings?: Partial<ChatSettings> | undefined;
  }) {
    this.#db = options.database;
    this.#tasks = options.tasks;
    this.#model = options.model;
    this.#settings = { ...DEFAULT_CHAT_SETTINGS, ...options.settings };
    this.#builtin = this.modelName === 'todochat:builtin';
  }

  get modelName(): string {
    return modelName(this.#model);
  }

  /** One whole turn: prepareTurn, then completeTurn. */
  async runTurn(input: ChatTurnInput): Promise<ChatTurnResult> {
    return this.completeTurn(await this.prepareTurn(input), input);
  }

  /**
   * Everything that can fail before the model runs: the conversation is the
   * caller's, the message is valid and saved, the user is within limits, the
   * turn is ours (or already answered), the history is loaded. A streaming
   * transport calls this first, so such failures are ordinary HTTP errors
   * rather than a stream that opens and fails.
   */
  async prepareTurn(input: ChatTurnInput): Promise<PreparedTurn> {
    const started = performance.now();
    const { userId, conversationId } = parse(turnInputSchema, {
      userId: input.userId,
      conversationId: input.conversationId,
    });
    const values = parseNewMessage({
      role: 'user',
      content: input.message,
      idempotencyKey: input.idempotencyKey,
    });
    const leaseMs = this.#leaseMs();
    const deadline = Date.now() + leaseMs + WAIT_POLL_MS;
    for (;;) {
      const opened = await this.#open(userId, conversationId, values, leaseMs, started);
      if (opened.kind === 'claimed') {
        const { attempt, history } = await opened.rest;
        // Claimed with the COMMIT, so it cannot have missed: the message was new.
        if (attempt === null) throw new Error('a new message found its turn claimed');
        return { ...opened.turn, attempt, history };
      }
      if (opened.kind === 'answered') return opened.turn;
      // Another request (on this instance or another) runs this very turn:
      // wait for its outcome rather than run the model and the tools twice.
      const outcome = await this.#waitForTurn(userId, opened.userMessage.id, deadline);
      if (outcome?.state === 'failed') throw recordedFailure(outcome);
      // Done: the next #open replays it. Still running past its lease: its
      // instance died, and the next #open takes it over.
    }
  }

  /** Runs the model on a prepared turn (or replays its earlier reply) and saves the reply. */
  async completeTurn(
    turn: PreparedTurn,
    options: Pick<ChatTurnInput, 'onEvent' | 'stopSignal' | 'logger'> = {},
  ): Promise<ChatTurnResult> {
    const emit = options.onEvent ?? (() => undefined);
    const { userId, conversation, userMessage } = turn;
    emit({ type: 'start', conversation_id: conversation.id, user_message_id: userMessage.id });

    if (turn.attempt === null) {
      if (turn.earlierReply === null) throw new NotFoundError('reply');
      const result = this.#resultFrom(turn, turn.earlierReply);
      for (const call of result.toolCalls) {
        emit({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments });
        emit({
          type: 'tool_result',
          id: call.id,
          name: call.name,
          ...(call.error === undefined ? { result: call.result } : { error: toolErrorOf(call) }),
        });
      }
      emit({ type: 'text', delta: result.response });
      emit({ type: 'done', result });
      return result;
    }
    const claim = { userMessageId: userMessage.id, attempt: turn.attempt };

    const stop = new AbortController();
    const onStop = () => stop.abort();
    options.stopSignal?.addEventListener('abort', onStop, { once: true });
    if (options.stopSignal?.aborted === true) stop.abort();
    const watcher = this.#watchForStop(userId, userMessage.id, stop);
    const title = this.#titleFor(turn, stop.signal, options.logger);

    const toolCalls = new Map<string, ToolCallRecord>();
    const modelStarted = performance.now();
    let run: { text: string; finishReason: string; providerMetadata: ProviderMetadata | undefined };
    try {
      run = await this.#runModel(
        { userId, tasks: this.#tasks, logger: options.logger },
        toModelMessages(turn.history),
        toolCalls,
        emit,
        stop.signal,
      );
    } catch (error) {
      await this.#recordFailure(userId, claim, error, options.logger);
      throw error;
    } finally {
      clearInterval(watcher);
      options.stopSignal?.removeEventListener('abort', onStop);
    }
    const modelMs = performance.now() - modelStarted;

    const records = [...toolCalls.values()];
    const text = run.text.trim();
    const response = text !== '' ? text : run.finishReason === 'stopped' ? 'Stopped.' : 'Done.';
    const metadata = asJson({
      reply_to: userMessage.id,
      model: this.modelName,
      finish_reason: run.finishReason,
      tool_calls: records,
      ...(run.providerMetadata === undefined ? {} : { provider_metadata: run.providerMetadata }),
      timings: {
        model_ms: Math.round(modelMs),
        total_ms: Math.round(performance.now() - turn.started),
      },
    });
    const newTitle = await title;
    const values = parseNewMessage({ role: 'assistant', content: response, metadata });
    // One statement, one round trip: the turn ends, the reply is appended
    // and a first turn names the conversation, or none of it happens.
    const reply = await finishTurn(
      userStatement(this.#db, userId),
      userId,
      { ...claim, conversationId: conversation.id },
      { content: values.content, metadata: values.metadata, title: newTitle },
    );
    if (reply === null) {
      // Our lease ran out and another instance took the turn over: its reply stands.
      throw new ConflictError('This turn was taken over by a retry; reload the conversation', {
        details: { reason: 'turn_taken_over' },
      });
    }
    const result: ChatTurnResult = {
      conversationId: conversation.id,
      response,
      toolCalls: records,
      userMessageId: userMessage.id,
      assistantMessageId: reply.id,
      finishReason: run.finishReason,
      replayed: false,
    };
    emit({ type: 'done', result });
    return result;
  }

  /**
   * Asks the turns running in a conversation to stop, wherever they run
   * (the request lives in the database). Returns how many were running.
   */
  async stopTurns(userId: string, conversationId: string): Promise<number> {
    const values = parse(turnInputSchema, { userId, conversationId });
    const user = values.userId;
    const conversation = values.conversationId ?? '';
    return asUser(this.#db, user, async (trx) => {
      if ((await findConversationById(trx, user, conversation)) === null) {
        throw new NotFoundError('conversation');
      }
      return requestStop(trx, user, conversation);
    });
  }

  #leaseMs(): number {
    return this.#settings.timeoutMs + LEASE_MARGIN_MS;
  }

  #rateWindows(): RateWindow[] {
    if (this.#builtin && this.#settings.rateExemptBuiltin) return [];
    const windows: RateWindow[] = [];
    if (this.#settings.ratePerMinute !== null) {
      windows.push({ seconds: 60, limit: this.#settings.ratePerMinute });
    }
    if (this.#settings.ratePerDay !== null) {
      windows.push({ seconds: 86_400, limit: this.#settings.ratePerDay });
    }
    return windows;
  }

  /** The first transaction of a turn; run again once if a concurrent copy won the message. */
  async #open(
    userId: string,
    conversationId: string | undefined,
    values: ReturnType<typeof parseNewMessage>,
    leaseMs: number,
    started: number,
  ): Promise<Opened> {
    const attempt = () =>
      asUser(this.#db, userId, async (trx): Promise<Opened> => {
        // The conversation is read with the append: one statement, one round trip.
        const target = conversationId ?? (await findOrCreateActiveConversation(trx, userId)).id;
        const { conversation, message, created } = await appendToConversation(
          trx,
          userId,
          target,
          values,
        );
        const base = { userId, conversation, userMessage: message, started };
        const windows = this.#rateWindows();
        const turn = { userMessageId: message.id, conversationId: conversation.id, leaseMs };
        const recent = { beforeSeq: message.seq + 1, limit: this.#settings.historyLimit };
        if (created && windows.length === 0) {
          // A new message has no turn yet, so claiming it cannot miss, and
          // with no limits to count nothing here waits for the claim: it and
          // the history are sent with the COMMIT, one round trip for three.
          // Should the batch fail, the transaction's error is the one thrown.
          const commit = withCommit(trx);
          const attempt = claimTurn(commit, userId, turn);
          const history = findRecentMessages(commit, userId, conversation.id, recent);
          const rest = Promise.all([attempt, history]).then(([claimed, found]) => ({
            attempt: claimed,
            history: found,
          }));
          rest.catch(() => undefined);
          await held(commit);
          return { kind: 'claimed', turn: { ...base, earlierReply: null }, rest };
        }
        const claimed = await claimTurn(trx, userId, turn);
        if (claimed === null) {
          const existing = await findTurn(trx, userId, message.id);
          if (existing?.state !== 'done' || existing.replyId === null) {
            return { kind: 'busy', userMessage: message };
          }
          const reply = await findMessage(trx, userId, existing.replyId);
          return {
            kind: 'answered',
            turn: { ...base, history: [], attempt: null, earlierReply: reply },
          };
        }
        if (windows.length > 0) {
          const counted = await countModelTurn(trx, userId, windows);
          const over = counted.filter((window) => window.count > window.limit);
          if (over.length > 0) {
            const wait = Math.max(...over.map((window) => Math.ceil(window.secondsLeft)), 1);
            const per = over.some((window) => window.seconds === 60) ? 'minute' : 'day';
            // Thrown, it rolls back the message, the claim and the count together.
            throw new RateLimitedError(
              `You have reached the limit of ${String(over[0]?.limit)} chat turns per ${per}; try again in ${wait} s`,
              wait,
            );
          }
        }
        // Nothing here depends on the history, so it is read with the
        // COMMIT instead of taking a round trip of its own.
        const commit = withCommit(trx);
        const rest = findRecentMessages(commit, userId, conversation.id, recent).then(
          (history) => ({ attempt: claimed, history }),
        );
        rest.catch(() => undefined);
        await held(commit);
        return { kind: 'claimed', turn: { ...base, earlierReply: null }, rest };
      });
    try {
      return await attempt();
    } catch (error) {
      if (values.idempotencyKey === null || !lostIdempotencyRace(error)) throw error;
      return attempt();
    }
  }

  /** Polls a turn another request runs until it is no longer live; null if it vanished. */
  async #waitForTurn(
    userId: string,
    userMessageId: string,
    deadline: number,
  ): Promise<TurnRecord | null> {
    for (;;) {
      await sleep(WAIT_POLL_MS);
      const turn = await asUser(this.#db, userId, (trx) => findTurn(trx, userId, userMessageId));
      if (turn === null || !turn.live || Date.now() > deadline) return turn;
    }
  }

  #watchForStop(userId: string, userMessageId: string, stop: AbortController): NodeJS.Timeout {
    const timer = setInterval(() => {
      void asUser(this.#db, userId, (trx) => findTurn(trx, userId, userMessageId))
        .then((turn) => {
          if (turn?.stopRequested === true) stop.abort();
        })
        // A missed look is retried at the next tick.
        .catch(() => undefined);
    }, this.#settings.stopPollMs);
    timer.unref();
    return timer;
  }

  async #recordFailure(
    userId: string,
    claim: { userMessageId: string; attempt: number },
    error: unknown,
    logger: Logger | undefined,
  ): Promise<void> {
    const failure =
      error instanceof AppError
        ? { code: error.code, message: error.message }
        : { code: 'model_failed', message: 'The model failed to answer' };
    try {
      await asUser(this.#db, userId, (trx) =>
        endTurn(trx, userId, claim, { state: 'failed', error: failure }),
      );
    } catch (recordError) {
      // The claim's lease runs out by itself; a retry can then take the turn.
      logger?.warn({ err: recordError }, 'could not record a failed chat turn');
    }
  }

  /** A title for a conversation's first turn, or null when it needs none. */
  async #titleFor(
    turn: PreparedTurn,
    signal: AbortSignal,
    logger: Logger | undefined,
  ): Promise<string | null> {
    if (turn.conversation.title !== null || turn.userMessage.seq !== 1) return null;
    const fallback = titleFromMessage(turn.userMessage.content);
    if (this.#builtin || !this.#settings.modelTitles) return fallback;
    try {
      // Streamed like the turn itself, so any server that serves the turn serves this.
      const run = streamText({
        model: this.#model,
        system: TITLE_PROMPT,
        prompt: turn.userMessage.content,
        maxOutputTokens: 24,
        maxRetries: 0,
        abortSignal: AbortSignal.any([signal, AbortSignal.timeout(this.#settings.timeoutMs)]),
        onError: () => undefined,
      });
      return titleFromMessage(await run.text, TITLE_LENGTH) ?? fallback;
    } catch (error) {
      logger?.warn({ err: error }, 'the model gave no title; using the message');
      return fallback;
    }
  }

  async #runModel(
    context: ToolContext,
    messages: ModelMessage[],
    toolCalls: Map<string, ToolCallRecord>,
    emit: (event: ChatEvent) => void,
    stop: AbortSignal,
  ): Promise<{
    text: string;
    finishReason: string;
    providerMetadata: ProviderMetadata | undefined;
  }> {
    const tools: ToolSet = {};
    for (const { definition, inputSchema } of modelTools) {
      tools[definition.name] = tool({
        description: definition.description,
        inputSchema,
        execute: async (args: unknown) => {
          const outcome = await runTool(definition, context, args);
          // Thrown, the {code, hint} reaches the model as the tool's error, and it answers.
          if (!outcome.ok) throw new ToolFailure(outcome.error);
          return outcome.output;
        },
      });
    }
    const timeout = AbortSignal.timeout(this.#settings.timeoutMs);
    let text = '';
    let finishReason = 'unknown';
    let providerMetadata: ProviderMetadata | undefined;
    const stopped = () => ({ text, finishReason: 'stopped', providerMetadata });
    try {
      const run = streamText({
        model: this.#model,
        system: SYSTEM_PROMPT,
        messages,
        tools,
        stopWhen: stepCountIs(this.#settings.maxSteps),
        abortSignal: AbortSignal.any([timeout, stop]),
        maxRetries: this.#settings.maxRetries,
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
            // Our tools fail only as ToolFailure; anything else came from the
            // AI SDK (a call to no such tool, unparsable arguments).
            const failure: ToolError =
              part.error instanceof ToolFailure
                ? part.error.toolError
                : {
                    code: 'validation_failed',
                    hint: `That call could not be made: use one of the tools with arguments matching its schema.`,
                  };
            const record: ToolCallRecord = toolCalls.get(part.toolCallId) ?? {
              id: part.toolCallId,
              name: part.toolName,
              arguments: part.input,
            };
            record.error = failure.hint;
            record.error_code = failure.code;
            toolCalls.set(part.toolCallId, record);
            emit({ type: 'tool_result', id: part.toolCallId, name: part.toolName, error: failure });
            break;
          }
          case 'finish-step':
            providerMetadata = part.providerMetadata;
            break;
          case 'finish':
            finishReason = part.finishReason;
            break;
          case 'error':
            throw part.error;
          case 'abort':
            if (stop.aborted) return stopped();
            throw timeout.reason ?? new Error('aborted');
          default:
            break;
        }
      }
    } catch (error) {
      if (stop.aborted) return stopped();
      if (timeout.aborted) {
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
    return { text, finishReason, providerMetadata };
  }

  #resultFrom(turn: PreparedTurn, reply: Message): ChatTurnResult {
    const finishReason = reply.metadata?.finish_reason;
    return {
      conversationId: turn.conversation.id,
      response: reply.content,
      toolCalls: recordedToolCalls(reply.metadata),
      userMessageId: turn.userMessage.id,
      assistantMessageId: reply.id,
      finishReason: typeof finishReason === 'string' ? finishReason : 'unknown',
      replayed: true,
    };
  }
}
