// How many statements one chat turn sends, for the benchmark and a test: a
// store of its own with an onQuery hook, a user, and a second turn in a
// conversation (so nothing is created for the first time) that adds a task
// with the built-in model.
import { openStore, type StoreOptions } from '../store.ts';
import { createChatModel } from './chat-model.ts';
import { ChatService } from './chat.service.ts';

export interface TurnStatements {
  /** Every statement the turn sent, tools included. */
  total: number;
  transactions: number;
  /** BEGIN, COMMIT and the set_config that scopes each transaction to the user. */
  control: number;
}

export async function countTurnStatements(options: StoreOptions): Promise<TurnStatements> {
  const statements: string[] = [];
  let counting = false;
  const store = await openStore({
    ...options,
    onQuery: (event) => {
      if (counting) statements.push(event.sql.trim().toLowerCase());
    },
  });
  try {
    const chat = new ChatService({
      database: store.database,
      tasks: store.tasks,
      model: createChatModel({ provider: 'builtin' }),
    });
    const user = await store.users.createUser({
      email: `statements-${crypto.randomUUID()}@example.com`,
    });
    const first = await chat.runTurn({ userId: user.id, message: 'hi' });
    counting = true;
    await chat.runTurn({
      userId: user.id,
      conversationId: first.conversationId,
      message: 'add a task to buy milk',
    });
    counting = false;
    return {
      total: statements.length,
      transactions: statements.filter((text) => text === 'begin').length,
      control: statements.filter((text) => /^(begin|commit|rollback|select set_config)/.test(text))
        .length,
    };
  } finally {
    await store.close();
  }
}
