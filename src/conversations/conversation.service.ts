// Conversations and their messages, per user. Every method takes the acting
// user's id first and runs under row-level security for that user, so
// another user's conversation is indistinguishable from a missing one.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors.ts';
import { asUser, userStatement, type AtCommit, type UserTransaction } from '../db/scope.ts';
import type { Database, JsonObject } from '../db/schema.ts';
import { characterCount, id, limit, parse, text } from '../validation.ts';
import type {
  Conversation,
  ConversationPage,
  ConversationStatus,
  HistoryPage,
  Message,
  MessageRole,
  NewMessage,
} from './conversation.ts';
import * as conversations from './conversation.repository.ts';
import {
  decodeConversationCursor,
  decodeMessageCursor,
  encodeConversationCursor,
  encodeMessageCursor,
} from './cursor.ts';
import * as messages from './message.repository.ts';

import {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATION_TITLE_MAX,
  IDEMPOTENCY_KEY_MAX,
  METADATA_MAX_BYTES,
  USER_MESSAGE_MAX,
} from './conversation.ts';

export {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATION_TITLE_MAX,
  IDEMPOTENCY_KEY_MAX,
  METADATA_MAX_BYTES,
  USER_MESSAGE_MAX,
};
export const HISTORY_LIMIT_DEFAULT = 50;
export const HISTORY_LIMIT_MAX = 200;
export const CONVERSATIONS_LIMIT_DEFAULT = 20;
export const CONVERSATIONS_LIMIT_MAX = 100;
/** The most messages saveMessages stores in one call. */
export const MESSAGE_BATCH_MAX = 100;

const CONTENT_MAX: Record<MessageRole, number> = {
  user: USER_MESSAGE_MAX,
  assistant: ASSISTANT_MESSAGE_MAX,
};

const title = text({ min: 1, max: CONVERSATION_TITLE_MAX, trim: true });
const statusSchema = z.enum(['active', 'archived'], { error: "must be 'active' or 'archived'" });
const cursor = z.string().min(1, { error: 'must not be empty' });

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item));
  }
  return false;
}

const metadataSchema = z
  .record(z.string(), z.json(), { error: 'must be a JSON object' })
  .superRefine((value, ctx) => {
    if (hasNul(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain the NUL character (U+0000)' });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > METADATA_MAX_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON (got ${bytes})`,
      });
    }
  });

const newMessageSchema = z
  .object({
    role: z.enum(['user', 'assistant'], { error: "must be 'user' or 'assistant'" }),
    content: text({ min: 1, max: ASSISTANT_MESSAGE_MAX }),
    metadata: metadataSchema.nullish(),
    idempotencyKey: text({ min: 1, max: IDEMPOTENCY_KEY_MAX }).nullish(),
  })
  .superRefine((message, ctx) => {
    const max = CONTENT_MAX[message.role];
    const length = characterCount(message.content);
    if (length > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: `${message.role} messages may be at most ${max} characters (got ${length})`,
      });
    } else if (message.content.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'must not be blank' });
    }
  });

// Validated item by item by parseNewMessage; the bound keeps one transaction short.
const messageBatchSchema = z
  .array(z.unknown(), { error: 'must be a list of messages' })
  .min(1, { error: 'must hold at least one message' })
  .max(MESSAGE_BATCH_MAX, { error: `may hold at most ${MESSAGE_BATCH_MAX} messages` });

const historySchema = z.object({
  limit: limit(HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX),
  before: cursor.optional(),
  after: cursor.optional(),
});

const listSchema = z.object({
  status: statusSchema.optional(),
  limit: limit(CONVERSATIONS_LIMIT_DEFAULT, CONVERSATIONS_LIMIT_MAX),
  cursor: cursor.optional(),
});

export interface SavedMessage {
  message: Message;
  /** False when an earlier call with the same idempotency key had stored it. */
  created: boolean;
}

interface MessageValues {
  role: MessageRole;
  content: string;
  metadata: JsonObject | null;
  idempotencyKey: string | null;
}

