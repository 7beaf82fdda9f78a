import { act, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  WorkspacesApi,
  WorkspaceUsage,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../__testUtils__/fixtures';
import { WorkspaceOverviewCard } from './WorkspaceOverviewCard';

const GiB = 2 ** 30;
const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};

function renderCard(getWorkspaceUsage: () => Promise<WorkspaceUsage>) {
  const api = workspacesApi({
    getWorkspaceUsage: jest.fn(getWorkspaceUsage),
  } as Partial<WorkspacesApi>);
  renderInTestApp(
    <EntityProvider entity={entity}>
      <WorkspaceOverviewCard />
    </EntityProvider>,
    {
      apis: [
        [workspacesApiRef, api],
        mockApis.permission({ authorize: () => AuthorizeResult.ALLOW }),
      ],
    },
  );
  return api;
}

describe('the Resources section of the desktop card', () => {
  afterEach(() => jest.useRealTimers());

  it('shows CPU, memory and disk against their limits, measured again every 10 s', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    let memory = 1.5 * GiB;
    const api = renderCard(async () => ({
      available: true,
      cpuCores: 0.25,
      memoryBytes: memory,
      memoryLimitBytes: 4 * GiB,
      diskBytes: 3 * GiB,
      diskLimitBytes: 30 * GiB,
      at: new Date().toISOString(),
    }));
    expect(await screen.findByText('Resources')).toBeInTheDocument();
    expect(await screen.findByText('0.25 CPU')).toBeInTheDocument();
    expect(screen.getByText('1.5 GiB of 4.0 GiB (38%)')).toBeInTheDocument();
    expect(screen.getByText('3.0 GiB of 30.0 GiB (10%)')).toBeInTheDocument();

    memory = 2 * GiB;
    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(
      await screen.findByText('2.0 GiB of 4.0 GiB (50%)'),
    ).toBeInTheDocument();
    expect(api.getWorkspaceUsage).toHaveBeenCalledTimes(2);
    expect(api.getWorkspaceUsage).toHaveBeenCalledWith('alice-dev');
  });

  it('says a figure the provider does not measure is not available', async () => {
    renderCard(async () => ({ available: true, memoryBytes: 512 * 2 ** 20 }));
    expect(await screen.findByText('512 MiB')).toBeInTheDocument();
    expect(screen.getAllByText('not available')).toHaveLength(2);
  });

  it('says why nothing is measured', async () => {
    renderCard(async () => ({
      available: false,
      reason: 'The desktop is not running',
    }));
    expect(
      await screen.findByText('Not available: The desktop is not running'),
    ).toBeInTheDocument();
  });

  it('says not available when the backend cannot answer', async () => {
    renderCard(async () => Promise.reject(new Error('Prometheus is down')));
    await waitFor(() =>
      expect(
        screen.getByText('Not available: Prometheus is down'),
      ).toBeInTheDocument(),
    );
  });
});
