import { act, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import type { WorkspaceAccess } from '@desktop-mania/plugin-workspaces-common';
import { DesktopConsole } from './DesktopConsole';
import { people, personName } from './SessionPeople';

// The console of a desktop someone shared: watching only, and who else is there.
const rfbInstances: any[] = [];

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class FakeRFB extends EventTarget {
    viewOnly = false;
    scaleViewport = false;
    resizeSession = false;
    background = '';
    constructor(
      readonly target: HTMLElement,
      readonly channel: any,
      readonly options: any,
    ) {
      super();
      rfbInstances.push(this);
    }
    focus() {}
    disconnect() {
      this.channel.close(1000, '');
    }
  },
}));

jest.setTimeout(20_000);

class FakeWebSocket extends EventTarget {
  static OPEN = 1;
  static instances: FakeWebSocket[] = [];
  binaryType = 'blob';
  readyState = 1;
  protocol = 'binary';
  sent: Array<string | Uint8Array> = [];
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
    FakeWebSocket.instances.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close() {}
  /** Answers the last ping as the proxy would. */
  pong(extra: Record<string, unknown>) {
    const pings = this.sent.filter(d => typeof d === 'string') as string[];
    const { id } = JSON.parse(pings[pings.length - 1]);
    const pong = { type: 'pong', id, idleMs: 0, idleTimeoutMs: 60_000 };
    this.dispatchEvent(
      new MessageEvent('message', {
        data: JSON.stringify({ ...pong, viewers: 2, ...extra }),
      }),
    );
  }
}

const apis = [
  [
    discoveryApiRef,
    { getBaseUrl: async () => 'http://localhost:7007/api/workspaces' },
  ],
  [
    identityApiRef,
    {
      getCredentials: async () => ({ token: 't' }),
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/bob',
        ownershipEntityRefs: ['user:default/bob'],
      }),
    },
  ],
] as const;

async function renderConsole(access?: WorkspaceAccess) {
  rfbInstances.length = 0;
  FakeWebSocket.instances.length = 0;
  await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <DesktopConsole
        name="alice-dev"
        access={access}
        owner="user:default/alice"
      />
    </TestApiProvider>,
  );
  await waitFor(() => expect(rfbInstances).toHaveLength(1));
  return { rfb: rfbInstances[0], socket: FakeWebSocket.instances[0] };
}

/** Connects and lets the console ping once and hear `pong`. */
async function connectAndPong(
  rfb: any,
  socket: FakeWebSocket,
  pong: Record<string, unknown>,
) {
  jest.useFakeTimers();
  act(() => {
    rfb.dispatchEvent(new Event('connect'));
  });
  act(() => socket.pong(pong));
  act(() => {
    jest.advanceTimersByTime(1000);
  });
}

describe('DesktopConsole of a shared desktop', () => {
  beforeEach(() => {
    (global as any).WebSocket = FakeWebSocket;
    window.localStorage.clear();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs noVNC view-only from the start for a view share, and says whose desktop it is', async () => {
    const { rfb } = await renderConsole('view');
    expect(rfb.viewOnly).toBe(true);
    expect(screen.getByTestId('desktop-console-view-only')).toHaveTextContent(
      'View only — shared by alice',
    );
    // Not a choice the grantee can undo.
    const toggle = screen.getByRole('button', { name: 'View only' });
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(toggle).toBeDisabled();
  });

  it('lets a control share type, and keeps View only a choice', async () => {
    const { rfb } = await renderConsole('control');
    expect(rfb.viewOnly).toBe(false);
    expect(screen.queryByTestId('desktop-console-view-only')).toBeNull();
    expect(screen.getByRole('button', { name: 'View only' })).toBeEnabled();
  });

  it('goes view-only when the proxy says the session only watches', async () => {
    const { rfb, socket } = await renderConsole();
    expect(rfb.viewOnly).toBe(false);
    await connectAndPong(rfb, socket, { viewOnly: true, present: [] });
    expect(rfb.viewOnly).toBe(true);
    expect(screen.getByTestId('desktop-console-view-only')).toBeVisible();
  });

  it('shows who is connected, each person once, marking oneself', async () => {
    const { rfb, socket } = await renderConsole('view');
    await connectAndPong(rfb, socket, {
      viewOnly: true,
      present: [
        { user: 'user:default/alice', mode: 'control' },
        { user: 'user:default/bob', mode: 'view' },
        { user: 'user:default/alice', mode: 'view' },
      ],
    });
    jest.useRealTimers();
    const present = screen.getByTestId('desktop-console-present');
    await waitFor(() => expect(present).toHaveTextContent('bob (you)'));
    const chips = within(present).getAllByText(/alice|bob/);
    expect(chips.map(c => c.textContent)).toEqual(['alice', 'bob (you)']);
    expect(
      within(present).getByTitle('user:default/alice: can type'),
    ).toBeVisible();
    expect(
      within(present).getByTitle('user:default/bob: watching'),
    ).toBeVisible();
  });
});

describe('people', () => {
  it('names each person once, controlling if any of their sessions does', () => {
    expect(
      people([
        { user: 'user:default/a', mode: 'view' },
        { user: 'user:default/a', mode: 'control' },
        { user: 'user:default/b', mode: 'view' },
      ]),
    ).toEqual([
      { user: 'user:default/a', mode: 'control' },
      { user: 'user:default/b', mode: 'view' },
    ]);
    expect(personName('user:default/alice')).toBe('alice');
    expect(personName('user:alice')).toBe('alice');
  });
});
