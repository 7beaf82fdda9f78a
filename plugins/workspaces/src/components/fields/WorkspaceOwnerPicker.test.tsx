import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { WorkspaceOrdering } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi, catalogPeople } from '../../__testUtils__/fixtures';
import { WorkspaceOwnerPicker } from './WorkspaceOwnerPicker';
import { validateOwner } from './fieldValidation';

jest.setTimeout(20_000);

const ALICE = 'user:default/alice';
const TEAM_A = 'group:default/team-a';
const ordering = (teamHeld: number): WorkspaceOrdering => ({
  owners: [
    { owner: ALICE, held: 2, max: 3 },
    { owner: TEAM_A, held: teamHeld, max: 3 },
  ],
});
const catalog = catalogApiMock({
  entities: [catalogPeople.alice, catalogPeople.teamA],
});

function render(
  formData: string | undefined,
  teamHeld = 1,
  rawErrors: string[] = [],
) {
  const onChange = jest.fn();
  const getOrdering = jest.fn(async () => ordering(teamHeld));
  renderInTestApp(
    <WorkspaceOwnerPicker
      {...({
        formData,
        onChange,
        schema: { title: 'Owner', description: 'Who owns it' },
        uiSchema: {},
        idSchema: { $id: 'owner' },
        rawErrors,
      } as any)}
    />,
    {
      apis: [
        [workspacesApiRef, workspacesApi({ getOrdering })],
        [catalogApiRef, catalog],
      ],
    },
  );
  return { onChange, getOrdering };
}

async function validate(owner: string, teamHeld = 1) {
  const errors: string[] = [];
  const apis = new Map<string, unknown>([
    [
      workspacesApiRef.id,
      workspacesApi({ getOrdering: async () => ordering(teamHeld) }),
    ],
    [catalogApiRef.id, catalog],
  ]);
  await validateOwner(
    owner,
    { addError: (e: string) => errors.push(e) } as any,
    {
      apiHolder: { get: (ref: { id: string }) => apis.get(ref.id) },
      formData: { owner },
      schema: {},
    } as any,
  );
  return errors;
}

describe('WorkspaceOwnerPicker', () => {
  it('offers only whom the backend lets the person order for, themselves first, by name', async () => {
    const { getOrdering } = render(ALICE);
    fireEvent.mouseDown(await screen.findByRole('button'));
    const list = await screen.findByRole('listbox');
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('option')
          .map(o => o.textContent),
      ).toEqual(['Alice Example (you) · 2 of 3', 'Team A · 1 of 3']),
    );
    expect(getOrdering).toHaveBeenCalledTimes(1);
  });

  it('starts at the person themselves', async () => {
    const { onChange } = render(undefined);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(ALICE));
  });

  it("says how much of the chosen owner's quota is used", async () => {
    render(ALICE);
    await waitFor(() =>
      expect(screen.getByTestId('owner-quota')).toHaveTextContent(
        'Alice Example: 2 of 3 desktops used.',
      ),
    );
  });

  it('says on the page when the chosen owner is at the quota, and what to do', async () => {
    render(TEAM_A, 3);
    await waitFor(() =>
      expect(screen.getByTestId('owner-quota')).toHaveTextContent(
        'Team A: 3 of 3 desktops used, the most allowed. Delete one of its desktops (stopped ones count too) or choose another owner.',
      ),
    );
  });

  it("says the step's refusal on its own helper line, in place of the quota", async () => {
    render(ALICE, 1, ['You may not order desktops for admins.']);
    await waitFor(() =>
      expect(screen.getByTestId('owner-quota')).toHaveTextContent(
        /^You may not order desktops for admins\.$/,
      ),
    );
  });
});

describe('validateOwner', () => {
  it('lets an owner with room go on', async () => {
    expect(await validate(TEAM_A)).toEqual([]);
  });

  it('keeps the step from going on when the owner is at the quota', async () => {
    expect(await validate(TEAM_A, 3)).toEqual([
      'Team A: 3 of 3 desktops used, the most allowed. Delete one of its desktops (stopped ones count too) or choose another owner.',
    ]);
  });

  it('refuses an owner the person may not order for', async () => {
    expect(await validate('group:default/admins')).toEqual([
      'You may not order desktops for admins; choose yourself or one of your groups.',
    ]);
  });
});
