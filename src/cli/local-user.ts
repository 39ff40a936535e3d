import type { Store } from '../store.ts';
import type { User } from '../users/user.ts';

/** The terminal's user when none is named: created on first use, without a password. */
export const LOCAL_USER_EMAIL = 'me@todochat.localhost';

export async function ensureLocalUser(store: Store, email: string): Promise<User> {
  return (await store.users.findUserByEmail(email)) ?? (await store.users.createUser({ email }));
}
