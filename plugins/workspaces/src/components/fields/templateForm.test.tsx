import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import type {
  WorkspaceFlavors,
  WorkspaceOrdering,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../../__testUtils__/fixtures';
import * as fields from '.';
import { COLLAPSED_CELL } from './WorkspaceClusterPicker';

// The whole order form, as the scaffolder's Stepper runs it from the
// templates, with this plugin's fields and their validation.
jest.setTimeout(60_000);

// Templates as the catalog serves them; jest reads YAML as an object. They
// are data the test checks, not code this package builds on.
/* eslint-disable @typescript-eslint/no-require-imports, @backstage/no-relative-monorepo-imports */
const templates = {
  linux: require('../../../../../templates/linux-desktop/template.yaml'),
  windows: require('../../../../../templates/windows-desktop/template.yaml'),
};
/* eslint-enable @typescript-eslint/no-require-imports, @backstage/no-relative-monorepo-imports */

// A portal whose only cluster runs Linux desktops, as the local provider does.
const flavors: WorkspaceFlavors = {
  images: [
    {
      name: 'debian-desktop',
      title: 'Debian desktop (Openbox)',
      os: 'linux',
      sizes: ['small'],
      diskGi: { min: 20, max: 200, default: 40 },
    },
    {
      name: 'windows-11',
      title: 'Windows 11',
      os: 'windows',
      sizes: ['small'],
      diskGi: { min: 64, max: 200, default: 64 },
    },
  ],
  sizes: [{ name: 'small', title: 'Small (1 vCPU, 4 GiB)' }],
  limits: {
    diskGi: { min: 20, max: 200, default: 40 },
    lifetimeHours: { min: 1, max: 720, default: 168 },
    maxPerOwner: 3,
  },
  clusters: [{ name: 'local', provider: 'local', os: ['linux'] }],
  defaultCluster: 'local',
};

const ordering: WorkspaceOrdering = {
  owners: [
    { owner: 'user:default/alice', held: 2, max: 3 },
    { owner: 'group:default/team-a', held: 3, max: 3 },
  ],
};

const extensions = [
  {
    name: 'WorkspaceNamePicker',
    component: fields.WorkspaceNamePicker,
    validation: fields.validateName,
  },
  { name: 'WorkspaceClusterPicker', component: fields.WorkspaceClusterPicker },
  {
    name: 'WorkspaceFlavorPicker',
    component: fields.WorkspaceFlavorPicker,
    validation: fields.validateImage,
  },
  { name: 'WorkspaceSizePicker', component: fields.WorkspaceSizePicker },
  {
    name: 'WorkspaceOwnerPicker',
    component: fields.WorkspaceOwnerPicker,
    validation: fields.validateOwner,
  },
  { name: 'WorkspaceDiskPicker', component: fields.WorkspaceDiskPicker },
  { name: 'WorkspaceOrderSummary', component: fields.WorkspaceOrderSummary },
] as any[];

function renderForm(os: 'linux' | 'windows') {
  const template = templates[os];
  const onCreate = jest.fn();
  renderInTestApp(
    <Stepper
      manifest={{
        title: template.metadata.title,
        steps: template.spec.parameters.map((page: any) => ({
          title: page.title,
          schema: page,
        })),
      }}
      extensions={extensions}
      onCreate={onCreate}
    />,
    {
      apis: [
        [
          workspacesApiRef,
          workspacesApi({
            getFlavors: async () => flavors,
            getOrdering: async () => ordering,
          }),
        ],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ],
    },
  );
  return onCreate;
}

async function pick(testId: string, option: string) {
  const select = (await screen.findByTestId(testId)).parentElement!;
  fireEvent.mouseDown(within(select).getByRole('button'));
  fireEvent.click(await screen.findByRole('option', { name: option }));
  await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
}

const next = (label: string) =>
  fireEvent.click(screen.getByRole('button', { name: label }));

describe('the order form', () => {
  it('reviews a Linux desktop in words', async () => {
    const onCreate = renderForm('linux');
    fireEvent.change(await screen.findByLabelText(/^Name/), {
      target: { value: 'alice-dev' },
    });
    await pick('image-picker', 'Debian desktop (Openbox)');
    await pick('size-picker', 'Small (1 vCPU, 4 GiB)');
    expect(await screen.findByTestId('owner-quota')).toHaveTextContent(
      'alice: 2 of 3 desktops used.',
    );
    next('Next');
    await waitFor(() =>
      expect(screen.getByTestId('disk-picker')).toHaveValue(40),
    );
    next('Review');
    const table = await screen.findByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map(row =>
        Array.from(row.querySelectorAll('td')).map(c => c.textContent),
      );
    expect(Object.fromEntries(rows)).toEqual({
      Name: 'alice-dev',
      Image: 'Debian desktop (Openbox)',
      Size: 'Small (1 vCPU, 4 GiB)',
      Disk: '40 GiB',
      Lifetime: '7 days',
      Owner: 'alice',
    });
    next('Create');
    await waitFor(() =>
      expect(onCreate).toHaveBeenCalledWith(
        expect.objectContaining({
          name: 'alice-dev',
          image: 'debian-desktop',
          size: 'small',
          cluster: 'local',
          owner: 'user:default/alice',
          diskGi: 40,
          lifetimeHours: 168,
        }),
      ),
    );
  });

  it('stays on the first page while the chosen owner is at the quota', async () => {
    renderForm('linux');
    fireEvent.change(await screen.findByLabelText(/^Name/), {
      target: { value: 'team-dev' },
    });
    await pick('image-picker', 'Debian desktop (Openbox)');
    await pick('size-picker', 'Small (1 vCPU, 4 GiB)');
    await pick('owner-picker', 'team-a · 3 of 3');
    next('Next');
    const sentence =
      'team-a: 3 of 3 desktops used, the most allowed. Delete one of its desktops (stopped ones count too) or choose another owner.';
    // Once under the field: its helper line, and no second line from the
    // scaffolder (its summary above the form is not ours to drop).
    await waitFor(() =>
      expect(screen.getByTestId('owner-quota')).toHaveTextContent(sentence),
    );
    const owner = screen.getByTestId('owner-quota').parentElement!;
    expect(within(owner).getAllByText(sentence)).toHaveLength(1);
    expect(
      within(owner.closest('.field')!).getAllByText(sentence),
    ).toHaveLength(1);
    expect(screen.queryByTestId('disk-picker')).toBeNull();
  });

  it('refuses an empty name with its own words, not the browser bubble', async () => {
    renderForm('linux');
    const name = await screen.findByLabelText(/^Name/);
    expect(document.querySelectorAll('input[required]')).toHaveLength(0);
    next('Next');
    const field = name.closest('.field') as HTMLElement;
    expect(
      await within(field).findByText('Enter a name for the desktop.'),
    ).toBeInTheDocument();
    expect(within(field).queryByText(/must have required/)).toBeNull();
    expect(screen.queryByTestId('disk-picker')).toBeNull();
  });

  it('leaves no room for the cluster when there is no choice, yet orders there', async () => {
    renderForm('linux');
    await screen.findByLabelText(/^Name/);
    await waitFor(() =>
      expect(document.querySelectorAll(COLLAPSED_CELL)).toHaveLength(1),
    );
    // The one grid cell collapsed is the cluster's: Name and Image keep theirs.
    const cell = document.querySelector(COLLAPSED_CELL)!;
    expect(cell.textContent).toBe('');
    expect(cell.querySelector('#root_cluster, [data-testid]')).toBeNull();
    const rules = Array.from(document.styleSheets)
      .flatMap(sheet => Array.from(sheet.cssRules))
      .map(rule => rule.cssText);
    expect(
      rules.some(r => r.includes(':has(') && r.includes('display: none')),
    ).toBe(true);
  });

  it('says on the first page of the Windows template that no cluster here runs Windows, and goes no further', async () => {
    renderForm('windows');
    expect(
      await screen.findByText(
        'No cluster here runs Windows desktops, so this portal cannot order one.',
      ),
    ).toBeInTheDocument();
    fireEvent.change(await screen.findByLabelText(/^Name/), {
      target: { value: 'win-dev' },
    });
    next('Next');
    // Nothing to wait for when nothing happens: give the step time to move on.
    await new Promise(r => setTimeout(r, 1000));
    expect(
      screen.getByText(
        'No cluster here runs Windows desktops, so this portal cannot order one.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('disk-picker')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
  });
});
