import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  Workspace,
  WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { consoleRouteRef } from '../routes';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { ConsolePage } from './ConsolePage';
import { DesktopTab } from './DesktopTab';

// The real console runs here, down to its websocket: whether one opens is
// the point. Only noVNC, which needs a canvas and a VNC server, is faked.
jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class FakeRFB extends EventTarget {
    constructor(_target: HTMLElement, readonly channel: any) {
      super();
    }
    focus() {}
    disconnect() {}
  },
}));

// The first render of the page and then of the console each take a second
// or more when every suite runs at once on two cores.
jest.setTimeout(20_000);

class FakeWebSocket extends EventTarget {
  static instances: FakeWebSocket[] = [];
  binaryType = 'blob';
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
    FakeWebSocket.instances.push(this);
  }
  close() {}
}

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};

const withStatus = (status: Partial<WorkspaceStatus>): Workspace => ({
  ...running,
  status: { ...running.status, ...status },
});

const apis = (getWorkspace: () => Promise<Workspace>) =>
  [
    [workspacesApiRef, workspacesApi({ getWorkspace: jest.fn(getWorkspace) })],
    mockApis.permission(),
    mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    mockApis.identity({ token: 'header.payload.signature' }),
  ] as const;

function renderTab(getWorkspace: () => Promise<Workspace>) {
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DesktopTab />
    </EntityProvider>,
    {
      mountedRoutes: { '/workspaces/:name/console': consoleRouteRef },
      apis: apis(getWorkspace) as any,
    },
  );
}

/** Lets the console's own loading settle, so a socket it meant to open is open. */
async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

describe('Desktop console on a cluster that cannot share the console', () => {
  beforeEach(() => {
    FakeWebSocket.instances.length = 0;
    (global as any).WebSocket = FakeWebSocket;
  });

  it('warns and opens no websocket until the user chooses to connect anyway', async () => {
    renderTab(async () => withStatus({ consolePreservesSession: false }));
    expect(
      await screen.findByText(
        /Connecting disconnects anyone else viewing this desktop/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toBeInTheDocument();
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(
      screen.queryByTestId('desktop-console-status'),
    ).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Connect anyway' }));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(FakeWebSocket.instances[0].url).toBe(
      'ws://localhost:7007/api/workspaces/workspaces/alice-dev/console',
    );
    expect(
      screen.queryByTestId('console-shared-session-warning'),
    ).not.toBeInTheDocument();
  });

  it('connects straight away where the cluster keeps other sessions', async () => {
    renderTab(async () => withStatus({ consolePreservesSession: true }));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(
      screen.queryByTestId('console-shared-session-warning'),
    ).not.toBeInTheDocument();
  });

  it('connects straight away where the cluster did not say', async () => {
    renderTab(async () => withStatus({}));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(
      screen.queryByTestId('console-shared-session-warning'),
    ).not.toBeInTheDocument();
  });

  it('keeps an open console when a later poll says sessions are not kept', async () => {
    jest.useFakeTimers();
    try {
      const getWorkspace = jest
        .fn<Promise<Workspace>, []>()
        .mockResolvedValueOnce(withStatus({}))
        .mockResolvedValue(withStatus({ consolePreservesSession: false }));
      renderTab(getWorkspace);
      await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
      await act(async () => {
        jest.advanceTimersByTime(20_000);
      });
      await settle();
      expect(getWorkspace.mock.calls.length).toBeGreaterThan(1);
      expect(
        screen.queryByTestId('console-shared-session-warning'),
      ).not.toBeInTheDocument();
      expect(screen.getByTestId('desktop-console-status')).toBeInTheDocument();
      expect(FakeWebSocket.instances).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('asks on the full-screen console page too', async () => {
    renderInTestApp(<ConsolePage />, {
      mountPath: '/workspaces/:name/console',
      initialRouteEntries: ['/workspaces/alice-dev/console'],
      mountedRoutes: { '/workspaces/:name/console': consoleRouteRef },
      apis: apis(async () =>
        withStatus({ consolePreservesSession: false }),
      ) as any,
    });
    const connect = await screen.findByRole('button', {
      name: 'Connect anyway',
    });
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(0);
    fireEvent.click(connect);
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
  });
});
