import { mockCredentials } from '@backstage/backend-test-utils';
import { workspaceLifecyclePermission } from '@desktop-mania/plugin-workspaces-common';
import type request from 'supertest';
import { WorkspaceAuthorizer } from '../service/WorkspaceAuthorizer';

type Api = () => ReturnType<typeof request>;

/** Headers of a signed-in person, or of nobody. */
export function authAs(user?: string) {
  return {
    Authorization: user
      ? mockCredentials.user.header(user)
      : mockCredentials.none.header(),
  };
}

/** Orders small desktops for `owner`, each `[name, cluster]`, through the API. */
export async function orderDesktops(
  api: Api,
  owner: string,
  desktops: Array<[name: string, cluster: string]>,
) {
  for (const [name, cluster] of desktops) {
    await api()
      .post('/api/workspaces/workspaces')
      .set(authAs(owner))
      .send({ name, image: 'ubuntu-desktop', size: 'small', cluster })
      .expect(201);
  }
}

/**
 * As a policy that shows owners their desktop but keeps its lifecycle to
 * admins; restore the spy afterwards.
 */
export function keepLifecycleFromOwners() {
  const isAllowed = WorkspaceAuthorizer.prototype.isAllowed;
  return jest
    .spyOn(WorkspaceAuthorizer.prototype, 'isAllowed')
    .mockImplementation(function lifecycleForAdminsOnly(
      this: WorkspaceAuthorizer,
      ...args
    ) {
      if (args[0] === workspaceLifecyclePermission)
        return Promise.resolve(false);
      return isAllowed.apply(this, args);
    });
}
