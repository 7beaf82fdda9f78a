import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  oidcAuthenticator,
  oidcSignInResolvers,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { createSignInFromDirectory } from './signInFromDirectory';

/**
 * The `oidc` sign-in provider, in place of the stock
 * `@backstage/plugin-auth-backend-module-oidc-provider` module (both register
 * the provider id `oidc`, so only one may be added).
 *
 * It signs people in from the portal's directory (`createSignInFromDirectory`)
 * whenever `auth.providers.oidc.<env>.signIn.resolvers` is absent. The stock
 * resolvers stay available so that a config naming one keeps working, but
 * those end a failed sign-in with a generic message.
 */
export const authModuleOidcDirectory = createBackendModule({
  pluginId: 'auth',
  moduleId: 'oidc-directory',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolver: createSignInFromDirectory({ logger }),
            signInResolverFactories: { ...oidcSignInResolvers },
          }),
        });
      },
    });
  },
});
