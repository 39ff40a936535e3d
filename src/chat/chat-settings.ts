// Which model the chat runs and what a turn may do, with the defaults. Kept
// apart from chat-model.ts and the chat service so that reading the
// configuration does not load the AI SDK.

/** The model CHAT_MODEL names; chat-model.ts turns it into a LanguageModel. */
export type ChatModelConfig =
  | { provider: 'builtin' }
  | { provider: 'openai-compatible'; baseUrl: string; apiKey: string | undefined; model: string };

export interface ChatSettings {
  /** How many recent messages the model sees. */
  historyLimit: number;
  /** Most model calls in one turn (each tool round is one). */
  maxSteps: number;
  /** The whole model run, tools included, must end within this. */
  timeoutMs: number;
  /** Retries of a failed model call within a turn. */
  maxRetries: number;
  /** Model turns per user per minute and per day; null is no limit. */
  ratePerMinute: number | null;
  ratePerDay: number | null;
  /** The built-in model costs nothing to run: exempt it from the limits. */
  rateExemptBuiltin: boolean;
  /** With a model other than the built-in one, ask it for a first turn's title (one short extra call). */
  modelTitles: boolean;
  /** How often a running turn looks for a stop request from another instance. */
  stopPollMs: number;
}

export const DEFAULT_CHAT_SETTINGS: Readonly<ChatSettings> = Object.freeze({
  historyLimit: 20,
  maxSteps: 6,
  timeoutMs: 60_000,
  maxRetries: 1,
  ratePerMinute: 20,
  ratePerDay: 500,
  rateExemptBuiltin: true,
  modelTitles: true,
  stopPollMs: 500,
});
