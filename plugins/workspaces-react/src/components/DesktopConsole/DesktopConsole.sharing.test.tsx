import { act, screen, waitFor, within } from '@testing-library/react';
import type { WorkspaceAccess } from '@desktop-mania/plugin-workspaces-common';
import { people, personName } from './SessionPeople';
import {
  FakeWebSocket,
  renderConsole as renderAnyConsole,
} from './__testUtils__/consoleFakes';

// The console of a desktop someone shared: watching only, and who else is there.
jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

jest.setTimeout(20_000);

const renderConsole = (access?: WorkspaceAccess) =>
  renderAnyConsole(
    { access, owner: 'user:default/alice' },
    { user: 'user:default/bob' },
  );

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
