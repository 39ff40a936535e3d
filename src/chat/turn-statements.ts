// How many statements one chat turn sends, for the benchmark and a test: a
// store of its own with an onQuery hook, a user, and a second turn in a
// conversation (so nothing is created for the first time) that adds a task
// with the built-in model, with or without an idempotency key (the page sends
// one: its message id).
import { TripCounter, type TripTotals } from '../db/trip-counter.ts';
import { createChatService } from '../services.ts';
import { openStore, type StoreOptions } from '../store.ts';

export async function countTurnStatements(
  options: StoreOptions,
  turn: { idempotencyKey?: string } = {},
): Promise<TripTotals> {
  // The drivers report every batch they send, the role switch, BEGIN and
  // COMMIT included (a Kysely query log sees only the statements in between).
  const counter = new TripCounter();
  let counting = false;
  const store = await openStore({
    ...options,
    onRoundTrip: (batch) => {
      if (counting) counter.listener(batch);
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
      ...turn,
    });
    counting = false;
    return counter.totals();
  } finally {
    await store.close();
  }
}
