import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { storageApiRef, type StorageApi } from '@backstage/core-plugin-api';
import { workspacesApiRef } from '../../api';
import { KeyboardLayoutSelect } from './KeyboardLayoutSelect';
import { CONSOLE_PREFERENCES_BUCKET } from './useConsolePreference';

function fakeApi(provider = 'local') {
  return {
    getWorkspace: jest.fn(async () => ({ name: 'alice-dev', provider })),
    setKeyboardLayout: jest.fn(async () => undefined),
  };
}

async function renderSelect(
  api: ReturnType<typeof fakeApi>,
  props: { connected?: boolean; disabled?: boolean; storage?: StorageApi } = {},
) {
  const storage = props.storage ?? mockApis.storage();
  const view = (connected: boolean) => (
    <TestApiProvider
      apis={[
        [workspacesApiRef, api as any],
        [storageApiRef, storage],
      ]}
    >
      <KeyboardLayoutSelect
        name="alice-dev"
        connected={connected}
        disabled={props.disabled ?? false}
      />
    </TestApiProvider>
  );
  const rendered = await renderInTestApp(view(props.connected ?? true));
  return {
    rerender: (connected: boolean) => rendered.rerender(view(connected)),
  };
}

// This machine is shared and slow; a render can take seconds.
jest.setTimeout(30_000);

describe('KeyboardLayoutSelect', () => {
  afterEach(() => jest.useRealTimers());

  it('sets the layout the person stored each time the console connects', async () => {
    const storage = mockApis.storage({
      data: { [CONSOLE_PREFERENCES_BUCKET]: { keyboardLayout: 'fr' } },
    });
    const api = fakeApi();
    const { rerender } = await renderSelect(api, {
      connected: false,
      storage,
    });
    expect(await screen.findByText('French')).toBeInTheDocument();
    expect(api.setKeyboardLayout).not.toHaveBeenCalled();

    rerender(true);
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenCalledWith('alice-dev', 'fr'),
    );
    rerender(false);
    rerender(true);
    await waitFor(() => expect(api.setKeyboardLayout).toHaveBeenCalledTimes(2));
  });

  it('sets and remembers the layout the person picks', async () => {
    const api = fakeApi();
    const storage = mockApis.storage();
    await renderSelect(api, { storage });
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenCalledWith('alice-dev', 'us'),
    );
    fireEvent.mouseDown(
      screen.getByRole('button', { name: 'Keyboard layout English (US)' }),
    );
    fireEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', {
        name: 'German',
      }),
    );
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenLastCalledWith('alice-dev', 'de'),
    );
    expect(
      storage.forBucket(CONSOLE_PREFERENCES_BUCKET).snapshot('keyboardLayout')
        .value,
    ).toBe('de');
  });

  it('sets no layout before the person’s stored one is known', async () => {
    // Shaped like the user-settings storage, which answers only later.
    let answer = (_layout: string) => {};
    const bucket = {
      snapshot: (key: string) => ({ key, presence: 'unknown' }),
      observe$: () => ({
        subscribe: ({ next }: { next(snapshot: unknown): void }) => {
          answer = value =>
            next({ key: 'keyboardLayout', presence: 'present', value });
          return { unsubscribe() {} };
        },
      }),
      set: async () => {},
    };
    const storage = { forBucket: () => bucket } as unknown as StorageApi;
    const api = fakeApi();
    // The clock stands still, so a loaded machine cannot run out the time
    // the select gives a silent storage.
    jest.useFakeTimers();
    await renderSelect(api, { storage });
    expect(await screen.findByText('English (US)')).toBeInTheDocument();
    await act(async () => {});
    expect(api.setKeyboardLayout).not.toHaveBeenCalled();

    act(() => answer('fr'));
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenCalledWith('alice-dev', 'fr'),
    );
    act(() => {
      jest.advanceTimersByTime(10_000);
    });
    expect(api.setKeyboardLayout).toHaveBeenCalledTimes(1);
  });

  it('says in its help line when the desktop refused the layout', async () => {
    const api = fakeApi();
    api.setKeyboardLayout.mockRejectedValue(
      new Error("The desktop 'alice-dev' is not running; start it first"),
    );
    await renderSelect(api);
    expect(
      await screen.findByText(
        "The desktop 'alice-dev' is not running; start it first",
      ),
    ).toBeInTheDocument();
  });

  it('offers nothing for a VM desktop, whose own system has the layout', async () => {
    const api = fakeApi('kubevirt');
    await renderSelect(api);
    await waitFor(() => expect(api.getWorkspace).toHaveBeenCalled());
    expect(screen.queryByText('Keyboard layout')).not.toBeInTheDocument();
    expect(api.setKeyboardLayout).not.toHaveBeenCalled();
  });

  it('leaves the layout alone for a view-only viewer', async () => {
    const api = fakeApi();
    await renderSelect(api, { disabled: true });
    expect(await screen.findByText('English (US)')).toBeInTheDocument();
    expect(api.setKeyboardLayout).not.toHaveBeenCalled();
  });
});
