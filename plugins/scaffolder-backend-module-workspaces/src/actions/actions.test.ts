import { AddressInfo } from 'net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import {
  FakeProvider,
  providerModule,
} from '@desktop-mania/plugin-workspaces-node/testUtils';
import {
  ALICE,
  actionContext,
  auth,
  expectOrderOutputs,
  logged,
} from '../__testUtils__/workspacesApi';
import { createWorkspaceAction } from './createWorkspace';
import { waitForWorkspaceAction } from './waitForWorkspace';

jest.setTimeout(30_000);

/** The real workspaces backend, with a provider standing in for the cluster. */
async function startWorkspaces(provider: FakeProvider) {
  const backend = await startTestBackend({
    features: [
      workspacesPlugin,
      providerModule('fake', provider),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          workspaces: {
            images: [{ name: 'debian-desktop', title: 'Debian', os: 'linux' }],
            sizes: [{ name: 'small', title: 'Small' }],
            limits: { maxPerOwner: 1 },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const discovery = {
    getBaseUrl: async (pluginId: string) =>
      `http://localhost:${port}/api/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) =>
      `http://localhost:${port}/api/${pluginId}`,
  };
  return { backend, discovery };
}

describe('workspace:create and workspace:wait against the workspaces backend', () => {
  let provider: FakeProvider;
  let env: Awaited<ReturnType<typeof startWorkspaces>>;
  const create = () =>
    createWorkspaceAction({ auth, discovery: env.discovery });
  const wait = (extra: { catalog?: any; pollIntervalMs?: number } = {}) =>
    waitForWorkspaceAction({
      auth,
      discovery: env.discovery,
      pollIntervalMs: 20,
      ...extra,
    });
  const ordered = (name: string) =>
    create().handler(
      actionContext({ name, image: 'debian-desktop', size: 'small' }),
    );

  beforeEach(async () => {
    provider = new FakeProvider();
    env = await startWorkspaces(provider);
  });
  afterEach(() => env.backend.stop());

  it('orders a desktop as the person running the template', async () => {
    const ctx = actionContext({
      name: 'alice-dev',
      image: 'debian-desktop',
      size: 'small',
      diskGi: 30,
    });
    await create().handler(ctx);
    expectOrderOutputs(ctx, 'alice-dev');
    expect(provider.calls).toEqual([{ op: 'create', name: 'alice-dev' }]);
    const res = await fetch(
      `${await env.discovery.getBaseUrl('workspaces')}/workspaces/alice-dev`,
      {
        headers: { Authorization: mockCredentials.user.header(ALICE) },
      },
    );
    expect(await res.json()).toMatchObject({
      owner: ALICE,
      createdBy: ALICE,
      diskGi: 30,
      template: 'template:default/linux-desktop',
    });
  });

  it('validates a dry run without creating anything', async () => {
    const ctx = actionContext(
      { name: 'alice-dev', image: 'debian-desktop', size: 'small' },
      { isDryRun: true },
    );
    await create().handler(ctx);
    expect(provider.calls).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'workspace:default/alice-dev',
    );
  });

  it.each([
    [
      'an unknown image',
      { name: 'x1', image: 'gentoo', size: 'small' },
      /^image: 'gentoo' is not offered/,
    ],
    [
      'a bad name',
      { name: 'Not_OK', image: 'debian-desktop', size: 'small' },
      /name: name must be lowercase/,
    ],
    [
      'an owner the person may not act for',
      {
        name: 'x2',
        image: 'debian-desktop',
        size: 'small',
        owner: 'group:default/strangers',
      },
      /^owner: you may only order/,
    ],
  ])(
    'refuses %s with the backend reason, and creates nothing',
    async (_l, input, message) => {
      const error = await create()
        .handler(actionContext(input))
        .catch(e => e);
      expect(error.message).toMatch(message);
      // One line in the task log, which shows a failed step's error.stack.
      expect(String(error.stack)).toBe(error.message);
      expect(error.message).not.toContain('\n');
      expect(provider.calls).toEqual([]);
    },
  );

  it('refuses a full quota, also in a dry run', async () => {
    await ordered('first');
    await expect(ordered('second')).rejects.toThrow(/^Quota reached: /);
    await expect(
      create().handler(
        actionContext(
          { name: 'third', image: 'debian-desktop', size: 'small' },
          { isDryRun: true },
        ),
      ),
    ).rejects.toThrow(/Quota reached/);
  });

  it('waits until the desktop runs, logging each phase', async () => {
    await ordered('slow');
    const ctx = actionContext({ name: 'slow', timeoutMinutes: 1 });
    setTimeout(() => {
      provider.machines.get('slow')!.status = { phase: 'Running', ready: true };
    }, 200);
    await wait().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
    expect(logged(ctx)).toEqual(['slow is Starting', 'slow is Running']);
  });

  it('also waits for the catalog entity, so the links it outputs work', async () => {
    await ordered('listed');
    provider.machines.get('listed')!.status = { phase: 'Running', ready: true };
    const asked: string[] = [];
    const catalog = {
      getEntityByRef: async (ref: any) => {
        asked.push(String(ref));
        return asked.length < 3 ? undefined : ({ kind: 'Workspace' } as any);
      },
    };
    const ctx = actionContext({ name: 'listed' });
    await wait({ catalog }).handler(ctx);
    expect(asked).toEqual([
      'workspace:default/listed',
      'workspace:default/listed',
      'workspace:default/listed',
    ]);
    expect(logged(ctx)).toContain(
      'listed runs; waiting for it to appear in the catalog',
    );
  });

  it('fails with the reason when the desktop fails', async () => {
    await ordered('broken');
    provider.machines.get('broken')!.status = {
      phase: 'Failed',
      ready: false,
      message: 'Xvnc exited',
    };
    await expect(
      wait().handler(actionContext({ name: 'broken' })),
    ).rejects.toThrow('The desktop broken failed: Xvnc exited');
  });

  it('times out when the desktop does not come up', async () => {
    await ordered('stuck');
    await expect(
      wait({ pollIntervalMs: 50 }).handler(
        actionContext({ name: 'stuck', timeoutMinutes: 0.01 }),
      ),
    ).rejects.toThrow(/still Starting when the wait timed out/);
  });

  it('refuses to wait for a desktop the person cannot see', async () => {
    await expect(
      wait().handler(actionContext({ name: 'nobodys' })),
    ).rejects.toThrow(/^No desktop named 'nobodys'$/);
  });
});
