import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { RecordingSummary } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../../__testUtils__/fixtures';
import { recordingRouteRef } from '../../routes';
import { RecordingsTab } from './RecordingsTab';

jest.setTimeout(30_000);

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};

const items: RecordingSummary[] = [
  {
    id: 'rec-2',
    workspace: 'alice-dev',
    actor: 'user:default/alice',
    startedAt: '2026-12-02T10:00:00.000Z',
    bytes: 2048,
    truncated: false,
  },
  {
    id: 'rec-1',
    workspace: 'alice-dev',
    actor: 'user:default/admin',
    startedAt: '2026-12-01T09:00:00.000Z',
    endedAt: '2026-12-01T09:12:40.000Z',
    durationMs: 760_000,
    bytes: 3 * 1024 * 1024,
    truncated: true,
  },
];

function renderTab(listRecordings: jest.Mock) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RecordingsTab />
    </EntityProvider>,
    {
      apis: [[workspacesApiRef, workspacesApi({ listRecordings } as any)]],
      mountedRoutes: {
        '/workspaces/:name/recordings/:id': recordingRouteRef,
      },
    },
  );
}

describe('RecordingsTab', () => {
  it('lists each recorded session with who, when, how long and how large, linking to its playback', async () => {
    const list = jest.fn(async () => ({ items }));
    await renderTab(list);
    expect(list).toHaveBeenCalledWith('alice-dev');
    const newest = await screen.findByRole('link', {
      name: '2026-12-02 10:00 UTC',
    });
    expect(newest).toHaveAttribute(
      'href',
      '/workspaces/alice-dev/recordings/rec-2',
    );
    expect(
      screen.getByRole('link', { name: '2026-12-01 09:00 UTC' }),
    ).toHaveAttribute('href', '/workspaces/alice-dev/recordings/rec-1');
    const [, open, done] = screen.getAllByRole('row');
    expect(open).toHaveTextContent('alice');
    expect(open).toHaveTextContent('In progress');
    expect(open).toHaveTextContent('2.0 KiB');
    expect(open).toHaveTextContent('Whole session');
    expect(done).toHaveTextContent('admin');
    expect(done).toHaveTextContent('12:40');
    expect(done).toHaveTextContent('3.0 MiB');
    expect(done).toHaveTextContent('Cut short at the size limit');
  });

  it('says when nothing was recorded', async () => {
    await renderTab(jest.fn(async () => ({ items: [] })));
    expect(
      await screen.findByText(/No sessions of this desktop were recorded/),
    ).toBeInTheDocument();
  });

  it('tells people who may not see recordings whose they are', async () => {
    const forbidden = Object.assign(new Error('Request failed with 403'), {
      name: 'ResponseError',
      response: { status: 403 },
    });
    await renderTab(
      jest.fn(async () => {
        throw forbidden;
      }),
    );
    expect(
      await screen.findByText(
        "Recordings are for admins and the desktop's owner",
      ),
    ).toBeInTheDocument();
  });
});
