import type { JsonObject } from '../db/schema.ts';

// The limits of a conversation, defined here once. The migration's CHECK
// constraints hold the same numbers (tests/db/limits.test.ts compares them);
// the schemas, the API's documentation and the page read these.
export const USER_MESSAGE_MAX = 1000;
export const ASSISTANT_MESSAGE_MAX = 100_000;
/** The service's limit; the database allows twice this, as a backstop. */
export const METADATA_MAX_BYTES = 32 * 1024;
export const CONVERSATION_TITLE_MAX = 200;
export const IDEMPOTENCY_KEY_MAX = 200;

export type ConversationStatus = 'active' | 'archived';
export type MessageRole = 'user' | 'assistant';

export interface Conversation {
  id: string;
  userId: string;
  title: string | null;
  status: ConversationStatus;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Message {
  id: string;
  conversationId: string;
  userId: string;
  /** Position in the conversation: 1, 2, 3... with no gaps, the order of record. */
  seq: number;
  role: MessageRole;
  content: string;
  metadata: JsonObject | null;
  createdAt: Date;
}

export interface NewMessage {
  role: MessageRole;
  content: string;
  metadata?: JsonObject | null | undefined;
  /** A retry with the same key returns the first message instead of adding another. */
  idempotencyKey?: string | null | undefined;
}

export interface ConversationPage {
  conversations: Conversation[];
  nextCursor: string | null;
}

export interface HistoryPage {
  /** Chronological: oldest first. */
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
  /** Pass as `before` for the page before this one; null when there is none. */
  olderCursor: string | null;
  /**
   * Pass as `after` for what comes after this page. Set whenever the page
   * ends somewhere, even when nothing newer exists yet, so a client can poll.
   */
  newerCursor: string | null;
}
