// Password hashing with argon2id. Hashing is deliberately slow: callers run
// it outside any database transaction (PGlite's transactions are exclusive).
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when no account matches keeps a failed sign-in as
// slow for an unknown email as for a wrong password.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hash('not-a-real-password-0');
  return decoyHash;
}
