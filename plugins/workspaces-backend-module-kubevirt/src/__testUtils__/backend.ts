import type { ServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module is tested inside the plugin it extends
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import { workspacesModuleKubevirt } from '../module';

export const ALICE = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};

/**
 * The workspaces backend with this module, allowing everything, with one
 * image and one size to order and the one cluster `rke2-prod`, whose config
 * `cluster` completes.
 */
export function startKubeVirtBackend(
  cluster: { url: string } & Record<string, unknown>,
  /** Services to use instead of the test defaults, e.g. a shared database. */
  services: ServiceFactory[] = [],
) {
  return startTestBackend({
    features: [
      ...services,
      workspacesPlugin,
      workspacesModuleKubevirt,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          workspaces: {
            images: [
              {
                name: 'ubuntu-desktop',
                title: 'Ubuntu',
                os: 'linux',
                dataSource: {
                  name: 'ubuntu-desktop',
                  namespace: 'desktop-images',
                },
                preference: 'ubuntu',
                minimum: { cpu: 1, memory: '2Gi' },
              },
            ],
            sizes: [
              {
                name: 'medium',
                title: 'Medium',
                instancetype: 'u1.medium',
                cpu: 1,
                memory: '4Gi',
              },
            ],
            kubevirt: {
              clusters: [
                {
                  name: 'rke2-prod',
                  serviceAccountToken: 'sa-token',
                  ...cluster,
                },
              ],
            },
          },
        },
      }),
    ],
  });
}
