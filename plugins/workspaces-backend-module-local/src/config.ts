import path from 'path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { LocalWorkspaceProviderOptions } from './LocalWorkspaceProvider';

function wholeNumber(
  config: Config,
  key: string,
  fallback: number,
  min: number,
  max: number,
) {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `workspaces.local.${key} must be a whole number from ${min} to ${max}, not ${value}`,
    );
  }
  return value;
}

/**
 * The local provider's options from `workspaces.local`, or undefined when
 * the block is absent or says `enabled: false`.
 */
export function readLocalProviderOptions(
  config: Config,
): Omit<LocalWorkspaceProviderOptions, 'logger'> | undefined {
  const local = config.getOptionalConfig('workspaces.local');
  if (!local || local.getOptionalBoolean('enabled') === false) return undefined;
  return {
    // Relative paths are relative to the backend's working directory.
    dataDir: path.resolve(
      local.getOptionalString('dataDir') ?? 'data/desktops',
    ),
    clusterName: local.getOptionalString('clusterName') ?? 'local',
    displayBase: wholeNumber(local, 'displayBase', 20, 1, 9000),
    // Beyond what distributions and systemd hand out (see systemd's UIDS-GIDS.md).
    uidBase: wholeNumber(local, 'uidBase', 1_900_000_000, 1000, 2_147_000_000),
    unbounded: local.getOptionalBoolean('unbounded') ?? false,
    binaries: {
      xvnc: local.getOptionalString('xvncPath'),
      bwrap: local.getOptionalString('bwrapPath'),
      windowManager: local.getOptionalString('windowManagerPath'),
      terminal: local.getOptionalString('terminalCommand'),
    },
  };
}
