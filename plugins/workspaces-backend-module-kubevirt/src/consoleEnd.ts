import {
  ConflictError,
  CustomErrorBase,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import { isNotFound } from './KubeApiError';
import type { KubeVirtApi } from './KubeVirtApi';
import type { VirtualMachineInstanceObject } from './objects';

/**
 * The desktop is moving to another node (live migration) and its console
 * went with the old one; connecting again reaches it on the new node.
 */
export class ConsoleMigratingError extends CustomErrorBase {
  name = 'ConsoleMigratingError' as const;
}

// A migration that ended this long before the session opened is not why it dropped.
const CLOCK_SKEW_MS = 30_000;

function migrating(vmi: VirtualMachineInstanceObject, openedAt: number) {
  const state = vmi.status?.migrationState;
  if (!state?.startTimestamp || state.failed) return false;
  // The source's VNC goes when the move completes, so a move that ended
  // during the session counts (kubevirt/kubevirt pkg/util/migrations/migrations.go `IsMigrating`).
  return (
    !state.endTimestamp ||
    Date.parse(state.endTimestamp) >= openedAt - CLOCK_SKEW_MS
  );
}

export interface ConsoleEndContext {
  api: Pick<KubeVirtApi, 'getVirtualMachineInstance'>;
  ref: WorkspaceRef;
  /** When the websocket opened, in ms since the epoch. */
  openedAt: number;
  /** How long to wait before a second look at a VMI that still says Running. */
  settleMs: number;
}

/**
 * Why a VNC stream that the portal did not end has ended, in a sentence
 * that fits a websocket close reason (the proxy sends 120 characters). KubeVirt never
 * sends a close frame: virt-handler just closes the socket when the guest
 * stops, when another viewer connects (pkg/virt-handler/rest/console.go
 * `newStopChan` closes the current session) or when the source of a
 * migration goes away. The VMI tells these apart.
 */
export async function explainConsoleEnd(
  { api, ref, openedAt, settleMs }: ConsoleEndContext,
  transportError?: Error,
): Promise<Error> {
  const desktop = `the desktop '${ref.name}'`;
  for (let look = 1; ; look++) {
    let vmi: VirtualMachineInstanceObject;
    try {
      vmi = await api.getVirtualMachineInstance(ref.name);
    } catch (error) {
      if (isNotFound(error)) {
        return new ConflictError(
          `The console closed because ${desktop} stopped; start it to connect again`,
        );
      }
      return new ServiceUnavailableError(
        `The console of '${ref.name}' dropped, and cluster '${
          ref.cluster
        }' could not say why: ${(error as Error).message}`,
      );
    }
    const phase = vmi.status?.phase;
    if (phase === 'Failed') {
      return new ConflictError(
        `The console closed because ${desktop} failed${
          vmi.status?.reason ? ` (${vmi.status.reason})` : ''
        }; restart it to connect again`,
      );
    }
    if (migrating(vmi, openedAt)) {
      return new ConsoleMigratingError(
        `The desktop '${ref.name}' is moving to another node; connect again to reach it there`,
      );
    }
    if (phase !== 'Running' || vmi.metadata.deletionTimestamp) {
      let state = `not running (${phase || 'no phase yet'})`;
      if (vmi.metadata.deletionTimestamp) state = 'stopping';
      if (phase === 'Succeeded') state = 'shut down';
      return new ConflictError(
        `The console closed because ${desktop} is ${state}; start it to connect again`,
      );
    }
    // The VMI lags a guest that shut itself down by a moment: look again.
    if (look === 1 && settleMs > 0) {
      await new Promise(resolve => setTimeout(resolve, settleMs));
      continue;
    }
    if (transportError) {
      return new ServiceUnavailableError(
        `The console connection to '${ref.name}' broke: ${transportError.message}`,
      );
    }
    return new ConsoleInUseError(
      `Someone else opened the console of '${ref.name}' and took the seat; take it back to continue`,
    );
  }
}

/**
 * Why the desktop's own display (the guest's VNC server through portforward)
 * ended. Stopped, failed and migrating read as for the VM console; a guest
 * still running dropped it itself (the session ended, the server restarted):
 * nobody took a seat, since the guest's server lets viewers share.
 */
export async function explainGuestDisplayEnd(
  explainConsole: (transportError?: Error) => Promise<Error>,
  ref: WorkspaceRef,
  transportError?: Error,
): Promise<Error> {
  const error = await explainConsole(transportError);
  if (!(error instanceof ConsoleInUseError)) return error;
  return new ServiceUnavailableError(
    `The display of '${ref.name}' closed the connection (did its session end?); connect again, or open the VM console`,
  );
}
