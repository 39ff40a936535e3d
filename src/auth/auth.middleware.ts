import type { MiddlewareHandler } from 'hono';
import { isApiKey, type ApiKeyService } from '../api-keys/api-key.service.ts';
import { InvalidTokenError, UnauthorizedError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { UserService } from '../users/user.service.ts';
import type { TokenService } from './token.service.ts';

/**
 * Requires `Authorization: Bearer <token>` (a sign-in token or an API key)
 * and puts the verified user's id on the context.
 * - A sign-in token for a user that has since been deleted is refused: the
 *   request's own first transaction checks the row in the same round trip
 *   (`UserService.whileUnchecked`), and a request that opened none is
 *   checked afterwards.
 * - An API key is looked up in its owner's scope; its row goes when its user
 *   does (ON DELETE CASCADE), so a key that authenticates has a live account.
 * - A token from the configured outside sign-in service acts as the user
 *   linked to its (issuer, subject), created on first sight.
 * Paths in `except` (sign-up, sign-in) pass through. `signedInAt` is when the
 * caller last proved who they are (a token's `iat`); an API key proves
 * nothing fresh.
 */
export function requireUser(
  tokens: TokenService,
  users: UserService,
  options: { except?: ReadonlySet<string>; apiKeys?: ApiKeyService } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.except?.has(c.req.path) === true) {
      await next();
      return;
    }
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) throw new UnauthorizedError();
    const signIn = (
      userId: string,
      signedInAt: Date | undefined,
      credential: AppEnv['Variables']['credential'] = 'token',
    ) => {
      c.set('userId', userId);
      c.set('signedInAt', signedInAt);
      c.set('credential', credential);
      c.get('logger').setBindings({ userId });
    };

    if (options.apiKeys !== undefined && isApiKey(token)) {
      signIn(await options.apiKeys.authenticate(token), undefined, 'api_key');
      await next();
      return;
    }
    const verified = await tokens.verify(token);
    if (verified.kind === 'external') {
      signIn((await users.ensureExternalUser(verified)).id, verified.issuedAt);
      await next();
      return;
    }
    signIn(verified.userId, verified.issuedAt);
    const checked = await users.whileUnchecked(verified.userId, next);
    if (!checked && (await users.getUser(verified.userId)) === null) {
      throw new InvalidTokenError('The account for this token no longer exists');
    }
  };
}
