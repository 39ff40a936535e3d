// Table types as Kysely sees them. Rows never leave a repository: services
// and transports speak the camelCase domain types next to each feature.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date | undefined>;

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface UserTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  next_task_number: Generated<number>;
  /** IANA name such as Europe/Paris: where "today" and "tomorrow" are. */
  time_zone: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TaskTable {
  user_id: string;
  id: Generated<string>;
  number: number;
  title: string;
  description: string | null;
  completed: Generated<boolean>;
  /** The due day in the user's time zone; null when the task has no due. */
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  /** The due instant, only when a time of day was given. */
  due_at: Date | null;
  priority: Generated<TaskPriority>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type TaskPriority = 'low' | 'normal' | 'high';

export interface ConversationTable {
  user_id: string;
  id: Generated<string>;
  title: string | null;
  status: Generated<'active' | 'archived'>;
  message_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MessageTable {
  user_id: string;
  conversation_id: string;
  id: Generated<string>;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  metadata: ColumnType<JsonObject | null, string | null, never>;
  idempotency_key: string | null;
  created_at: CreatedAt;
}

export interface ChatTurnTable {
  user_id: string;
  user_message_id: string;
  conversation_id: string;
  state: Generated<'running' | 'done' | 'failed'>;
  attempt: Generated<number>;
  lease_until: Date;
  stop_requested: Generated<boolean>;
  reply_id: string | null;
  error: ColumnType<JsonObject | null, string | null, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChatRateCounterTable {
  user_id: string;
  window_seconds: number;
  window_start: Date;
  count: number;
}

export interface ApiKeyTable {
  user_id: string;
  id: Generated<string>;
  name: string;
  key_hash: string;
  hint: string;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date | null, never, Date>;
}

export interface Database {
  users: UserTable;
  tasks: TaskTable;
  conversations: ConversationTable;
  messages: MessageTable;
  chat_turns: ChatTurnTable;
  chat_rate_counters: ChatRateCounterTable;
  api_keys: ApiKeyTable;
}
