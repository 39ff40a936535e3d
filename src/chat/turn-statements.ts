// How many statements one chat turn sends, for the benchmark and a test: a
// store of its own with an onQuery hook, a user, and a second turn in a
// conversation (so nothing is created for the first time) that adds a task
// with the built-in model.
import { createChatService } from '../services.ts';
import { openStore, type StoreOptions } from '../store.ts';

export interface TurnStatements {
  /** Batches sent to the database: what the turn waits on. */
  roundTrips: number;
  /** Every statement the turn sent, tools included. */
  total: number;
  transactions: number;
  /** BEGIN, COMMIT and the set_config that scopes each transaction to the user. */
  control: number;
}

export async function countTurnStatements(options: StoreOptions): Promise<TurnStatements> {
  // The drivers report every batch they send, BEGIN, the role switch and
  // COMMIT included (a Kysely query log sees only the statements in between).
  const statements: string[] = [];
  let roundTrips = 0;
  let counting = false;
  const store = await openStore({
    ...options,
    onRoundTrip: (batch) => {
      if (!counting) return;
      roundTrips++;
      statements.push(...batch.map((text) => text.trim().toLowerCase()));
    },
  });
  try {
    const chat = createChatService(store);
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
      roundTrips,
      total: statements.length,
      transactions: statements.filter((text) => /^begin\b/.test(text)).length,
      control: statements.filter((text) => /^(begin|commit|rollback|select set_config)/.test(text))
        .length,
    };
  } finally {
    await store.close();
  }
}
