import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ConsoleDisplay } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ConsoleStream,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import type { KubeVirtCluster } from './clusters';
import { explainGuestDisplayEnd } from './consoleEnd';
import {
  GuestDisplayUnavailableError,
  openGuestDisplay,
} from './openGuestDisplay';
import { openVncConsole } from './openVncConsole';

// The guest's own display (its VNC server) and the VM console (QEMU's).
const DISPLAYS: ConsoleDisplay[] = ['desktop', 'console'];

/**
 * The display asked for: the desktop's own unless the VM console is, and
 * the VM console when the desktop's own does not answer, saying why.
 * `explainEnd` tells why a VM console ended; the desktop's own reads it
 * with {@link explainGuestDisplayEnd}.
 */
export async function openDisplay(
  cluster: KubeVirtCluster,
  ref: WorkspaceRef,
  options: ConsoleOptions,
  explainEnd: (transportError?: Error) => Promise<Error>,
  logger: LoggerService,
): Promise<ConsoleStream> {
  let fallback: string | undefined;
  if (options.display !== 'console') {
    try {
      const guest = await openGuestDisplay(cluster, ref, options, {
        explainEnd: transportError =>
          explainGuestDisplayEnd(explainEnd, ref, transportError),
      });
      guest.consoleDisplay = { display: 'desktop', displays: DISPLAYS };
      return guest;
    } catch (error) {
      if (!(error instanceof GuestDisplayUnavailableError)) throw error;
      fallback = `The desktop's own display is not answering: ${error.message}`;
      logger.info(
        `Showing the VM console of '${ref.name}' on cluster '${cluster.name}': ${error.message}`,
      );
    }
  }
  const stream = await openVncConsole(cluster, ref, options, { explainEnd });
  stream.consoleDisplay = {
    display: 'console',
    ...(fallback && { fallback }),
    displays: DISPLAYS,
  };
  return stream;
}