/** A new message checked against every rule, as the repository takes it. */
export function parseNewMessage(input: NewMessage, root?: string): MessageValues {
  const values = parse(newMessageSchema, input, root);
  return {
    role: values.role,
    content: values.content,
    metadata: values.metadata ?? null,
    idempotencyKey: values.idempotencyKey ?? null,
  };
}

// The steps below run inside a transaction the caller opened with asUser, so
// a use case (a chat turn) can compose several in one round of BEGIN/COMMIT.
// Their arguments are already validated.

/** The user's most recently updated active conversation, or a new one. */
export async function findOrCreateActiveConversation(
  trx: UserTransaction,
  userId: string,
): Promise<Conversation> {
  const latest = await conversations.findLatestActiveConversation(trx, userId);
  if (latest !== null) return latest;
  // Serialise first conversations per user: twenty concurrent callers
  // wait here, and all but the first find the one it created.
  if (!(await conversations.lockUserRow(trx, userId))) throw new NotFoundError('user');
  return (
    (await conversations.findLatestActiveConversation(trx, userId)) ??
    conversations.insertConversation(trx, userId, null)
  );
}

/**
 * Appends the message, or finds the one an earlier call with the same key
 * stored. A concurrent call with the same key makes this throw a unique
 * violation, which aborts the transaction: run it again to find that message.
 */
export async function appendOrFindMessage(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
  values: MessageValues,
): Promise<SavedMessage> {
  const key = values.idempotencyKey;
  const earlier =
    key === null
      ? null
      : await messages.findMessageByIdempotencyKey(trx, userId, conversationId, key);
  if (earlier !== null) return { message: replayed(earlier, values), created: false };
  const message = await messages.appendMessage(trx, userId, conversationId, values);
  if (message === null) throw new NotFoundError('conversation');
  return { message, created: true };
}

/**
 * appendOrFindMessage and the conversation it goes to, in one statement (a
 * chat turn's opening). NotFoundError when the conversation is missing or
 * another user's; the conversation is as it stood before this message.
 */
export async function appendToConversation(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
  values: MessageValues,
): Promise<SavedMessage & { conversation: Conversation }> {
  const saved = await messages.appendToConversation(trx, userId, conversationId, values);
  if (saved === null) throw new NotFoundError('conversation');
  return saved.created ? saved : { ...saved, message: replayed(saved.message, values) };
}

/**
 * The newest `limit` messages before `beforeSeq`, oldest first; through
 * `withCommit(trx)`, read with the transaction's COMMIT.
 */
export async function findRecentMessages(
  trx: UserTransaction | AtCommit,
  userId: string,
  conversationId: string,
  window: { beforeSeq: number; limit: number },
): Promise<Message[]> {
  const found = await messages.findHistory(trx, userId, conversationId, {
    afterSeq: null,
    beforeSeq: window.beforeSeq,
    limit: window.limit,
  });
  if (found === null) throw new NotFoundError('conversation');
  return found.messages;
}

/** Null when the conversation is missing or another user's. */
export function findConversationById(
  trx: UserTransaction,
  userId: string,
  conversationId: string,
): Promise<Conversation | null> {
  return conversations.findConversation(trx, userId, conversationId);
}

export function findMessage(
  trx: UserTransaction,
  userId: string,
  messageId: string,
): Promise<Message | null> {
  return messages.findMessageById(trx, userId, messageId);
}

/** True when `error` is what appendOrFindMessage or appendToConversation throws when a concurrent call won. */
export function lostIdempotencyRace(error: unknown): boolean {
  return error instanceof ConflictError && error.duplicate === 'idempotency_key';
}

