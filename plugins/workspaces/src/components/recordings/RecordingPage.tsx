import { useEffect, useState } from 'react';
import {
  Content,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRefParams } from '@backstage/frontend-plugin-api';
import { Box } from '@material-ui/core';
import {
  parseRecording,
  type RecordingFrame,
  type RecordingSummary,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { recordingRouteRef } from '../../routes';
import { snapshotTime } from '../snapshots/RestoreSnapshotDialog';
import { errorLine, formatBytes } from '../files/files';
import { actorName, formatDuration } from './format';
import { RecordingPlayer } from './RecordingPlayer';

interface Loaded {
  summary: RecordingSummary;
  frames: RecordingFrame[];
}

/** What the header says about a session. */
export function sessionLine(summary: RecordingSummary): string {
  const parts = [
    actorName(summary.actor),
    `started ${snapshotTime(summary.startedAt)}`,
    summary.endedAt
      ? formatDuration(summary.durationMs ?? 0)
      : 'still being recorded',
    formatBytes(summary.bytes),
  ];
  return parts.join(' · ');
}

/**
 * One recorded console session of a desktop, replayed in the browser. The
 * backend lets only admins and the desktop's owner read it.
 */
export function RecordingPage() {
  const { name, id } = useRouteRefParams(recordingRouteRef);
  const api = useApi(workspacesApiRef);
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let current = true;
    setLoaded(undefined);
    setError(undefined);
    Promise.all([api.getRecording(id), api.getRecordingContent(id)])
      .then(([summary, content]) => {
        const frames = parseRecording(new Uint8Array(content));
        if (current) setLoaded({ summary, frames });
      })
      .catch(e => current && setError(e as Error));
    return () => {
      current = false;
    };
  }, [api, id]);

  useEffect(() => {
    const before = document.title;
    document.title = `${name} · Recording`;
    return () => {
      document.title = before;
    };
  }, [name]);

  return (
    <Page themeId="tool">
      <Header
        title={`Recording of ${name}`}
        subtitle={loaded ? sessionLine(loaded.summary) : undefined}
      />
      <Content>
        {error && (
          <WarningPanel
            severity="error"
            title="Could not load the recording"
            message={errorLine(error)}
            defaultExpanded
          />
        )}
        {!error && !loaded && <Progress />}
        {loaded && (
          <>
            {loaded.summary.truncated && (
              <Box mb={2}>
                <WarningPanel
                  defaultExpanded
                  title="This recording stops before the session ended"
                  message="The session outgrew the recording size limit; what came after it was not kept."
                />
              </Box>
            )}
            <RecordingPlayer
              frames={loaded.frames}
              durationMs={loaded.summary.durationMs}
            />
          </>
        )}
      </Content>
    </Page>
  );
}
