import { Route, Routes } from 'react-router-dom';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { homeRouteRef } from '../routes';
import { WorkspaceOverviewCard } from './WorkspaceOverviewCard';

jest.setTimeout(30_000);

// What the client throws for a desktop the backend no longer has.
const notFound = () =>
  Object.assign(new Error('Request failed with 404 Not Found'), {
    name: 'ResponseError',
    response: { status: 404 },
  });

function renderCard(
  name: string,
  api: WorkspacesApi,
  options: { home?: boolean } = {},
) {
  const entity = {
    apiVersion: 'desktopmania.io/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace: 'default' },
    spec: { type: 'linux', owner: 'user:default/alice' },
  };
  const alerts = mockApis.alert();
  renderInTestApp(
    <Routes>
      <Route path="/workspaces/home" element={<h1>Your desktops</h1>} />
      <Route
        path="*"
        element={
          <EntityProvider entity={entity}>
            <WorkspaceOverviewCard />
          </EntityProvider>
        }
      />
    </Routes>,
    {
      initialRouteEntries: [`/catalog/default/workspace/${name}`],
      mountedRoutes: options.home ? { '/workspaces/home': homeRouteRef } : {},
      apis: [[workspacesApiRef, api], alerts, mockApis.permission()],
    },
  );
  return alerts;
}

async function deleteForGood() {
  const del = await screen.findByRole('button', { name: 'Delete' });
  await waitFor(() => expect(del).toBeEnabled());
  fireEvent.click(del);
  fireEvent.click(
    await screen.findByRole('button', { name: 'Delete for good' }),
  );
}

describe('WorkspaceOverviewCard after a delete', () => {
  it('takes the person home with the deleted message', async () => {
    const api = workspacesApi({
      getWorkspace: jest.fn(async () => ({ ...running, name: 'gone-home' })),
    });
    const alerts = renderCard('gone-home', api, { home: true });
    await deleteForGood();
    expect(
      await screen.findByRole('heading', { name: 'Your desktops' }),
    ).toBeInTheDocument();
    expect(api.deleteWorkspace).toHaveBeenCalledWith('gone-home');
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(alerts.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'success',
        message: 'gone-home was deleted',
      }),
    );
  });

  it('shows the desktop as gone, with no actions, when its reload answers 404', async () => {
    const getWorkspace = jest
      .fn()
      .mockResolvedValueOnce({ ...running, name: 'gone-here' })
      .mockRejectedValue(notFound());
    const api = workspacesApi({ getWorkspace });
    // No home page mounted: the card stays and reads the desktop again.
    renderCard('gone-here', api);
    await deleteForGood();
    expect(
      await screen.findByText('gone-here no longer exists'),
    ).toBeInTheDocument();
    expect(getWorkspace).toHaveBeenCalledTimes(2);
    for (const action of ['Start', 'Stop', 'Restart', 'Delete', 'Extend'])
      expect(screen.queryByRole('button', { name: action })).toBeNull();
    expect(screen.queryByText('Running')).toBeNull();
    expect(screen.queryByText(/404/)).toBeNull();
  });

  it('keeps the desktop on screen when a read fails for another reason', async () => {
    const getWorkspace = jest
      .fn()
      .mockResolvedValueOnce({ ...running, name: 'flaky-dev' })
      .mockRejectedValue(new Error('Cluster unreachable'));
    renderCard('flaky-dev', workspacesApi({ getWorkspace }));
    await deleteForGood();
    await waitFor(() => expect(getWorkspace).toHaveBeenCalledTimes(2));
    expect(screen.queryByText('flaky-dev no longer exists')).toBeNull();
    // Once the confirmation has closed, the desktop's buttons are back.
    expect(
      await screen.findByRole('button', { name: 'Delete' }),
    ).toBeInTheDocument();
  });
});
