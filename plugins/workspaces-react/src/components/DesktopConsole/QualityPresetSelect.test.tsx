import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { rfbInstances } from './__testUtils__/fakeNovnc';
import {
  FakeWebSocket,
  renderConsole as renderAnyConsole,
} from './__testUtils__/consoleFakes';

jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

// This machine is shared and slow; rendering the whole console takes a while.
jest.setTimeout(30_000);

const renderConsole = (user = 'user:default/alice') =>
  renderAnyConsole({}, { user });

const select = () =>
  screen.getByTestId('desktop-console-quality') as HTMLSelectElement;

describe('the console quality preset', () => {
  beforeAll(() => {
    (global as any).WebSocket = FakeWebSocket;
  });
  beforeEach(() => window.localStorage.clear());

  it('starts on Broadband, with noVNC’s own levels', async () => {
    const { rfb } = await renderConsole();
    expect(select().value).toBe('broadband');
    expect(rfb.qualityLevel).toBe(6);
    expect(rfb.compressionLevel).toBe(2);
  });

  it('applies a chosen preset to the live session and remembers it for the person', async () => {
    const { rfb, rendered } = await renderConsole();
    // The person is known once the identity arrives.
    await act(() => new Promise(r => setTimeout(r, 50)));
    await act(async () => {
      fireEvent.change(select(), { target: { value: 'lowBandwidth' } });
    });
    expect(rfb.qualityLevel).toBe(2);
    expect(rfb.compressionLevel).toBe(9);
    expect(rfbInstances).toHaveLength(1);
    expect(
      window.localStorage.getItem(
        'desktopmania.console.quality:user:default/alice',
      ),
    ).toBe('lowBandwidth');
    rendered.unmount();

    const next = await renderConsole();
    await waitFor(() => expect(select().value).toBe('lowBandwidth'));
    expect(next.rfb.qualityLevel).toBe(2);
  });

  it('keeps one person’s choice from another signed in to the same browser', async () => {
    window.localStorage.setItem(
      'desktopmania.console.quality:user:default/alice',
      'lan',
    );
    const { rfb } = await renderConsole('user:default/bob');
    // Give the identity time to arrive, then check Bob still has the default.
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(select().value).toBe('broadband');
    expect(rfb.qualityLevel).toBe(6);
  });

  it('ignores a stored value it does not know', async () => {
    window.localStorage.setItem(
      'desktopmania.console.quality:user:default/alice',
      'ultra',
    );
    const { rfb } = await renderConsole();
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(select().value).toBe('broadband');
    expect(rfb.qualityLevel).toBe(6);
  });
});
