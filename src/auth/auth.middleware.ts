import type { MiddlewareHandler } from 'hono';
import { isApiKey, type ApiKeyService } from '../api-keys/api-key.service.ts';
import { UnauthorizedError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { UserService } from '../users/user.service.ts';
import type { TokenService } from './token.service.ts';

/**
 * Requires `Authorization: Bearer <token>` (a sign-in token or an API key) and puts the verified user's id on
 * the context. A token for a user that has since been deleted is refused; a
 * token from the configured outside sign-in service creates its user row on
 * first sight. Paths in `except` (sign-up, sign-in) pass through.
 */
export function requireUser(
  tokens: TokenService,
  users: UserService,
  options: { except?: ReadonlySet<string>; apiKeys?: ApiKeyService } = {},
): MiddlewareHandler<AppEnv> {
  // A key's row goes when its user does (ON DELETE CASCADE), so a key that
  // authenticates always has a live account behind it.
  // An API key is not a sign-in, so it carries no sign-in time: what asks for
  // a recent sign-in (deleting the account) needs the password over a key.
  async function authenticate(
    token: string,
  ): Promise<{ userId: string; signedInAt: Date | undefined }> {
    if (options.apiKeys !== undefined && isApiKey(token)) {
      return { userId: await options.apiKeys.authenticate(token), signedInAt: undefined };
    }
    const verified = await tokens.verify(token);
    if (verified.kind === 'external') {
      await users.ensureExternalUser({ id: verified.userId, email: verified.email });
    } else if ((await users.getUser(verified.userId)) === null) {
      throw new UnauthorizedError('The account for this token no longer exists');
    }
    return { userId: verified.userId, signedInAt: verified.issuedAt };
  }

  return async (c, next) => {
    if (options.except?.has(c.req.path) === true) {
      await next();
      return;
    }
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) throw new UnauthorizedError();
    const { userId, signedInAt } = await authenticate(match[1]);
    c.set('userId', userId);
    c.set('signedInAt', signedInAt);
    c.get('logger').setBindings({ userId });
    await next();
  };
}
