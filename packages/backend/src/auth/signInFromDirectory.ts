import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, isError, NotAllowedError } from '@backstage/errors';
import type {
  AuthResolverContext,
  BackstageSignInResult,
  SignInInfo,
} from '@backstage/plugin-auth-node';

/**
 * What a person who is not in the directory reads on the sign-in page. The
 * auth backend passes only an error's name and message to the page, so this
 * line is all they get: it says who to ask, and for which address.
 */
export const notInDirectoryMessage = (email: string) =>
  `${email} is not in this portal's directory; ask a platform owner to add you`;

export const noVerifiedEmailMessage =
  'Your identity provider sent no verified email address, so this portal cannot find you in its directory; ask a platform owner';

export const sharedEmailMessage = (email: string) =>
  `More than one person in this portal's directory has the email ${email}; ask a platform owner to fix the directory`;

/**
 * Signs a person in as the User entity whose `spec.profile.email` is the
 * verified email their identity provider sent, with that User and their
 * groups as ownership refs.
 *
 * Email is the one attribute that the org file, LDAP, Microsoft Graph and
 * Keycloak ingestion all fill in, so switching the directory needs no other
 * resolver. The OIDC provider passes an email only when the identity provider
 * marks it verified, so nobody can claim someone else's address.
 *
 * Refusals are `NotAllowedError`s on purpose: the stock resolver chain treats
 * a `NotFoundError` as "try the next resolver" and ends in a generic message
 * about catalog configuration that tells the person nothing.
 */
export function createSignInFromDirectory(options: { logger: LoggerService }) {
  const { logger } = options;
  return async (
    info: SignInInfo<unknown>,
    ctx: AuthResolverContext,
  ): Promise<BackstageSignInResult> => {
    const email = info.profile.email;
    if (!email) {
      logger.info('Refused a sign-in without a verified email address');
      throw new NotAllowedError(noVerifiedEmailMessage);
    }
    try {
      return await ctx.signInWithCatalogUser({
        filter: { 'spec.profile.email': email },
      });
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        logger.info(`Refused the sign-in of ${email}: no User has this email`);
        throw new NotAllowedError(notInDirectoryMessage(email));
      }
      if (isError(error) && error.name === 'ConflictError') {
        logger.warn(`Refused the sign-in of ${email}: several Users have it`);
        throw new ConflictError(sharedEmailMessage(email));
      }
      throw error;
    }
  };
}
