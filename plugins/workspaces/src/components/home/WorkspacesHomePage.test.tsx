import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  Workspace,
  WorkspaceFlavors,
  WorkspaceOs,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import workspacesPlugin from '../../plugin';
import { running, workspacesApi } from '../../__testUtils__/fixtures';
import { WorkspacesHomePage } from './WorkspacesHomePage';
import { quotaText } from './DesktopQuotaCard';
import { expiryWords } from './DesktopList';

const HOUR = 3_600_000;

// A first render of a whole test app is slow on the shared two-core machine.
jest.setTimeout(30_000);

// Stands in for @backstage/plugin-scaffolder, the default target of the
// order link.
const scaffolderRoot = createRouteRef();
const scaffolder = createFrontendPlugin({
  pluginId: 'scaffolder',
  routes: { root: scaffolderRoot },
});

const ordering = {
  owners: [
    { owner: 'user:default/alice', held: 2, max: 3 },
    { owner: 'group:default/dev', held: 3, max: 3 },
  ],
};

function desktops(): Workspace[] {
  return [
    {
      ...running,
      expiresAt: new Date(Date.now() + 4 * HOUR + 60_000).toISOString(),
    },
    {
      ...running,
      name: 'dev-win',
      os: 'windows',
      image: 'windows-11',
      owner: 'group:default/dev',
      expiresAt: undefined,
      status: { phase: 'Stopped', ready: false },
    },
  ];
}

// Only the images, which say what the portal offers.
const offering = (...os: WorkspaceOs[]) =>
  jest.fn(
    async () =>
      ({
        images: os.map(o => ({ name: `${o}-desktop`, title: o, os: o })),
      } as unknown as WorkspaceFlavors),
  );

function renderHome(overrides: Partial<WorkspacesApi> = {}) {
  const api = workspacesApi({
    listWorkspaces: jest.fn(async () => desktops()),
    getOrdering: jest.fn(async () => ordering),
    getFlavors: offering('linux'),
    ...overrides,
  });
  renderInTestApp(<WorkspacesHomePage />, {
    features: [workspacesPlugin, scaffolder],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
      '/create': scaffolderRoot,
    },
    apis: [
      [workspacesApiRef, api],
      mockApis.identity({
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/dev'],
      }),
      mockApis.permission(),
    ],
  });
  return api;
}

const row = async (name: string) =>
  (await screen.findByTestId(`desktop-${name}`)) as HTMLElement;

