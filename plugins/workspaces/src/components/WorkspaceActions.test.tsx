import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  Workspace,
  WorkspaceFlavors,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../__testUtils__/fixtures';
import { WorkspaceActions } from './WorkspaceActions';

const HOUR = 3600_000;

jest.setTimeout(30_000);

// Ordered 10 days ago, expiring in 2 days, 4 days before the 14-day
// limit: +4 h and +1 day fit, +7 days would pass it.
function desktop(name: string): Workspace {
  const now = Date.now();
  return {
    ...running,
    name,
    createdAt: new Date(now - 240 * HOUR).toISOString(),
    expiresAt: new Date(now + 48 * HOUR).toISOString(),
  };
}

function renderActions(
  workspace: Workspace,
  api: WorkspacesApi,
  allowed = true,
) {
  const onChanged = jest.fn();
  const alerts = mockApis.alert();
  renderInTestApp(
    <WorkspaceActions workspace={workspace} onChanged={onChanged} />,
    {
      apis: [
        [workspacesApiRef, api],
        alerts,
        mockApis.permission({
          authorize: () =>
            allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        }),
      ],
    },
  );
  return { onChanged, alerts };
}

// Only the limit the menu reads.
const flavors = {
  getFlavors: jest.fn(
    async () =>
      ({
        limits: { lifetimeHours: { min: 1, max: 14 * 24, default: 168 } },
      } as unknown as WorkspaceFlavors),
  ),
};

describe('Extend', () => {
  it('offers what fits, disables what would pass the limit and says why', async () => {
    const workspace = desktop('extend-dev');
    const extended = {
      ...workspace,
      expiresAt: new Date(Date.now() + 120 * HOUR).toISOString(),
    };
    const api = workspacesApi({
      ...flavors,
      extendWorkspace: jest.fn(async () => extended),
    } as Partial<WorkspacesApi>);
    const { onChanged, alerts } = renderActions(workspace, api);
    const extend = await screen.findByRole('button', { name: 'Extend' });
    await waitFor(() => expect(extend).toBeEnabled());
    fireEvent.click(extend);

    const hours = await screen.findByRole('menuitem', { name: '+4 h' });
    // Disabled while the longest lifetime is asked for, then offered.
    await waitFor(() =>
      expect(hours).not.toHaveAttribute('aria-disabled', 'true'),
    );
    const week = screen.getByRole('menuitem', { name: '+7 days' });
    expect(week).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseOver(week.parentElement!);
    expect(
      await screen.findByText(/^Desktops live at most 14 days after the order/),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('menuitem', { name: '+1 day' }));
    await waitFor(() =>
      expect(api.extendWorkspace).toHaveBeenCalledWith('extend-dev', 24),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(extended));
    expect(alerts.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'success',
        message: 'extend-dev now expires in 5 days',
      }),
    );
  });

  it('reports the backend’s refusal', async () => {
    const refusal = new Error(
      'Cannot extend past 14 days after the order (2026-12-08 07:00 UTC)',
    );
    const api = workspacesApi({
      getFlavors: jest.fn(async () => Promise.reject(new Error('offline'))),
      extendWorkspace: jest.fn(async () => Promise.reject(refusal)),
    } as Partial<WorkspacesApi>);
    const { alerts } = renderActions(desktop('refused-dev'), api);
    const extend = await screen.findByRole('button', { name: 'Extend' });
    await waitFor(() => expect(extend).toBeEnabled());
    fireEvent.click(extend);
    const hours = await screen.findByRole('menuitem', { name: '+4 h' });
    // Without the limit the menu offers everything; the backend decides.
    await waitFor(() =>
      expect(hours).not.toHaveAttribute('aria-disabled', 'true'),
    );
    fireEvent.click(hours);
    await waitFor(() =>
      expect(alerts.getAlerts()).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          message: `Could not extend refused-dev: ${refusal.message}`,
        }),
      ),
    );
  });

  it('is disabled, with the reason, for someone who may not change the desktop', async () => {
    renderActions(desktop('locked-extend'), workspacesApi(flavors), false);
    const extend = await screen.findByRole('button', { name: 'Extend' });
    await waitFor(() => expect(extend).toBeDisabled());
    fireEvent.mouseOver(extend.parentElement!);
    expect(
      (await screen.findAllByText('You do not have permission to do this'))
        .length,
    ).toBeGreaterThan(0);
  });

  it('is disabled for a desktop that never expires', async () => {
    renderActions(
      { ...desktop('forever-dev'), expiresAt: undefined },
      workspacesApi(flavors),
    );
    const extend = await screen.findByRole('button', { name: 'Extend' });
    await waitFor(() => expect(extend).toBeDisabled());
    fireEvent.mouseOver(extend.parentElement!);
    expect(
      await screen.findByText('The desktop never expires'),
    ).toBeInTheDocument();
  });
});

describe('for someone the desktop is shared with', () => {
  it('offers no lifecycle action', async () => {
    renderActions(
      { ...desktop('shared-dev'), access: 'control' },
      workspacesApi(flavors),
    );
    // The permission check settles before anything would show.
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Extend' })).toBeNull();
  });

  it('offers them all to whoever manages it', async () => {
    renderActions(
      { ...desktop('managed-dev'), access: 'manage' },
      workspacesApi(flavors),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
  });
});
