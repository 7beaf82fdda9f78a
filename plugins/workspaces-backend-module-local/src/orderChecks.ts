import { InputError } from '@backstage/errors';
import { quantityToBytes } from '@desktop-mania/plugin-workspaces-common';
import type {
  ResolvedWorkspaceSize,
  WorkspaceCreateSpec,
} from '@desktop-mania/plugin-workspaces-node';
import { checkDesktopName, DesktopLimits } from './DesktopStore';

/** Screens of the usual size names, for sizes that configure no geometry. */
const GEOMETRY_BY_SIZE: Record<string, string> = {
  small: '1280x800',
  medium: '1600x900',
  large: '1920x1080',
};
const DEFAULT_GEOMETRY = GEOMETRY_BY_SIZE.small;
const USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** The limits of a size that sets none: those of the suite's example Small size. */
const DEFAULT_SIZE = { cpu: 1, memory: '4Gi', maxProcesses: 256 };
// Xvnc, openbox and a terminal alone hold about 115 MiB.
const MIN_MEMORY = 128 * 2 ** 20;

interface DesktopSettings {
  geometry: string;
  maxProcesses?: number;
  limits: DesktopLimits;
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

function parseMemory(memory: string, size: string): number {
  const bytes = quantityToBytes(memory);
  if (!(bytes !== undefined && bytes >= MIN_MEMORY)) {
    throw new InputError(
      `The memory '${memory}' of size '${size}' is not a quantity like 4Gi or 512Mi of at least 128Mi`,
    );
  }
  return bytes;
}

/** The memory, CPU, process and disk limits of an order. */
function readLimits(spec: WorkspaceCreateSpec): DesktopLimits {
  const size: ResolvedWorkspaceSize = spec.size;
  const cpus = size.cpu ?? DEFAULT_SIZE.cpu;
  if (!(cpus >= 0.01 && cpus <= 1024)) {
    throw new InputError(
      `cpu of size '${size.name}' must be a number of CPUs from 0.01 to 1024, not ${cpus}`,
    );
  }
  if (!(Number.isInteger(spec.diskGi) && spec.diskGi >= 1)) {
    throw new InputError(
      `diskGi must be a whole number of at least 1, not ${spec.diskGi}`,
    );
  }
  return {
    memoryBytes: parseMemory(size.memory ?? DEFAULT_SIZE.memory, size.name),
    cpus,
    pids: size.maxProcesses ?? DEFAULT_SIZE.maxProcesses,
    diskGi: spec.diskGi,
  };
}

/**
 * Refuses, before anything is made, an order this provider cannot run, and
 * reads the screen and the limits it asks for.
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
  return { geometry, maxProcesses, limits: readLimits(spec) };
}
