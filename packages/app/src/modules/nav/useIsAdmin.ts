import { useEffect, useMemo, useState } from 'react';
import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Whether the signed-in person is in one of `desktopMania.permissions.admins`,
 * matched as the backend's permission policy matches it (case-insensitive
 * ownership refs). Until the identity is known, nobody is an admin, so
 * developer tools never flash up for desktop users.
 *
 * This only decides what the app shows, never what anyone may do: that is
 * for the backend's permission policy, which sees every request.
 */
export function useIsAdmin(): { loading: boolean; isAdmin: boolean } {
  const config = useApi(configApiRef);
  const identityApi = useApi(identityApiRef);
  const admins = useMemo(
    () =>
      (
        config.getOptionalStringArray('desktopMania.permissions.admins') ?? []
      ).map(lower),
    [config],
  );
  const [state, setState] = useState({ loading: true, isAdmin: false });

  useEffect(() => {
    let current = true;
    identityApi.getBackstageIdentity().then(
      ({ ownershipEntityRefs }) => {
        if (!current) return;
        setState({
          loading: false,
          isAdmin: ownershipEntityRefs.some(r => admins.includes(lower(r))),
        });
      },
      () => current && setState({ loading: false, isAdmin: false }),
    );
    return () => {
      current = false;
    };
  }, [identityApi, admins]);

  return state;
}
