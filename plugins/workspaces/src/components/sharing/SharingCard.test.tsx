import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type {
  Workspace,
  WorkspaceShare,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import {
  running,
  workspacesApi,
  catalogPeople,
} from '../../__testUtils__/fixtures';
import { SharesList, SharingCard } from './SharingCard';

jest.setTimeout(30_000);

const HOUR = 3_600_000;
const BOB = 'user:default/bob';

const catalog = catalogApiMock({
  entities: [catalogPeople.alice, catalogPeople.bob, catalogPeople.teamA],
});

const manages: Workspace = { ...running, access: 'manage' };

function share(grantee: string, mode: 'view' | 'control'): WorkspaceShare {
  return {
    workspace: running.name,
    grantee,
    mode,
    expiresAt: new Date(Date.now() + 3 * HOUR + 60_000).toISOString(),
    grantedBy: 'user:default/alice',
    grantedAt: new Date().toISOString(),
  };
}

function render(
  overrides: Partial<WorkspacesApi>,
  ui = <SharesList workspace={manages} />,
) {
  const api = workspacesApi(overrides);
  renderInTestApp(ui, {
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
    },
    apis: [
      [workspacesApiRef, api],
      [catalogApiRef, catalog],
      mockApis.permission(),
    ],
  });
  return api;
}

describe('SharesList', () => {
  it('lists each share with its mode and end, and Revoke removes it', async () => {
    const removeShare = jest.fn(async () => undefined);
    render({
      listShares: jest.fn(async () => ({
        items: [share(BOB, 'view'), share('group:default/team-a', 'control')],
      })),
      removeShare,
    });
    const bob = await screen.findByTestId(`share-${BOB}`);
    expect(bob).toHaveTextContent('bob');
    expect(bob).toHaveTextContent('View only');
    expect(bob).toHaveTextContent('Ends in 3 h · shared by alice');
    expect(screen.getByTestId('share-group:default/team-a')).toHaveTextContent(
      'Control',
    );

    fireEvent.click(screen.getByRole('button', { name: `Revoke ${BOB}` }));
    await waitFor(() =>
      expect(screen.queryByTestId(`share-${BOB}`)).not.toBeInTheDocument(),
    );
    expect(removeShare).toHaveBeenCalledWith(running.name, BOB);
    expect(screen.getByTestId('share-group:default/team-a')).toBeVisible();
  });

  it('says in one line why a revoke failed, and keeps the share listed', async () => {
    render({
      listShares: jest.fn(async () => ({ items: [share(BOB, 'view')] })),
      removeShare: jest.fn(async () => {
        throw new Error('Not allowed');
      }),
    });
    fireEvent.click(
      await screen.findByRole('button', { name: `Revoke ${BOB}` }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not revoke the share: Not allowed',
    );
    expect(screen.getByTestId(`share-${BOB}`)).toBeVisible();
  });

  it('shares with the chosen person, mode and duration', async () => {
    const setShare = jest.fn(async (_n: string, grantee: string, req: any) => ({
      ...share(grantee, req.mode),
      expiresAt: req.expiresAt,
    }));
    render({
      listShares: jest.fn(async () => ({ items: [] })),
      setShare,
    } as Partial<WorkspacesApi>);
    expect(
      await screen.findByText('Only you can see and use this desktop.'),
    ).toBeVisible();
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    const dialog = await screen.findByRole('dialog');

    fireEvent.mouseDown(within(dialog).getByLabelText('Share with'));
    const people = await screen.findByRole('listbox');
    // The owner is no choice: the backend refuses to share with them.
    expect(
      within(people).queryByRole('option', { name: /Alice/ }),
    ).not.toBeInTheDocument();
    expect(
      within(people).getByRole('option', { name: /Team A/ }),
    ).toBeVisible();
    fireEvent.click(
      within(people).getByRole('option', { name: /Bob Builder/ }),
    );

    fireEvent.click(
      within(dialog).getByLabelText('Use it (keyboard and mouse)'),
    );
    fireEvent.mouseDown(within(dialog).getByLabelText('For'));
    fireEvent.click(await screen.findByRole('option', { name: '7 days' }));

    const before = Date.now();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Share' }));
    await waitFor(() => expect(setShare).toHaveBeenCalled());
    const [name, grantee, request] = setShare.mock.calls[0];
    expect([name, grantee, request.mode]).toEqual([
      running.name,
      BOB,
      'control',
    ]);
    const ends = new Date(request.expiresAt).getTime();
    expect(ends).toBeGreaterThanOrEqual(before + 7 * 24 * HOUR);
    expect(ends).toBeLessThan(Date.now() + 7 * 24 * HOUR + 1000);
    expect(await screen.findByTestId(`share-${BOB}`)).toHaveTextContent(
      'Control',
    );
  });

  it('shows the backend’s refusal in the dialog as one line', async () => {
    // Shaped as the client's ResponseError for the route's 400: the status
    // in the message, the route's reason in the cause.
    const refusal = Object.assign(
      new Error('Request failed with 400 Bad Request'),
      {
        name: 'ResponseError',
        cause: {
          name: 'InputError',
          message: 'expiresAt: must be in the future',
        },
      },
    );
    render({
      listShares: jest.fn(async () => ({ items: [] })),
      setShare: jest.fn(async () => {
        throw refusal;
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Share' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(within(dialog).getByLabelText('Share with'));
    fireEvent.click(await screen.findByRole('option', { name: /Team A/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Share' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toMatch(
      /^Could not share: .*must be in the future$/,
    );
    expect(alert.textContent).not.toMatch(/\n/);
  });
});

describe('SharingCard', () => {
  const renderCard = (workspace: Workspace) => {
    const api = render(
      {
        getWorkspace: jest.fn(async () => workspace),
        listShares: jest.fn(async () => ({ items: [] })),
      },
      <EntityProvider
        entity={{
          apiVersion: 'desktop-mania.io/v1alpha1',
          kind: 'Workspace',
          metadata: { name: workspace.name, namespace: 'default' },
        }}
      >
        <SharingCard />
      </EntityProvider>,
    );
    return api;
  };

  it('shows the shares to whoever manages the desktop', async () => {
    const api = renderCard(manages);
    expect(await screen.findByText('Sharing')).toBeVisible();
    await waitFor(() => expect(api.listShares).toHaveBeenCalled());
  });

  it('shows nothing to someone it is shared with', async () => {
    const api = renderCard({ ...running, access: 'control' });
    await waitFor(() => expect(api.getWorkspace).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByText('Sharing')).not.toBeInTheDocument();
    expect(api.listShares).not.toHaveBeenCalled();
  });
});
