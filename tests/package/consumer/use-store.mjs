// An adopter's script: the library entry point on plain node.
import { openStore, ValidationError } from 'todochat';

const store = await openStore({ dataDir: 'memory://' });
try {
  const user = await store.users.createUser({ email: 'adopter@example.com' });
  const task = await store.tasks.addTask(user.id, { title: 'from the package' });
  console.log(`task ${task.number}: ${task.title} (${task.completed ? 'done' : 'pending'})`);
  await store.tasks.addTask(user.id, { title: '' }).catch((error) => {
    if (!(error instanceof ValidationError)) throw error;
  });
} finally {
  await store.close();
}
