import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import {
  workspacePhaseGroup,
  type WorkspaceStatus,
} from '@desktop-mania/plugin-workspaces-common';

/**
 * The live status of a desktop, with its colour and word.
 * @public
 */
export function WorkspaceStatusBadge(props: { status: WorkspaceStatus }) {
  const { phase, message } = props.status;
  const label = <span title={message}>{phase}</span>;
  switch (workspacePhaseGroup(phase)) {
    case 'running':
      return <StatusOK>{label}</StatusOK>;
    case 'transitional':
      // Being deleted is on its way too, but not towards anything usable.
      return phase === 'Terminating' ? (
        <StatusPending>{label}</StatusPending>
      ) : (
        <StatusRunning>{label}</StatusRunning>
      );
    case 'stopped':
      return <StatusAborted>{label}</StatusAborted>;
    case 'failed':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusWarning>{label}</StatusWarning>;
  }
}
