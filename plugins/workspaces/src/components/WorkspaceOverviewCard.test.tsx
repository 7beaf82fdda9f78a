import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { alertApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  Workspace,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { WorkspaceOverviewCard } from './WorkspaceOverviewCard';

const running: Workspace = {
  name: 'alice-dev',
  cluster: 'rke2-prod',
  provider: 'kubevirt',
  namespace: 'workspaces',
  os: 'linux',
  image: 'ubuntu-desktop',
  size: 'medium',
  diskGi: 60,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-24T07:00:00.000Z',
  expiresAt: '2026-12-01T07:00:00.000Z',
  status: {
    phase: 'Running',
    ready: true,
    ip: '10.42.1.7',
    node: 'rke2-worker-1',
  },
};

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: {
    type: 'linux',
    owner: 'user:default/alice',
    flavor: 'ubuntu-desktop',
    size: 'medium',
    cluster: 'rke2-prod',
  },
};

function api(overrides: Partial<WorkspacesApi> = {}): WorkspacesApi {
  return {
    getWorkspace: jest.fn(async () => running),
    runAction: jest.fn(
      async (_n, action) =>
        ({
          ...running,
          status: {
            phase: action === 'stop' ? 'Stopping' : 'Starting',
            ready: false,
          },
        } as Workspace),
    ),
    deleteWorkspace: jest.fn(async () => undefined),
    ...overrides,
  } as unknown as WorkspacesApi;
}

// usePermission caches decisions per permission and resource for the whole
// file, so each permission scenario uses a desktop of its own.
async function renderCard(
  workspacesApi: WorkspacesApi,
  allowed: (name: string) => boolean = () => true,
  name = 'alice-dev',
) {
  const alerts = { post: jest.fn(), alert$: jest.fn() };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [workspacesApiRef, workspacesApi],
        [alertApiRef, alerts],
        [
          permissionApiRef,
          {
            authorize: async (req: any) => ({
              result: allowed(req.permission.name)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            }),
          },
        ],
      ]}
    >
      <EntityProvider
        entity={{ ...entity, metadata: { ...entity.metadata, name } }}
      >
        <WorkspaceOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return alerts;
}

describe('WorkspaceOverviewCard', () => {
  it('shows the desktop with its live status', async () => {
    await renderCard(api());
    expect(await screen.findByText('10.42.1.7')).toBeInTheDocument();
    expect(screen.getByText('rke2-worker-1')).toBeInTheDocument();
    expect(screen.getByText('60 GiB')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getAllByText('Running').length).toBeGreaterThan(0);
  });

  it('stops the desktop and shows the new status', async () => {
    const workspacesApi = api();
    await renderCard(workspacesApi);
    const stop = await screen.findByRole('button', { name: 'Stop' });
    await waitFor(() => expect(stop).toBeEnabled());
    fireEvent.click(stop);
    await waitFor(() =>
      expect(workspacesApi.runAction).toHaveBeenCalledWith('alice-dev', 'stop'),
    );
    expect((await screen.findAllByText(/^Stopping/)).length).toBeGreaterThan(0);
  });

  it('disables buttons the person may not use and says why', async () => {
    await renderCard(
      api({
        getWorkspace: jest.fn(async () => ({ ...running, name: 'locked-dev' })),
      }),
      permission =>
        permission !== 'workspace.delete' &&
        permission !== 'workspace.lifecycle',
      'locked-dev',
    );
    const del = await screen.findByRole('button', { name: 'Delete' });
    await waitFor(() => expect(del).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Stop' })).toBeDisabled();
    fireEvent.mouseOver(del.parentElement!);
    expect(
      await screen.findAllByText('You do not have permission to do this'),
    ).not.toHaveLength(0);
  });

  it('asks before deleting', async () => {
    const workspacesApi = api();
    await renderCard(workspacesApi);
    const del = await screen.findByRole('button', { name: 'Delete' });
    await waitFor(() => expect(del).toBeEnabled());
    fireEvent.click(del);
    expect(await screen.findByText('Delete alice-dev?')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByText('Delete alice-dev?')).not.toBeInTheDocument(),
    );
    expect(workspacesApi.deleteWorkspace).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete for good' }),
    );
    await waitFor(() =>
      expect(workspacesApi.deleteWorkspace).toHaveBeenCalledWith('alice-dev'),
    );
  });

  it('reports a refused action', async () => {
    const refused = Object.assign(new Error('Quota reached'), {
      name: 'ResponseError',
    });
    const alerts = await renderCard(
      api({ runAction: jest.fn(async () => Promise.reject(refused)) }),
    );
    const restart = await screen.findByRole('button', { name: 'Restart' });
    await waitFor(() => expect(restart).toBeEnabled());
    fireEvent.click(restart);
    await waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message: 'Could not restart alice-dev: Quota reached',
        }),
      ),
    );
  });

  it('shows an error when the desktop cannot be loaded', async () => {
    await renderCard(
      api({
        getWorkspace: jest.fn(async () =>
          Promise.reject(new Error('Cluster unreachable')),
        ),
      }),
    );
    expect(
      (await screen.findAllByText(/Cluster unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
