import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  WorkspacesApi,
  WorkspaceSnapshotList,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../../__testUtils__/fixtures';
import { SnapshotsTab } from './SnapshotsTab';

jest.setTimeout(30_000);

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};

const listed: WorkspaceSnapshotList = {
  items: [
    {
      name: 'before-upgrade',
      workspace: 'alice-dev',
      createdBy: 'user:default/alice',
      createdAt: '2026-12-02T10:00:00.000Z',
      state: 'ready',
      keep: false,
    },
    {
      name: 'broken',
      workspace: 'alice-dev',
      createdBy: 'user:default/alice',
      createdAt: '2026-12-01T09:00:00.000Z',
      state: 'failed',
      keep: true,
      message: 'snapshot deadline exceeded',
    },
  ],
  max: 5,
  supported: true,
  requiresStopped: { take: true, restore: true },
};

function renderTab(overrides: Partial<WorkspacesApi> = {}) {
  const api = workspacesApi({
    listSnapshots: jest.fn(async () => listed),
    takeSnapshot: jest.fn(async () => listed.items[0]),
    restoreSnapshot: jest.fn(async () => listed.items[0]),
    deleteSnapshot: jest.fn(async () => undefined),
    keepSnapshot: jest.fn(async () => listed.items[0]),
    ...overrides,
  });
  renderInTestApp(
    <EntityProvider entity={entity}>
      <SnapshotsTab />
    </EntityProvider>,
    { apis: [[workspacesApiRef, api], mockApis.permission()] },
  );
  return api;
}

describe('SnapshotsTab', () => {
  it('lists snapshots with when, who, state and kept, and says when the desktop must be stopped', async () => {
    renderTab();
    expect(await screen.findByText('before-upgrade')).toBeInTheDocument();
    expect(
      screen.getByText('2026-12-02 10:00 UTC by alice'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Failed: snapshot deadline exceeded'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Keep broken')).toBeChecked();
    expect(screen.getByText('Snapshots (2 of 5)')).toBeInTheDocument();
    expect(
      screen.getByText(
        /a snapshot is taken and restored only while the desktop is stopped/,
      ),
    ).toBeInTheDocument();
  });

  it('takes a snapshot with a valid name only', async () => {
    const api = renderTab();
    const field = await screen.findByLabelText('Snapshot name');
    const take = screen.getByRole('button', { name: 'Take snapshot' });
    fireEvent.change(field, { target: { value: 'Bad Name' } });
    expect(take).toBeDisabled();
    fireEvent.change(field, { target: { value: 'after-install' } });
    fireEvent.click(take);
    await waitFor(() =>
      expect(api.takeSnapshot).toHaveBeenCalledWith(
        'alice-dev',
        'after-install',
      ),
    );
  });

  it('restores only after a confirmation that names what is lost', async () => {
    const api = renderTab();
    await screen.findByText('before-upgrade');
    const [restore, failed] = screen.getAllByRole('button', {
      name: 'Restore',
    });
    // A failed snapshot cannot be restored.
    expect(failed).toBeDisabled();
    fireEvent.click(restore);
    expect(
      await screen.findByText(/Every change made since then .* is lost/),
    ).toBeInTheDocument();
    expect(api.restoreSnapshot).not.toHaveBeenCalled();
    fireEvent.click(
      screen.getByRole('button', { name: 'Restore and lose later changes' }),
    );
    await waitFor(() =>
      expect(api.restoreSnapshot).toHaveBeenCalledWith(
        'alice-dev',
        'before-upgrade',
      ),
    );
  });

  it('keeps and deletes', async () => {
    const api = renderTab();
    fireEvent.click(await screen.findByLabelText('Keep before-upgrade'));
    await waitFor(() =>
      expect(api.keepSnapshot).toHaveBeenCalledWith(
        'alice-dev',
        'before-upgrade',
        true,
      ),
    );
    // Until the keep has been applied every action waits, as for a person.
    const deleteButton = () =>
      screen.getAllByRole('button', { name: 'Delete' })[0];
    await waitFor(() => expect(deleteButton()).toBeEnabled());
    fireEvent.click(deleteButton());
    await waitFor(() =>
      expect(api.deleteSnapshot).toHaveBeenCalledWith(
        'alice-dev',
        'before-upgrade',
      ),
    );
  });

  it('says so where the provider takes none', async () => {
    renderTab({
      listSnapshots: jest.fn(async () => ({ ...listed, supported: false })),
    });
    expect(
      await screen.findByText('Snapshots are not available for this desktop'),
    ).toBeInTheDocument();
  });
});
