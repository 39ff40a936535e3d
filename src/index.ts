// The library's public surface. Everything a caller needs to embed the
// conversation store: openStore(), the domain types and the typed errors.
export { openStore, type Store, type StoreOptions } from './store.ts';
export {
  AppError,
  ConflictError,
  DatabaseUnavailableError,
  ForbiddenError,
  NotFoundError,
  StoreLockedError,
  UnauthorizedError,
  ValidationError,
  type ErrorCode,
  type ValidationIssue,
} from './errors.ts';
export type {
  Conversation,
  ConversationPage,
  ConversationStatus,
  HistoryPage,
  Message,
  MessageRole,
  NewMessage,
} from './conversations/conversation.ts';
export type { ConversationService, SavedMessage } from './conversations/conversation.service.ts';
export type { NewTask, Task, TaskChanges, TaskRef, TaskStatusFilter } from './tasks/task.ts';
export type { TaskService } from './tasks/task.service.ts';
export type { NewUser, User } from './users/user.ts';
export type { ApiKey, CreatedApiKey } from './api-keys/api-key.ts';
export type { ApiKeyService } from './api-keys/api-key.service.ts';
export type { UserService } from './users/user.service.ts';
export type { Engine, QueryEvent } from './db/database.ts';
export type { PoolSettings } from './db/database-settings.ts';
export type { JsonObject, JsonValue } from './db/schema.ts';
export { MigrationError } from './db/migrator.ts';
