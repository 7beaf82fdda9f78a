import type { ReactNode } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  Workspace,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { consoleRouteRef } from '../routes';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { ConsolePage } from './ConsolePage';
import { DesktopTab } from './DesktopTab';

// The real console needs a VNC server to connect to.
jest.mock('@desktop-mania/plugin-workspaces-react', () => ({
  ...jest.requireActual('@desktop-mania/plugin-workspaces-react'),
  DesktopConsole: (props: { name: string; toolbarExtra?: ReactNode }) => (
    <>
      Console of {props.name}
      {props.toolbarExtra}
    </>
  ),
}));

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};

const inPhase = (phase: Workspace['status']['phase']): Workspace => ({
  ...running,
  status: { phase, ready: false },
});

function renderTab(api: WorkspacesApi) {
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DesktopTab />
    </EntityProvider>,
    {
      mountedRoutes: { '/workspaces/:name/console': consoleRouteRef },
      apis: [[workspacesApiRef, api], mockApis.permission()],
    },
  );
}

describe('DesktopTab', () => {
  it('shows the console of a running desktop and opens it in a window of its own', async () => {
    renderTab(workspacesApi());
    expect(await screen.findByText(/Console of alice-dev/)).toBeInTheDocument();
    const open = screen.getByRole('link', { name: /Open in new window/ });
    expect(open).toHaveAttribute('href', '/workspaces/alice-dev/console');
    expect(open).toHaveAttribute('target', '_blank');
  });

  it("starts a stopped desktop with the desktop's lifecycle buttons", async () => {
    const api = workspacesApi({
      getWorkspace: jest.fn(async () => inPhase('Stopped')),
    });
    renderTab(api);
    expect(
      await screen.findByText('The desktop is stopped'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
    const start = screen.getByRole('button', { name: 'Start' });
    await waitFor(() => expect(start).toBeEnabled());
    fireEvent.click(start);
    await waitFor(() =>
      expect(api.runAction).toHaveBeenCalledWith('alice-dev', 'start'),
    );
    expect(
      await screen.findByText('The desktop is starting'),
    ).toBeInTheDocument();
  });

  it('says a desktop the backend no longer has is gone, with nothing to do to it', async () => {
    const gone = Object.assign(new Error('Request failed with 404 Not Found'), {
      name: 'ResponseError',
      response: { status: 404 },
    });
    renderTab(
      workspacesApi({
        getWorkspace: jest.fn(async () => Promise.reject(gone)),
      }),
    );
    expect(
      await screen.findByText('alice-dev no longer exists'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Console of/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    expect(screen.queryByText(/404/)).toBeNull();
  });

  it('leaves an open console to say why it closed when the desktop turns 404', async () => {
    // A revoked share or a delete: the console closes with the backend's own
    // reason, which the generic "no longer exists" would hide.
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const gone = Object.assign(new Error('Request failed with 404'), {
        name: 'ResponseError',
        response: { status: 404 },
      });
      const getWorkspace = jest
        .fn()
        .mockResolvedValueOnce(running)
        .mockRejectedValue(gone);
      renderTab(workspacesApi({ getWorkspace }));
      expect(
        await screen.findByText(/Console of alice-dev/),
      ).toBeInTheDocument();
      await act(async () => {
        jest.advanceTimersByTime(16_000);
      });
      await waitFor(() => expect(getWorkspace).toHaveBeenCalledTimes(2));
      expect(screen.getByText(/Console of alice-dev/)).toBeInTheDocument();
      expect(screen.queryByText('alice-dev no longer exists')).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not start a desktop that is already starting', async () => {
    renderTab(
      workspacesApi({
        getWorkspace: jest.fn(async () => inPhase('Starting')),
      }),
    );
    const start = await screen.findByRole('button', { name: 'Start' });
    await waitFor(() => expect(start).toBeDisabled());
    fireEvent.mouseOver(start.parentElement!);
    expect(
      await screen.findByText('The desktop is already starting'),
    ).toBeInTheDocument();
  });
});

describe('ConsolePage', () => {
  it('shows the desktop named in its route', async () => {
    renderInTestApp(<ConsolePage />, {
      mountPath: '/workspaces/:name/console',
      initialRouteEntries: ['/workspaces/alice-dev/console'],
      mountedRoutes: { '/workspaces/:name/console': consoleRouteRef },
      apis: [[workspacesApiRef, workspacesApi()], mockApis.permission()],
    });
    expect(await screen.findByText(/Console of alice-dev/)).toBeInTheDocument();
    // Its own window names the desktop and offers no other window.
    expect(
      screen.getByRole('heading', { name: 'alice-dev' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Open in new window/ }),
    ).not.toBeInTheDocument();
    expect(document.title).toBe('alice-dev · Desktop');
  });
});
