import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { workspacesApiRef } from '../../api';
import {
  KEYBOARD_LAYOUT_STORAGE_KEY,
  KeyboardLayoutSelect,
} from './KeyboardLayoutSelect';

function fakeApi(provider = 'local') {
  return {
    getWorkspace: jest.fn(async () => ({ name: 'alice-dev', provider })),
    setKeyboardLayout: jest.fn(async () => undefined),
  };
}

async function renderSelect(
  api: ReturnType<typeof fakeApi>,
  props: { connected?: boolean; disabled?: boolean } = {},
) {
  const view = (connected: boolean) => (
    <TestApiProvider apis={[[workspacesApiRef, api as any]]}>
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

describe('KeyboardLayoutSelect', () => {
  beforeEach(() => window.localStorage.clear());

  it('sets the layout this browser remembers each time the console connects', async () => {
    window.localStorage.setItem(KEYBOARD_LAYOUT_STORAGE_KEY, 'fr');
    const api = fakeApi();
    const { rerender } = await renderSelect(api, { connected: false });
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
    await renderSelect(api);
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenCalledWith('alice-dev', 'us'),
    );
    fireEvent.mouseDown(
      screen.getByRole('button', { name: 'Keyboard layout' }),
    );
    fireEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', {
        name: 'German',
      }),
    );
    await waitFor(() =>
      expect(api.setKeyboardLayout).toHaveBeenLastCalledWith('alice-dev', 'de'),
    );
    expect(window.localStorage.getItem(KEYBOARD_LAYOUT_STORAGE_KEY)).toBe('de');
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
