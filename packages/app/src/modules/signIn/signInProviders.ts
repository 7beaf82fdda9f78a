import type { SignInProviderConfig } from '@backstage/core-components';
import type { Config } from '@backstage/config';
import { oidcAuthApiRef } from './oidcAuthApi';

const OIDC: SignInProviderConfig = {
  id: 'oidc',
  title: 'Your organisation',
  message: 'Sign in with your company account',
  apiRef: oidcAuthApiRef,
};

/**
 * The providers the backend has: the organisation's OIDC where
 * `auth.providers.oidc` is set (production), the guest where
 * `auth.providers.guest` is (the start command). A production portal that
 * offered only the guest would leave everyone at a refused sign-in.
 */
export function signInProviders(
  config: Config,
): Array<'guest' | SignInProviderConfig> {
  const configured = config.getOptionalConfig('auth.providers');
  const providers: Array<'guest' | SignInProviderConfig> = [];
  if (configured?.has('oidc')) providers.push(OIDC);
  if (configured?.has('guest')) providers.push('guest');
  return providers.length ? providers : ['guest'];
}
