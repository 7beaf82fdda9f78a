import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  WorkspaceSchedule,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { WorkingHoursCard } from './WorkingHoursCard';

jest.setTimeout(30_000);

const STORED: WorkspaceSchedule = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'wed'],
  start: '07:30',
  stop: '18:00',
  updatedAt: '2026-11-30T07:00:00.000Z',
  updatedBy: 'user:default/alice',
};

function renderCard(
  api: Partial<WorkspacesApi>,
  allowed = true,
  name = 'alice-dev',
) {
  const alerts = mockApis.alert();
  renderInTestApp(
    <EntityProvider
      entity={{
        apiVersion: 'desktopmania.io/v1alpha1',
        kind: 'Workspace',
        metadata: { name, namespace: 'default' },
        spec: {},
      }}
    >
      <WorkingHoursCard />
    </EntityProvider>,
    {
      apis: [
        [workspacesApiRef, api as WorkspacesApi],
        alerts,
        mockApis.permission({
          authorize: () =>
            allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        }),
      ],
    },
  );
  return alerts;
}

const input = (label: RegExp) =>
  screen.getByLabelText(label) as HTMLInputElement;

describe('WorkingHoursCard', () => {
  it('saves working hours in week order, with the time zone typed', async () => {
    const setSchedule = jest.fn(async (_n: string, s: object) => ({
      ...STORED,
      ...s,
    }));
    renderCard({ getSchedule: jest.fn(async () => undefined), setSchedule });
    expect(await screen.findByText(/None yet/)).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('Sat'));
    fireEvent.click(screen.getByLabelText('Fri'));
    fireEvent.change(input(/Time zone/), {
      target: { value: 'America/New_York' },
    });
    fireEvent.change(input(/Stop at/), { target: { value: '' } });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled(),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(setSchedule).toHaveBeenCalledWith('alice-dev', {
        timeZone: 'America/New_York',
        days: ['mon', 'tue', 'wed', 'thu', 'sat'],
        start: '08:00',
        stop: undefined,
      }),
    );
    expect(
      await screen.findByText(/Set by user:default\/alice/),
    ).toBeInTheDocument();
  });

  it('names the field at fault and sends nothing', async () => {
    const setSchedule = jest.fn();
    renderCard(
      { getSchedule: jest.fn(async () => STORED), setSchedule },
      true,
      'desk-2',
    );
    await screen.findByText(/Set by/);
    expect(input(/Start at/).value).toBe('07:30');
    fireEvent.change(input(/Time zone/), { target: { value: 'Mars/Base' } });
    expect(
      await screen.findByText(/^timeZone: expected an IANA time zone/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(setSchedule).not.toHaveBeenCalled();
  });

  it('removes working hours', async () => {
    const deleteSchedule = jest.fn(async () => undefined);
    renderCard(
      { getSchedule: jest.fn(async () => STORED), deleteSchedule },
      true,
      'desk-3',
    );
    await screen.findByText(/Set by/);
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText(/None yet/)).toBeInTheDocument();
    expect(deleteSchedule).toHaveBeenCalledWith('desk-3');
  });

  it('shows the hours but lets nobody change them without the lifecycle permission', async () => {
    renderCard({ getSchedule: jest.fn(async () => STORED) }, false, 'desk-4');
    await screen.findByText(/Set by/);
    await waitFor(() => expect(input(/Time zone/)).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Remove' })).toBeDisabled();
  });
});
