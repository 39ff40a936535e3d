import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { UserService } from '../users/user.service.ts';
import type { TokenService } from './token.service.ts';

/**
 * Requires `Authorization: Bearer <token>` and puts the verified user's id on
 * the context. A token for a user that has since been deleted is refused; a
 * token from the configured outside sign-in service creates its user row on
 * first sight. Paths in `except` (sign-up, sign-in) pass through.
 */
export function requireUser(
  tokens: TokenService,
  users: UserService,
  options: { except?: ReadonlySet<string> } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.except?.has(c.req.path) === true) {
      await next();
      return;
    }
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) throw new UnauthorizedError();
    const verified = await tokens.verify(match[1]);
    if (verified.kind === 'external') {
      await users.ensureExternalUser({ id: verified.userId, email: verified.email });
    } else if ((await users.getUser(verified.userId)) === null) {
      throw new UnauthorizedError('The account for this token no longer exists');
    }
    c.set('userId', verified.userId);
    c.set('signedInAt', verified.issuedAt);
    c.get('logger').setBindings({ userId: verified.userId });
    await next();
  };
}
