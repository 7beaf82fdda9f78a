import { useCallback, useEffect, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Typography } from '@material-ui/core';
import {
  workspaceLifecyclePermission,
  type WorkspaceSchedule,
  type WorkspaceScheduleRequest,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { WorkingHoursForm } from './WorkingHoursForm';

/**
 * The Workspace page's "Working hours" card: when housekeeping starts and
 * stops the desktop. Those who may not start and stop it see the hours but
 * cannot change them.
 */
export function WorkingHoursCard() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const api = useApi(workspacesApiRef);
  const alertApi = useApi(alertApiRef);
  const lifecycle = usePermission({
    permission: workspaceLifecyclePermission,
    resourceRef: name,
  });
  const [state, setState] = useState<{
    loading: boolean;
    schedule?: WorkspaceSchedule;
    error?: Error;
  }>({ loading: true });
  const [busy, setBusy] = useState(false);
  // Bumped on save and remove, so the form starts again from what is stored.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let gone = false;
    api.getSchedule(name).then(
      schedule => !gone && setState({ loading: false, schedule }),
      error => !gone && setState({ loading: false, error }),
    );
    return () => {
      gone = true;
    };
  }, [api, name]);

  const change = useCallback(
    async (
      work: () => Promise<WorkspaceSchedule | undefined>,
      done: string,
    ) => {
      setBusy(true);
      try {
        const schedule = await work();
        setState({ loading: false, schedule });
        setVersion(v => v + 1);
        alertApi.post({
          message: done,
          severity: 'success',
          display: 'transient',
        });
      } catch (error) {
        alertApi.post({ message: (error as Error).message, severity: 'error' });
      } finally {
        setBusy(false);
      }
    },
    [alertApi],
  );

  const save = (request: WorkspaceScheduleRequest) =>
    change(
      () => api.setSchedule(name, request),
      `Working hours of ${name} saved`,
    );
  const remove = () =>
    change(async () => {
      await api.deleteSchedule(name);
      return undefined;
    }, `Working hours of ${name} removed`);

  let content;
  if (state.loading) content = <Progress />;
  else if (state.error) content = <ResponseErrorPanel error={state.error} />;
  else {
    content = (
      <>
        <Typography variant="body2" paragraph>
          {state.schedule
            ? `Set by ${state.schedule.updatedBy}. The desktop is started at the start time and stopped at the stop time on the days ticked; starting or stopping it yourself in between is kept until the next one. A desktop past its lifetime is never started.`
            : 'None yet. Set times to have the desktop started and stopped for you.'}
        </Typography>
        <WorkingHoursForm
          key={version}
          current={state.schedule}
          disabled={!lifecycle.allowed}
          busy={busy || lifecycle.loading}
          onSave={save}
          onRemove={remove}
        />
      </>
    );
  }
  return <InfoCard title="Working hours">{content}</InfoCard>;
}
