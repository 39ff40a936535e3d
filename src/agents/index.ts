// todochat/agents: the store as memory and tools for the OpenAI Agents SDK.
// A subpath of its own so that only those who use the SDK need it installed.
export {
  AGENT_ITEM_KEY,
  SESSION_ITEMS_DEFAULT,
  StoreSession,
  type StoreSessionOptions,
} from './store-session.ts';
export { todoAgentTools, type TodoAgentToolsOptions } from './todo-agent-tools.ts';
