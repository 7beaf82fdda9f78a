import { act, fireEvent, screen, within } from '@testing-library/react';
import { mockApis } from '@backstage/test-utils';
import type { StorageApi } from '@backstage/core-plugin-api';
import { rfbInstances } from './__testUtils__/fakeNovnc';
import {
  FakeWebSocket,
  renderConsole as renderAnyConsole,
} from './__testUtils__/consoleFakes';
import { CONSOLE_PREFERENCES_BUCKET } from './useConsolePreference';

jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'));

// This machine is shared and slow; rendering the whole console takes a while.
jest.setTimeout(30_000);

const renderConsole = (storage: StorageApi = mockApis.storage()) =>
  renderAnyConsole({}, {}, storage);

const storedQuality = (quality: string) =>
  mockApis.storage({ data: { [CONSOLE_PREFERENCES_BUCKET]: { quality } } });

const select = () =>
  screen.getByTestId('desktop-console-quality') as HTMLSelectElement;

describe('the console quality preset', () => {
  beforeAll(() => {
    (global as any).WebSocket = FakeWebSocket;
  });

  it('starts on Broadband, with noVNC’s own levels', async () => {
    const { rfb } = await renderConsole();
    expect(select().value).toBe('broadband');
    expect(rfb.qualityLevel).toBe(6);
    expect(rfb.compressionLevel).toBe(2);
  });

  it('applies a chosen preset to the live session and remembers it for the person', async () => {
    const storage = mockApis.storage();
    const { rfb, rendered } = await renderConsole(storage);
    await act(async () => {
      fireEvent.change(select(), { target: { value: 'lowBandwidth' } });
    });
    expect(rfb.qualityLevel).toBe(2);
    expect(rfb.compressionLevel).toBe(9);
    expect(rfbInstances).toHaveLength(1);
    expect(
      storage.forBucket(CONSOLE_PREFERENCES_BUCKET).snapshot('quality').value,
    ).toBe('lowBandwidth');
    rendered.unmount();

    const next = await renderConsole(storage);
    expect(select().value).toBe('lowBandwidth');
    expect(next.rfb.qualityLevel).toBe(2);
  });

  it('applies and remembers a preset picked from its menu', async () => {
    const storage = mockApis.storage();
    const { rfb } = await renderConsole(storage);
    fireEvent.mouseDown(screen.getByRole('button', { name: /^Quality/ }));
    await act(async () => {
      fireEvent.click(
        within(screen.getByRole('listbox')).getByRole('option', {
          name: 'LAN',
        }),
      );
    });
    expect(rfb.qualityLevel).toBe(9);
    expect(rfb.compressionLevel).toBe(1);
    expect(
      storage.forBucket(CONSOLE_PREFERENCES_BUCKET).snapshot('quality').value,
    ).toBe('lan');
  });

  it('starts on the preset the person stored', async () => {
    const { rfb } = await renderConsole(storedQuality('lan'));
    expect(select().value).toBe('lan');
    expect(rfb.qualityLevel).toBe(9);
    expect(rfb.compressionLevel).toBe(1);
  });

  it('ignores a stored value it does not know', async () => {
    const { rfb } = await renderConsole(storedQuality('ultra'));
    expect(select().value).toBe('broadband');
    expect(rfb.qualityLevel).toBe(6);
  });
});
