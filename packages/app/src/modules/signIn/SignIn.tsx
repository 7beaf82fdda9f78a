import { SignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { signInProviders } from './signInProviders';

/** The portal's sign-in page, offering what the backend is configured with. */
export function SignIn(props: SignInPageProps) {
  const config = useApi(configApiRef);
  return (
    <SignInPage
      {...props}
      title="Desktop Mania"
      align="center"
      auto
      providers={signInProviders(config)}
    />
  );
}
