import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi as api } from '../__testUtils__/fixtures';
import { WorkspaceOverviewCard } from './WorkspaceOverviewCard';

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

// usePermission caches decisions per permission and resource for the whole
// file, so each permission scenario uses a desktop of its own.
function renderCard(
  workspacesApi: WorkspacesApi,
  allowed: (name: string) => boolean = () => true,
  name = 'alice-dev',
) {
  const alerts = mockApis.alert();
  renderInTestApp(
    <EntityProvider
      entity={{ ...entity, metadata: { ...entity.metadata, name } }}
    >
      <WorkspaceOverviewCard />
    </EntityProvider>,
    {
      apis: [
        [workspacesApiRef, workspacesApi],
        alerts,
        mockApis.permission({
          authorize: req =>
            allowed(req.permission.name)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }),
      ],
    },
  );
  return alerts;
}

describe('WorkspaceOverviewCard', () => {
  it('shows the desktop with its live status', async () => {
    renderCard(api());
    expect(await screen.findByText('10.42.1.7')).toBeInTheDocument();
    expect(screen.getByText('rke2-worker-1')).toBeInTheDocument();
    expect(screen.getByText('60 GiB')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getAllByText('Running').length).toBeGreaterThan(0);
  });

  it('stops the desktop after saying what is lost, and shows the new status', async () => {
    const workspacesApi = api();
    renderCard(workspacesApi);
    const stop = await screen.findByRole('button', { name: 'Stop' });
    await waitFor(() => expect(stop).toBeEnabled());
    fireEvent.click(stop);
    expect(
      await screen.findByText(/work not saved to a file is\s+lost/),
    ).toBeInTheDocument();
    expect(workspacesApi.runAction).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Stop it' }));
    await waitFor(() =>
      expect(workspacesApi.runAction).toHaveBeenCalledWith('alice-dev', 'stop'),
    );
    expect((await screen.findAllByText(/^Stopping/)).length).toBeGreaterThan(0);
  });

  it('disables buttons the person may not use and says why', async () => {
    renderCard(
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
    renderCard(workspacesApi);
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
    const alerts = renderCard(
      api({ runAction: jest.fn(async () => Promise.reject(refused)) }),
    );
    const restart = await screen.findByRole('button', { name: 'Restart' });
    await waitFor(() => expect(restart).toBeEnabled());
    fireEvent.click(restart);
    await waitFor(() =>
      expect(alerts.getAlerts()).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          message: 'Could not restart alice-dev: Quota reached',
        }),
      ),
    );
  });

  it('shows an error when the desktop cannot be loaded', async () => {
    renderCard(
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
