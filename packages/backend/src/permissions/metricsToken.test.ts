import fs from 'fs';
import path from 'path';
import {
  coreServices,
  createBackendPlugin,
  type AuthService,
} from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import workspacesBackend from '@desktop-mania/plugin-workspaces-backend';
import { permissionPolicyModule } from './permissionPolicyModule';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'metrics-token-for-the-test';
const OPEN_TOKEN = 'unrestricted-token-for-the-test';
const READER_TOKEN = 'desktop-reader-token-for-the-test';

// The entry both production configs have, with the token from the environment.
const metricsTokenEntry = {
  type: 'static',
  options: { token: METRICS_TOKEN, subject: 'prometheus' },
  accessRestrictions: [
    { plugin: 'workspaces', permission: 'workspace.metrics.read' },
  ],
};

const ROOT = path.resolve(__dirname, '../../../..');
const productionConfigs = [
  'app-config.production.yaml',
  'deploy/base/backstage/app-config.production.yaml',
];

describe('the metrics scrape token, against the real auth and permissions services', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let pluginAuth: AuthService | undefined;

  beforeAll(async () => {
    // Stands for the catalog and scaffolder modules: a plugin that calls the
    // workspaces backend with its own service token.
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { auth: coreServices.auth },
          async init({ auth }) {
            pluginAuth = auth;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  metricsTokenEntry,
                  {
                    type: 'static',
                    options: { token: OPEN_TOKEN, subject: 'operator' },
                  },
                  {
                    type: 'static',
                    options: { token: READER_TOKEN, subject: 'reader' },
                    accessRestrictions: [
                      { plugin: 'workspaces', permission: 'workspace.read' },
                    ],
                  },
                ],
              },
            },
            permission: { enabled: true },
            desktopMania: { permissions: { admins: ['group:default/admins'] } },
          },
        }),
        permissionBackend,
        permissionPolicyModule,
        workspacesBackend,
        probe,
      ],
    });
    server = backend.server;
  });

  const get = async (route: string, token: string) => {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://localhost:${port}/api/workspaces${route}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.text() };
  };

  it('reads metrics and nothing else', async () => {
    const metrics = await get('/metrics', METRICS_TOKEN);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/desktopmania_console_sessions_active 0/);

    const list = await get('/workspaces', METRICS_TOKEN);
    expect(list.status).toBe(403);
    expect(JSON.parse(list.body).error.message).toBe(
      'You may not list desktops',
    );
    expect((await get('/workspaces/any-desk', METRICS_TOKEN)).status).toBe(404);
  });

  it("leaves other plugins' service calls and unrestricted tokens alone", async () => {
    const { token } = await pluginAuth!.getPluginRequestToken({
      onBehalfOf: await pluginAuth!.getOwnServiceCredentials(),
      targetPluginId: 'workspaces',
    });
    const list = await get('/workspaces', token);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual([]);
    expect((await get('/metrics', token)).status).toBe(200);
    expect((await get('/workspaces', OPEN_TOKEN)).status).toBe(200);
  });

  it('serves metrics only to tokens that hold the metrics permission', async () => {
    expect((await get('/workspaces', READER_TOKEN)).status).toBe(200);
    expect((await get('/metrics', READER_TOKEN)).status).toBe(403);
  });
});

describe('the production configs', () => {
  it.each(productionConfigs)(
    'restrict the metrics token to the metrics in %s',
    file => {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toMatch(
        /token: \$\{METRICS_TOKEN\}\n\s+subject: prometheus\n\s+accessRestrictions:\n\s+- plugin: workspaces\n\s+permission: workspace\.metrics\.read\n/,
      );
    },
  );
});
