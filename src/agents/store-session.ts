// An OpenAI Agents SDK Session kept in the conversation store: one session is
// one of a user's conversations, and every item the runner keeps (the
// person's input, the model's messages, tool calls and their results) is one
// message, in order. The item itself rides in the message's metadata, so the
// runner gets back exactly what it stored; the message's text says what the
// item was, for the page, search and exports.
import type { AgentInputItem, Session } from '@openai/agents';
import type { Message, NewMessage } from '../conversations/conversation.ts';
import {
  ASSISTANT_MESSAGE_MAX,
  HISTORY_LIMIT_MAX,
  METADATA_MAX_BYTES,
  type ConversationService,
} from '../conversations/conversation.service.ts';
import { titleFromMessage } from '../chat/title.ts';
import { ValidationError } from '../errors.ts';
import { characterCount, id, parse } from '../validation.ts';

/** The metadata key under which a message carries the agent item it stores. */
export const AGENT_ITEM_KEY = 'agent_item';

/** How many items getItems() returns when the runner gives no limit. */
export const SESSION_ITEMS_DEFAULT = 100;

export interface StoreSessionOptions {
  /** The store's conversations (`store.conversations`). */
  conversations: ConversationService;
  /** The user the session belongs to; every read and write runs as them. */
  userId: string;
  /**
   * An existing conversation of this user to continue. Without one, a new
   * conversation is created when the session is first written to or asked
   * for its id.
   */
  conversationId?: string | undefined;
  /**
   * The most items getItems() returns without a limit: the newest ones, so a
   * long conversation never reaches the model, or memory, whole.
   */
  maxItems?: number | undefined;
}

/**
 * A Session for `run(agent, input, { session })`. getItems(limit) reads only
 * the newest `limit` messages (a bounded range of the store's index, however
 * long the conversation); popItem and clearSession remove messages so that
 * their numbering stays gap-free.
 */
export class StoreSession implements Session {
  readonly #conversations: ConversationService;
  readonly #userId: string;
  readonly #maxItems: number;
  #conversationId: string | undefined;
  #creating: Promise<string> | undefined;

  constructor(options: StoreSessionOptions) {
    this.#conversations = options.conversations;
    this.#userId = parse(id, options.userId, 'userId');
    this.#conversationId =
      options.conversationId === undefined
        ? undefined
        : parse(id, options.conversationId, 'conversationId');
    const maxItems = options.maxItems ?? SESSION_ITEMS_DEFAULT;
    if (!Number.isInteger(maxItems) || maxItems < 1) {
      throw new ValidationError([
        { field: 'maxItems', message: `must be a positive whole number (got ${maxItems})` },
      ]);
    }
    this.#maxItems = maxItems;
  }

