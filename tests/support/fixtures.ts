import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store.ts';
import type { User } from '../../src/users/user.ts';

export const PASSWORD = 'correct horse battery staple';

/** A user with a unique email; hashing is skipped unless a password is asked for. */
export function createUser(store: Store, options: { password?: string } = {}): Promise<User> {
  return store.users.createUser({
    email: `user-${randomUUID()}@example.com`,
    password: options.password,
  });
}

export async function createUsers(store: Store, count: number): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < count; i++) users.push(await createUser(store));
  return users;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
