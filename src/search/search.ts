export type SearchHitKind = 'message' | 'task';

/** One ranked match among the user's messages and tasks. */
export interface SearchHit {
  kind: SearchHitKind;
  /** The message's or the task's UUID. */
  id: string;
  rank: number;
  /** The matching text around the hit, the matched words between `**`. */
  snippet: string;
  /** For a message: where to open the conversation. */
  conversationId: string | null;
  conversationTitle: string | null;
  seq: number | null;
  role: 'user' | 'assistant' | null;
  /** For a task: its number. */
  taskNumber: number | null;
  createdAt: Date;
}
