// The model seam: every chat model is an AI SDK LanguageModel, so the
// built-in assistant and a real model take the same path through the agent.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { createBuiltinModel } from './builtin-assistant.ts';
import type { ChatModelConfig } from './chat-settings.ts';

export function createChatModel(config: ChatModelConfig): LanguageModel {
  if (config.provider === 'builtin') return createBuiltinModel();
  return createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: config.baseUrl,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
  }).chatModel(config.model);
}

export function modelName(model: LanguageModel): string {
  return typeof model === 'string' ? model : `${model.provider}:${model.modelId}`;
}
