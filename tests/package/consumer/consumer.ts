// An adopter's TypeScript: both entry points, type-checked strictly.
import { openStore, type Store, type Task } from 'todochat';
import { createApp, TokenService } from 'todochat/server';
import { StoreSession } from 'todochat/agents';
import type { Session } from '@openai/agents';

export async function firstTitle(store: Store, userId: string): Promise<string | undefined> {
  const tasks: Task[] = await store.tasks.listTasks(userId);
  return tasks[0]?.title;
}

export async function mount(): Promise<Response> {
  const store = await openStore({ dataDir: 'memory://' });
  // @ts-expect-error the engine is 'pglite' | 'postgres', so real types must have reached us
  const engine: number = store.engine;
  void engine;
  const { pino } = await import('pino');
  const app = createApp({
    store,
    tokens: new TokenService({ secret: 'x'.repeat(32), ttlSeconds: 60 }),
    logger: pino({ level: 'silent' }),
  });
  return app.request('/healthz');
}

export function session(store: Store, userId: string): Session {
  return new StoreSession({ conversations: store.conversations, userId, maxItems: 50 });
}
