import { InputError } from '@backstage/errors';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { checkDesktopName } from './DesktopStore';

/** Screens of the usual size names, for sizes that configure no geometry. */
const GEOMETRY_BY_SIZE: Record<string, string> = {
  small: '1280x800',
  medium: '1600x900',
  large: '1920x1080',
};
const DEFAULT_GEOMETRY = GEOMETRY_BY_SIZE.small;
const USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;

interface DesktopSettings {
  geometry: string;
  maxProcesses?: number;
}

function parseGeometry(geometry: string, size: string): string {
  const match = /^(\d{3,4})x(\d{3,4})$/.exec(geometry);
  const [w, h] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (w < 320 || h < 200 || w > 7680 || h > 4320) {
    throw new InputError(
      `The screen geometry '${geometry}' of size '${size}' is not WIDTHxHEIGHT between 320x200 and 7680x4320`,
    );
  }
  return `${w}x${h}`;
}

/**
 * Refuses, before anything is made, an order this provider cannot run, and
 * reads the screen and process limit it asks for.
 */
export function checkOrder(spec: WorkspaceCreateSpec): DesktopSettings {
  if (spec.image.os !== 'linux') {
    throw new InputError(
      `The local provider runs Linux desktops only; Windows desktops need the KubeVirt provider: configure a cluster under workspaces.kubevirt.clusters (with the @desktop-mania/plugin-workspaces-backend-module-kubevirt module) and order '${spec.image.name}' on it`,
    );
  }
  checkDesktopName(spec.name);
  if (!USERNAME.test(spec.username)) {
    throw new InputError(
      `'${spec.username}' is not a valid account name: lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32`,
    );
  }
  const geometry = parseGeometry(
    spec.size.geometry ?? GEOMETRY_BY_SIZE[spec.size.name] ?? DEFAULT_GEOMETRY,
    spec.size.name,
  );
  const { maxProcesses } = spec.size;
  if (
    maxProcesses !== undefined &&
    !(Number.isInteger(maxProcesses) && maxProcesses >= 16)
  ) {
    throw new InputError(
      `maxProcesses of size '${spec.size.name}' must be a whole number of at least 16, not ${maxProcesses}`,
    );
  }
  return { geometry, maxProcesses };
}
