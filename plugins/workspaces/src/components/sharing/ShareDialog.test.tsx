import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { WorkspacesApi } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import {
  catalogPeople,
  running,
  workspacesApi,
} from '../../__testUtils__/fixtures';
import { ShareDialog } from './ShareDialog';

jest.setTimeout(30_000);

const catalog = catalogApiMock({
  entities: [
    catalogPeople.alice,
    catalogPeople.bob,
    catalogPeople.teamA,
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'carol', namespace: 'default' },
      spec: { profile: { displayName: 'Carol Team-Lead' } },
    },
  ],
});

async function renderDialog(overrides: Partial<WorkspacesApi> = {}) {
  const api = workspacesApi(overrides);
  renderInTestApp(
    <ShareDialog
      workspace={running.name}
      owner="user:default/alice"
      open
      onClose={() => {}}
      onShared={() => {}}
    />,
    {
      apis: [
        [workspacesApiRef, api],
        [catalogApiRef, catalog],
      ],
    },
  );
  const dialog = await screen.findByRole('dialog');
  const search = within(dialog).getByLabelText('Find a person or group');
  const type = (text: string) =>
    fireEvent.change(search, { target: { value: text } });
  const listed = async () => {
    fireEvent.mouseDown(within(dialog).getByLabelText('Share with'));
    const list = await screen.findByRole('listbox');
    const names = within(list)
      .queryAllByRole('option')
      .map(option => option.textContent);
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
    return names;
  };
  return { dialog, search, type, listed };
}

describe('ShareDialog', () => {
  it('narrows the people and groups by display name or entity ref as one types', async () => {
    const { dialog, type, listed } = await renderDialog();
    // The catalog arrives after the dialog opens. The headings are no
    // options: nothing to pick, no stop for the keyboard.
    await waitFor(async () =>
      expect(await listed()).toEqual([
        'Bob Builder (user:default/bob)',
        'Carol Team-Lead (user:default/carol)',
        'Team A (group:default/team-a)',
      ]),
    );

    type('builder');
    expect(await listed()).toEqual(['Bob Builder (user:default/bob)']);
    type('GROUP:default/');
    expect(await listed()).toEqual(['Team A (group:default/team-a)']);
    // Every word counts, wherever it is.
    type('team user:');
    expect(await listed()).toEqual(['Carol Team-Lead (user:default/carol)']);

    type('zed');
    expect(
      within(dialog).getByText('No person or group matches “zed”'),
    ).toBeVisible();
    type('');
    expect(await listed()).toHaveLength(3);
  });

  it('picks from the keyboard: type, arrow down to the list, Enter, Share', async () => {
    const setShare = jest.fn(async () => ({} as any));
    const { dialog, search, type, listed } = await renderDialog({ setShare });
    // The dialog opens with the keyboard in the search field.
    expect(search).toHaveFocus();
    await waitFor(async () => expect(await listed()).toHaveLength(3));
    act(() => search.focus());

    type('team-a');
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    const list = await screen.findByRole('listbox');
    const teamA = within(list).getByRole('option', { name: /Team A/ });
    expect(within(list).getAllByRole('option')).toEqual([teamA]);
    await waitFor(() => expect(teamA).toHaveFocus());
    fireEvent.keyDown(teamA, { key: 'Enter' });
    await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
    expect(within(dialog).getByLabelText('Share with')).toHaveTextContent(
      'Team A (group:default/team-a)',
    );

    // Typing on keeps the choice shown, though it no longer matches.
    type('bob');
    expect(within(dialog).getByLabelText('Share with')).toHaveTextContent(
      'Team A',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Share' }));
    await waitFor(() =>
      expect(setShare).toHaveBeenCalledWith(
        running.name,
        'group:default/team-a',
        expect.objectContaining({ mode: 'view' }),
      ),
    );
  });

  it('leaves the list shut when the arrow key has nothing to go to', async () => {
    const { search, type, listed } = await renderDialog();
    await waitFor(async () => expect(await listed()).toHaveLength(3));
    type('nobody-here');
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