  /** The conversation's id; the conversation is created on first need. */
  async getSessionId(): Promise<string> {
    return this.#ensureConversation();
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    const wanted = limit ?? this.#maxItems;
    if (this.#conversationId === undefined || wanted <= 0) return [];
    const items = await this.#newest(this.#conversationId, wanted);
    if (limit !== undefined || items.length < wanted) return items;
    // The window the runner sends the model must not open on a tool's result
    // whose call fell outside it: a model API refuses an output with no call.
    const start = items.findIndex((item) => !isToolOutput(item));
    return start === -1 ? [] : items.slice(start);
  }

  async #newest(conversationId: string, wanted: number): Promise<AgentInputItem[]> {
    // Newest first, page by page, until `wanted` items or the start.
    const pages: Message[][] = [];
    let count = 0;
    let before: string | undefined;
    while (count < wanted) {
      const page = await this.#conversations.getConversationHistory(this.#userId, conversationId, {
        limit: Math.min(HISTORY_LIMIT_MAX, wanted - count),
        ...(before === undefined ? {} : { before }),
      });
      pages.unshift(page.messages);
      count += page.messages.length;
      if (!page.hasOlder || page.olderCursor === null) break;
      before = page.olderCursor;
    }
    return pages.flat().map(itemOf);
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) return;
    const messages = items.map((item, index) => messageOf(item, `items.${index}`));
    const first = items.find(isUserInput);
    const conversationId = await this.#ensureConversation(first && textOf(first));
    try {
      await this.#conversations.saveMessages(this.#userId, conversationId, messages);
    } catch (error) {
      // The store names the message (`messages.0.content`); the caller passed items.
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(
        error.issues.map((issue) => ({
          ...issue,
          field: issue.field.replace(/^messages\./, 'items.'),
        })),
      );
    }
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    if (this.#conversationId === undefined) return undefined;
    const removed = await this.#conversations.removeLastMessage(this.#userId, this.#conversationId);
    return removed === null ? undefined : itemOf(removed);
  }

  /** Removes every item; the session keeps its id (the conversation stays, empty). */
  async clearSession(): Promise<void> {
    if (this.#conversationId === undefined) return;
    await this.#conversations.clearMessages(this.#userId, this.#conversationId);
  }

  async #ensureConversation(firstText?: string): Promise<string> {
    if (this.#conversationId !== undefined) return this.#conversationId;
    // Concurrent first calls share one new conversation.
    this.#creating ??= this.#conversations
      .createConversation(this.#userId, {
        title: firstText === undefined ? null : titleFromMessage(firstText),
      })
      .then((conversation) => (this.#conversationId = conversation.id))
      .finally(() => (this.#creating = undefined));
    return this.#creating;
  }
}

/** function_call_result, computer_call_result, shell_call_output ...: the answer to a call. */
function isToolOutput(item: AgentInputItem): boolean {
  return 'type' in item && typeof item.type === 'string' && /_(?:result|output)$/.test(item.type);
}

function isUserInput(item: AgentInputItem): boolean {
  return 'role' in item && item.role === 'user';
}

/** The message that stores `item`: its text for people, the item itself in metadata. */
function messageOf(item: AgentInputItem, field: string): NewMessage {
  const bytes = Buffer.byteLength(JSON.stringify({ [AGENT_ITEM_KEY]: item }), 'utf8');
  if (bytes > METADATA_MAX_BYTES) {
    throw new ValidationError([
      {
        field,
        message: `an item may be at most ${METADATA_MAX_BYTES} bytes as JSON (got ${bytes}); shorten the tool's output`,
      },
    ]);
  }
  const text = textOf(item);
  // A person's words keep the store's limit for them; anything else is a summary.
  const content = isUserInput(item) ? text : truncate(text, ASSISTANT_MESSAGE_MAX);
  return {
    role: isUserInput(item) ? 'user' : 'assistant',
    content,
    metadata: { [AGENT_ITEM_KEY]: item as unknown as Record<string, never> },
  };
}

/** What a person reading the conversation elsewhere sees for `item`. */
function textOf(item: AgentInputItem): string {
  const text = describe(item).trim();
  return text === '' ? `[${'type' in item && item.type !== undefined ? item.type : 'item'}]` : text;
}

function describe(item: AgentInputItem): string {
  if ('role' in item) {
    const { content } = item;
    if (typeof content === 'string') return content;
    return content
      .map((part) => {
        if ('text' in part && typeof part.text === 'string') return part.text;
        if ('refusal' in part && typeof part.refusal === 'string') return part.refusal;
        if ('transcript' in part && typeof part.transcript === 'string') return part.transcript;
        return `[${part.type}]`;
      })
      .join('\n');
  }
  switch (item.type) {
    case 'function_call':
      return `${item.name}(${item.arguments})`;
    case 'function_call_result': {
      const { output } = item;
      if (typeof output === 'string') return output;
      if ('text' in output && typeof output.text === 'string') return output.text;
      return JSON.stringify(output);
    }
    default:
      return `[${item.type}]`;
  }
}

function truncate(text: string, max: number): string {
  if (characterCount(text) <= max) return text;
  return `${Array.from(text)
    .slice(0, max - 1)
    .join('')}…`;
}

/**
 * The agent item a message stores. A message written some other way (the
 * chat page, the REST API) reads as a plain user or assistant message, so a
 * session can continue any conversation.
 */
function itemOf(message: Message): AgentInputItem {
  const stored = message.metadata?.[AGENT_ITEM_KEY];
  if (isItemLike(stored)) return stored as unknown as AgentInputItem;
  if (message.role === 'user') return { role: 'user', content: message.content };
  return {
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: message.content }],
  };
}

function isItemLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, role } = value as { type?: unknown; role?: unknown };
  return typeof type === 'string' || typeof role === 'string';
}
