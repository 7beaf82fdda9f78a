import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';

/**
 * The live status of a desktop, with its colour and word.
 * @public
 */
export function WorkspaceStatusBadge(props: { status: WorkspaceStatus }) {
  const { phase, message } = props.status;
  const label = <span title={message}>{phase}</span>;
  switch (phase) {
    case 'Running':
      return <StatusOK>{label}</StatusOK>;
    case 'Starting':
    case 'Provisioning':
    case 'Stopping':
      return <StatusRunning>{label}</StatusRunning>;
    case 'Stopped':
      return <StatusAborted>{label}</StatusAborted>;
    case 'Failed':
      return <StatusError>{label}</StatusError>;
    case 'Terminating':
      return <StatusPending>{label}</StatusPending>;
    default:
      return <StatusWarning>{label}</StatusWarning>;
  }
}