describe('WorkspacesHomePage', () => {
  it("lists the person's and their groups' desktops with status and expiry in words", async () => {
    const api = renderHome();
    const mine = await row('alice-dev');
    expect(api.listWorkspaces).toHaveBeenCalledWith({
      owner: ['user:default/alice', 'group:default/dev'],
    });
    expect(within(mine).getByText('Running')).toBeInTheDocument();
    expect(within(mine).getByText('Expires in 4 h')).toBeInTheDocument();
    expect(within(mine).getByRole('button', { name: 'Open' })).toHaveAttribute(
      'href',
      '/catalog/default/workspace/alice-dev/desktop',
    );
    expect(
      within(mine).queryByRole('button', { name: 'Start' }),
    ).not.toBeInTheDocument();

    const shared = await row('dev-win');
    expect(within(shared).getByText('Stopped')).toBeInTheDocument();
    expect(within(shared).getByText('Never expires')).toBeInTheDocument();
    expect(
      within(shared).queryByRole('button', { name: 'Open' }),
    ).not.toBeInTheDocument();
    expect(
      within(shared).getByText(
        'Windows · windows-11 · medium · shared with group dev',
      ),
    ).toBeInTheDocument();
  });

  it('starts a stopped desktop and shows it starting', async () => {
    const api = renderHome({
      runAction: jest.fn(async () => ({
        ...desktops()[1],
        status: { phase: 'Starting' as const, ready: false },
      })),
    });
    const shared = await row('dev-win');
    const start = within(shared).getByRole('button', { name: 'Start' });
    await waitFor(() => expect(start).toBeEnabled());
    fireEvent.click(start);
    expect(await within(shared).findByText('Starting')).toBeInTheDocument();
    expect(api.runAction).toHaveBeenCalledWith('dev-win', 'start');
  });

  it('says how much of the quota the person and each group use', async () => {
    renderHome();
    expect(await screen.findByText('2 of 3 desktops used')).toBeInTheDocument();
    expect(screen.getByText('You')).toBeInTheDocument();
    expect(screen.getByText('Group dev')).toBeInTheDocument();
    expect(
      screen.getByText(
        '3 of 3 desktops used: delete or let one expire to order another',
      ),
    ).toBeInTheDocument();
  });

  it('reads the quota once on opening, and again when the number of desktops changes', async () => {
    const starting = {
      ...desktops()[1],
      status: { phase: 'Starting' as const, ready: false },
    };
    const listWorkspaces = jest
      .fn()
      .mockResolvedValueOnce([desktops()[0], starting])
      .mockResolvedValue([desktops()[0]]);
    const api = renderHome({ listWorkspaces });
    await row('dev-win');
    expect(await screen.findByText('2 of 3 desktops used')).toBeInTheDocument();
    expect(api.getOrdering).toHaveBeenCalledTimes(1);
    // The starting desktop is polled; the next listing no longer has it.
    await waitFor(
      () => expect(screen.queryByTestId('desktop-dev-win')).toBeNull(),
      { timeout: 5000 },
    );
    await waitFor(() => expect(api.getOrdering).toHaveBeenCalledTimes(2));
  });

  it('offers the order form', async () => {
    renderHome();
    await row('alice-dev');
    expect(
      screen
        .getAllByRole('button', { name: 'Order a desktop' })
        .map(b => b.getAttribute('href')),
    ).toEqual(['/create']);
  });

  it('leads a new person to ordering a first desktop', async () => {
    renderHome({
      listWorkspaces: jest.fn(async () => []),
      getOrdering: jest.fn(async () => ({
        owners: [{ owner: 'user:default/bob', held: 0, max: 3 }],
      })),
    });
    expect(
      await screen.findByText('You have no desktops yet'),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('button', { name: 'Order a desktop' })
        .map(b => b.getAttribute('href')),
    ).toEqual(['/create', '/create']);
    expect(await screen.findByText('0 of 3 desktops used')).toBeInTheDocument();
  });

  it("says what this portal's images offer, not what others might", async () => {
    renderHome({ listWorkspaces: jest.fn(async () => []) });
    expect(
      await screen.findByText('Linux desktops in your browser'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Order a Linux desktop; it is ready to open in your browser a few minutes later.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Windows/)).toBeNull();
  });

  it('names Windows where an image offers it', async () => {
    renderHome({
      listWorkspaces: jest.fn(async () => []),
      getFlavors: offering('windows', 'linux', 'linux'),
    });
    expect(
      await screen.findByText('Linux and Windows desktops in your browser'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Order a Linux or Windows desktop;/),
    ).toBeInTheDocument();
  });

  it('names no system when the flavors cannot be read', async () => {
    const getFlavors = jest.fn(async () => {
      throw new Error('backend unavailable');
    });
    renderHome({ listWorkspaces: jest.fn(async () => []), getFlavors });
    expect(
      await screen.findByText('You have no desktops yet'),
    ).toBeInTheDocument();
    await waitFor(() => expect(getFlavors).toHaveBeenCalled());
    expect(screen.getByText('Desktops in your browser')).toBeInTheDocument();
    expect(screen.getByText(/^Order a desktop;/)).toBeInTheDocument();
  });

  it('says in one line when the desktops cannot be listed', async () => {
    renderHome({
      listWorkspaces: jest.fn(async () => {
        throw new Error('backend unavailable');
      }),
    });
    expect(
      await screen.findByText(
        'Error: Could not list your desktops: backend unavailable',
      ),
    ).toBeInTheDocument();
    expect(await screen.findByText('2 of 3 desktops used')).toBeInTheDocument();
  });
});

describe('home page wording', () => {
  it('counts one desktop in the singular', () => {
    expect(quotaText({ held: 0, max: 1 })).toBe('0 of 1 desktop used');
    expect(quotaText({ held: 2, max: 3 })).toBe('2 of 3 desktops used');
  });

  it('puts the expiry in a sentence', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(expiryWords('2026-11-29T10:35:00Z', now)).toBe('Expires in 35 min');
    expect(expiryWords('2026-11-29T09:00:00Z', now)).toBe('Expired');
    expect(expiryWords(undefined, now)).toBe('Never expires');
  });
});
