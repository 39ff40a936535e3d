// The services built on an open store beyond its own: the chat service, for
// the HTTP API (app.ts), the terminal chat (cli/chat.command.ts) and the
// statement count. Kept out of store.ts so that opening a store does not load
// the AI SDK.
import type { LanguageModel } from 'ai';
import { createChatModel } from './chat/chat-model.ts';
import { ChatService, type ChatSettings } from './chat/chat.service.ts';
import type { Config } from './config.ts';
import type { Store } from './store.ts';

export interface ChatOptions {
  /** The chat model; the built-in assistant when absent. */
  model?: LanguageModel | undefined;
  /** Overrides of the defaults in chat-settings.ts. */
  settings?: Partial<ChatSettings> | undefined;
}

/** The model and the turn's limits the configuration names (CHAT_MODEL, CHAT_*). */
export function chatOptionsFrom(config: Pick<Config, 'chatModel' | 'chat'>): {
  model: LanguageModel;
  settings: Readonly<ChatSettings>;
} {
  return { model: createChatModel(config.chatModel), settings: config.chat };
}

export function createChatService(store: Store, options: ChatOptions = {}): ChatService {
  return new ChatService({
    database: store.database,
    tasks: store.tasks,
    model: options.model ?? createChatModel({ provider: 'builtin' }),
    settings: options.settings,
  });
}
