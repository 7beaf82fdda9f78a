import type { ReactNode } from 'react';
import { useIsAdmin } from '../nav/useIsAdmin';

/**
 * `admins` for the signed-in admins, `others` for everyone else. Nothing
 * until the identity is known: a page that routes its tabs would otherwise
 * send an admin who opened a tool's address to the first tab instead.
 */
export function ForAdmins(props: { admins: ReactNode; others: ReactNode }) {
  const { loading, isAdmin } = useIsAdmin();
  if (loading) return null;
  return <>{isAdmin ? props.admins : props.others}</>;
}