export class ConversationService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The user's most recently updated active conversation, or a new one. */
  async getOrCreateConversation(userId: string): Promise<Conversation> {
    const user = parse(id, userId, 'userId');
    return asUser(this.#db, user, (trx) => findOrCreateActiveConversation(trx, user));
  }

  async createConversation(
    userId: string,
    options: { title?: string | null | undefined } = {},
  ): Promise<Conversation> {
    const user = parse(id, userId, 'userId');
    const values = parse(z.object({ title: title.nullish() }), options);
    return conversations.insertConversation(
      userStatement(this.#db, user),
      user,
      values.title ?? null,
    );
  }

  /** Null when the conversation is missing or another user's: the two look the same. */
  async getConversationForUser(
    userId: string,
    conversationId: string,
  ): Promise<Conversation | null> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    return conversations.findConversation(userStatement(this.#db, user), user, conversation);
  }

  async getUserConversations(
    userId: string,
    options: {
      status?: ConversationStatus | undefined;
      limit?: number | undefined;
      cursor?: string | undefined;
    } = {},
  ): Promise<ConversationPage> {
    const user = parse(id, userId, 'userId');
    const values = parse(listSchema, options);
    const after =
      values.cursor === undefined ? null : decodeConversationCursor(values.cursor, 'cursor');
    const statuses: ConversationStatus[] =
      values.status === undefined ? ['active', 'archived'] : [values.status];
    // One more than asked tells whether another page exists.
    const rows = await conversations.findConversationsPage(
      userStatement(this.#db, user),
      user,
      statuses,
      after,
      values.limit + 1,
    );
    const page = rows.slice(0, values.limit);
    const last = page.at(-1);
    return {
      conversations: page.map((row) => row.conversation),
      nextCursor:
        rows.length > values.limit && last !== undefined
          ? encodeConversationCursor(conversations.positionAfter(last))
          : null,
    };
  }

  async saveMessage(userId: string, conversationId: string, input: NewMessage): Promise<Message> {
    return (await this.saveMessageWithOutcome(userId, conversationId, input)).message;
  }

  /** saveMessage, also telling whether this call stored the message or an earlier one had. */
  async saveMessageWithOutcome(
    userId: string,
    conversationId: string,
    input: NewMessage,
  ): Promise<SavedMessage> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const row = parseNewMessage(input);
    const key = row.idempotencyKey;
    if (key === null) {
      const message = await messages.appendMessage(
        userStatement(this.#db, user),
        user,
        conversation,
        row,
      );
      if (message === null) throw new NotFoundError('conversation');
      return { message, created: true };
    }
    try {
      const saved = await messages.appendMessageOnce(
        userStatement(this.#db, user),
        user,
        conversation,
        {
          ...row,
          idempotencyKey: key,
        },
      );
      if (saved === null) throw new NotFoundError('conversation');
      return saved.created ? saved : { message: replayed(saved.message, row), created: false };
    } catch (error) {
      // A concurrent retry with the same key committed first: return its message.
      if (!lostIdempotencyRace(error)) throw error;
      const earlier = await messages.findMessageByIdempotencyKey(
        userStatement(this.#db, user),
        user,
        conversation,
        key,
      );
      if (earlier === null) throw error;
      return { message: replayed(earlier, row), created: false };
    }
  }

  /**
   * Appends several messages in one transaction, in order: all of them are
   * stored, with consecutive seq numbers, or none is. Keys work as in
   * saveMessage; a message stored earlier under its key is returned again.
   */
  async saveMessages(
    userId: string,
    conversationId: string,
    inputs: readonly NewMessage[],
  ): Promise<Message[]> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const rows = parse(messageBatchSchema, inputs, 'messages').map((input, index) =>
      parseNewMessage(input as NewMessage, `messages.${index}`),
    );
    const append = () =>
      asUser(this.#db, user, async (trx) => {
        const saved: Message[] = [];
        for (const row of rows) {
          saved.push((await appendOrFindMessage(trx, user, conversation, row)).message);
        }
        return saved;
      });
    try {
      return await append();
    } catch (error) {
      // A concurrent call with one of the keys committed first; this run finds its messages.
      if (!lostIdempotencyRace(error)) throw error;
      return append();
    }
  }

  /**
   * Removes the conversation's newest message and returns it (null when there
   * is none). The messages left keep their seq numbers 1..n, so the next one
   * saved takes the removed one's place.
   */
  async removeLastMessage(userId: string, conversationId: string): Promise<Message | null> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const removed = await asUser(this.#db, user, (trx) =>
      messages.removeLastMessage(trx, user, conversation),
    );
    if (removed === undefined) throw new NotFoundError('conversation');
    return removed;
  }

  /**
   * Removes every message of the conversation, keeping the conversation; the
   * next message saved is seq 1 again. Returns how many were removed.
   */
  async clearMessages(userId: string, conversationId: string): Promise<number> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const removed = await asUser(this.#db, user, (trx) =>
      messages.removeAllMessages(trx, user, conversation),
    );
    if (removed === null) throw new NotFoundError('conversation');
    return removed;
  }

  /**
   * Messages in chronological order. By default the newest `limit`; `before`
   * and `after` take the cursors of an earlier page to move older or newer.
   */
  async getConversationHistory(
    userId: string,
    conversationId: string,
    options: {
      limit?: number | undefined;
      before?: string | undefined;
      after?: string | undefined;
    } = {},
  ): Promise<HistoryPage> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const values = parse(historySchema, options);
    const beforeSeq =
      values.before === undefined ? null : decodeMessageCursor(values.before, 'before');
    const afterSeq = values.after === undefined ? null : decodeMessageCursor(values.after, 'after');
    const found = await messages.findHistory(userStatement(this.#db, user), user, conversation, {
      afterSeq,
      beforeSeq,
      limit: values.limit,
    });
    if (found === null) throw new NotFoundError('conversation');

    // seq runs 1..messageCount with no gaps, so the page's edges say whether
    // anything lies beyond them. An empty page is the point where it would be.
    const { messageCount, messages: page } = found;
    const edge = afterSeq ?? (beforeSeq === null ? messageCount : beforeSeq - 1);
    const emptyAt = Math.max(0, Math.min(edge, messageCount));
    const firstSeq = page[0]?.seq ?? emptyAt + 1;
    const lastSeq = page.at(-1)?.seq ?? emptyAt;
    const hasOlder = firstSeq > 1;
    return {
      messages: page,
      hasOlder,
      hasNewer: lastSeq < messageCount,
      olderCursor: hasOlder ? encodeMessageCursor(firstSeq) : null,
      newerCursor: encodeMessageCursor(lastSeq),
    };
  }

  async renameConversation(
    userId: string,
    conversationId: string,
    newTitle: string | null,
  ): Promise<Conversation> {
    const value = parse(title.nullable(), newTitle, 'title');
    return this.#update(userId, conversationId, { title: value });
  }

  /** Renames and/or archives or unarchives in one update; with no change it only reads. */
  async updateConversation(
    userId: string,
    conversationId: string,
    changes: { title?: string | null | undefined; status?: ConversationStatus | undefined },
  ): Promise<Conversation> {
    const values = parse(
      z.object({ title: title.nullable().optional(), status: statusSchema.optional() }),
      changes,
    );
    if (values.title === undefined && values.status === undefined) {
      const found = await this.getConversationForUser(userId, conversationId);
      if (found === null) throw new NotFoundError('conversation');
      return found;
    }
    return this.#update(userId, conversationId, {
      ...(values.title === undefined ? {} : { title: values.title }),
      ...(values.status === undefined ? {} : { status: values.status }),
    });
  }

  async archiveConversation(userId: string, conversationId: string): Promise<Conversation> {
    return this.#update(userId, conversationId, { status: 'archived' });
  }

  async unarchiveConversation(userId: string, conversationId: string): Promise<Conversation> {
    return this.#update(userId, conversationId, { status: 'active' });
  }

  /** Marks the conversation as just used, moving it to the top of the list. */
  async touchConversation(userId: string, conversationId: string): Promise<Conversation> {
    return this.#update(userId, conversationId, {});
  }

  /** True when a conversation (and with it its messages) was deleted. */
  async deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    return conversations.deleteConversation(userStatement(this.#db, user), user, conversation);
  }

  async #update(
    userId: string,
    conversationId: string,
    changes: { title?: string | null; status?: ConversationStatus },
  ): Promise<Conversation> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const updated = await conversations.updateConversation(
      userStatement(this.#db, user),
      user,
      conversation,
      changes,
    );
    if (updated === null) throw new NotFoundError('conversation');
    return updated;
  }
}

function replayed(earlier: Message, attempt: { role: MessageRole; content: string }): Message {
  if (earlier.role !== attempt.role || earlier.content !== attempt.content) {
    throw new ConflictError(
      'This idempotency key was already used for a different message; use a new key',
      { details: { field: 'idempotencyKey' } },
    );
  }
  return earlier;
}
