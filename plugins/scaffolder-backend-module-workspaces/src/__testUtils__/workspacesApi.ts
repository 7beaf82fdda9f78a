import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import type {
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import { http, HttpResponse } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { createWorkspaceAction } from '../actions/createWorkspace';

export const ALICE = 'user:default/alice';
export const WORKSPACES_URL = 'http://localhost:7007/api/workspaces';

export const discovery = {
  getBaseUrl: async () => WORKSPACES_URL,
  getExternalBaseUrl: async () => WORKSPACES_URL,
};

export const auth = mockServices.auth();

/** An msw server that listens for the calling test file's run and forgets each test's handlers after it. */
export function workspacesServer(): SetupServer {
  const server = setupServer();
  registerMswTestHooks(server);
  return server;
}

/** What a call made on behalf of Alice carries: a token for the workspaces plugin with her as the subject. */
export const ALICE_AUTHORIZATION = mockCredentials.service.header({
  onBehalfOf: mockCredentials.user(ALICE),
  targetPluginId: 'workspaces',
});

/** The error body a Backstage backend answers with. */
export function backstageError(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

export interface RecordedRequest {
  method: string;
  /** Path below the plugin's base URL, with the query. */
  path: string;
  authorization: string | null;
  body?: unknown;
}

/**
 * Plays the workspaces backend's HTTP API in memory: orders are kept (unless
 * dry runs), and each read of a desktop moves it one step along `phases`.
 */
export function playWorkspacesBackend(
  server: SetupServer,
  options: { phases?: WorkspaceStatus[] } = {},
) {
  const requests: RecordedRequest[] = [];
  const workspaces = new Map<string, Workspace>();
  const reads = new Map<string, number>();
  const phases = options.phases ?? [{ phase: 'Running', ready: true }];
  const record = async (request: Request, body?: unknown) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path:
        url.pathname.replace(new URL(WORKSPACES_URL).pathname, '') + url.search,
      authorization: request.headers.get('authorization'),
      ...(body === undefined ? {} : { body }),
    });
  };
  server.use(
    http.post(`${WORKSPACES_URL}/workspaces`, async ({ request }) => {
      const order = (await request.json()) as CreateWorkspaceRequest;
      await record(request, order);
      if (workspaces.has(order.name)) {
        return backstageError(
          409,
          'ConflictError',
          `A desktop named '${order.name}' already exists`,
        );
      }
      const workspace: Workspace = {
        name: order.name,
        cluster: order.cluster ?? 'rke2-prod',
        provider: 'kubevirt',
        namespace: 'workspaces',
        os: order.image.startsWith('windows') ? 'windows' : 'linux',
        image: order.image,
        size: order.size,
        diskGi: order.diskGi ?? 30,
        owner: order.owner ?? ALICE,
        createdBy: ALICE,
        createdAt: new Date().toISOString(),
        template: order.template,
        system: order.system,
        status: { phase: 'Provisioning', ready: false },
      };
      const dryRun = new URL(request.url).searchParams.get('dryRun') === 'true';
      if (!dryRun) workspaces.set(order.name, workspace);
      return HttpResponse.json(workspace, { status: dryRun ? 200 : 201 });
    }),
    http.get(
      `${WORKSPACES_URL}/workspaces/:name`,
      async ({ request, params }) => {
        await record(request);
        const workspace = workspaces.get(String(params.name));
        if (!workspace) {
          return backstageError(
            404,
            'NotFoundError',
            `No desktop named '${params.name}'`,
          );
        }
        const read = reads.get(workspace.name) ?? 0;
        reads.set(workspace.name, read + 1);
        return HttpResponse.json({
          ...workspace,
          status: phases[Math.min(read, phases.length - 1)],
        });
      },
    ),
  );
  return { requests, workspaces };
}

/** An action context as the scaffolder gives it when Alice runs the Linux desktop template. */
export function actionContext<T extends JsonObject>(
  input: T,
  extra: { isDryRun?: boolean; signal?: AbortSignal } = {},
) {
  const ctx = createMockActionContext<T>({
    input,
    templateInfo: {
      entityRef: 'template:default/linux-desktop',
      baseUrl: 'file:///templates/linux-desktop/template.yaml',
    },
  });
  jest.spyOn(ctx.logger, 'info');
  jest.spyOn(ctx.logger, 'warn');
  return Object.assign(ctx, {
    getInitiatorCredentials: async () => mockCredentials.user(ALICE),
    ...extra,
  });
}

/** The messages an action logged at a level, in order. */
export function logged(
  ctx: { logger: object },
  level: 'info' | 'warn' = 'info',
): string[] {
  return (ctx.logger as Record<string, jest.Mock>)[level].mock.calls.map(
    c => c[0],
  );
}

/** What workspace:create hands the next steps: the desktop's entity, its catalog page and its console. */
export function expectOrderOutputs(ctx: { output: unknown }, name: string) {
  expect(ctx.output).toHaveBeenCalledWith(
    'entityRef',
    `workspace:default/${name}`,
  );
  expect(ctx.output).toHaveBeenCalledWith(
    'entityUrl',
    `/catalog/default/workspace/${name}`,
  );
  expect(ctx.output).toHaveBeenCalledWith(
    'consoleUrl',
    `/catalog/default/workspace/${name}/desktop`,
  );
}

/** Orders a desktop from the mocked backend with workspace:create, as the template step before workspace:wait does. */
export async function orderDesktop(name: string) {
  await createWorkspaceAction({ auth, discovery }).handler(
    actionContext({ name, image: 'ubuntu-desktop', size: 'small' }),
  );
}
