// An adopter's script: the library entry point on plain node.
import { openStore, ValidationError } from 'todochat';
import { StoreSession } from 'todochat/agents';

const store = await openStore({ dataDir: 'memory://' });
try {
  const user = await store.users.createUser({ email: 'adopter@example.com' });
  const task = await store.tasks.addTask(user.id, { title: 'from the package' });
  console.log(`task ${task.number}: ${task.title} (${task.completed ? 'done' : 'pending'})`);
  await store.tasks.addTask(user.id, { title: '' }).catch((error) => {
    if (!(error instanceof ValidationError)) throw error;
  });
  // The Agents SDK session, from its own entry point.
  const session = new StoreSession({ conversations: store.conversations, userId: user.id });
  await session.addItems([{ role: 'user', content: 'hello from the agents entry' }]);
  const [item] = await session.getItems();
  console.log(`session item: ${item.content}`);
} finally {
  await store.close();
}
