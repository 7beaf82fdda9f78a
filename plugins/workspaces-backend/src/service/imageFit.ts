import { Config } from '@backstage/config';
import { configError } from '@desktop-mania/config-node';
import {
  quantityToBytes,
  type WorkspaceImageMinimum,
  type WorkspaceRange,
} from '@desktop-mania/plugin-workspaces-common';

/** A size as far as fitting an image goes. */
interface SizeResources {
  name: string;
  cpu?: number;
  memory?: string;
}

/** Reads `minimum` of the image at `key`; a mistake stops the start. */
export function readImageMinimum(
  c: Config,
  key: string,
): WorkspaceImageMinimum | undefined {
  const minimum = c.getOptionalConfig('minimum');
  if (!minimum) return undefined;
  const cpu = minimum.getOptionalNumber('cpu');
  if (cpu !== undefined && !(Number.isInteger(cpu) && cpu >= 1)) {
    throw configError(
      `${key}.minimum.cpu`,
      `expected a whole number of at least 1, got ${cpu}`,
    );
  }
  const memory = minimum.getOptionalString('memory');
  if (memory !== undefined && quantityToBytes(memory) === undefined) {
    throw configError(
      `${key}.minimum.memory`,
      `expected a quantity such as '4Gi' or '512Mi', got '${memory}'`,
    );
  }
  const diskGi = minimum.getOptionalNumber('diskGi');
  if (diskGi !== undefined && !(Number.isInteger(diskGi) && diskGi >= 1)) {
    throw configError(
      `${key}.minimum.diskGi`,
      `expected a whole number of GiB of at least 1, got ${diskGi}`,
    );
  }
  return { cpu, memory, diskGi };
}

/**
 * What is missing for `size` to run an image that needs `minimum`, as words
 * ("2 vCPU", "4Gi of memory"); empty when it fits. A size that does not say
 * how much it has cannot be shown to fit, so it is treated as too small.
 */
export function shortfall(
  minimum: WorkspaceImageMinimum | undefined,
  size: SizeResources,
): string[] {
  const missing: string[] = [];
  if (minimum?.cpu !== undefined && !((size.cpu ?? 0) >= minimum.cpu)) {
    missing.push(`${minimum.cpu} vCPU`);
  }
  if (
    minimum?.memory !== undefined &&
    !(
      (size.memory === undefined ? 0 : quantityToBytes(size.memory) ?? 0) >=
      quantityToBytes(minimum.memory)!
    )
  ) {
    missing.push(`${minimum.memory} of memory`);
  }
  return missing;
}

/** How a size reads in a refusal: its name and what it has. */
export function describeSize(size: SizeResources): string {
  const has = [
    size.cpu !== undefined ? `${size.cpu} vCPU` : undefined,
    size.memory,
  ].filter(Boolean);
  return has.length ? `'${size.name}' (${has.join(', ')})` : `'${size.name}'`;
}

/**
 * The sizes and disk range an image may be ordered with. An image that no
 * size fits, or whose disk cannot be ordered, stops the start: every order of
 * it would be refused, by the portal or later by the cluster.
 */
export function fitImage(
  image: { name: string; minimum?: WorkspaceImageMinimum },
  key: string,
  sizes: SizeResources[],
  disk: WorkspaceRange,
): { sizes: string[]; diskGi: WorkspaceRange } {
  const fitting = sizes.filter(s => shortfall(image.minimum, s).length === 0);
  if (sizes.length > 0 && fitting.length === 0) {
    throw configError(
      `${key}.minimum`,
      `no size offers what image '${image.name}' needs (${shortfall(
        image.minimum,
        { name: '' },
      ).join(', ')}); the sizes are ${sizes
        .map(describeSize)
        .join(', ')}, so add a size or lower the minimum`,
    );
  }
  const minDisk = Math.max(disk.min, image.minimum?.diskGi ?? 0);
  if (minDisk > disk.max) {
    throw configError(
      `${key}.minimum.diskGi`,
      `image '${image.name}' needs ${minDisk} GiB but workspaces.limits.diskGi.max is ${disk.max}`,
    );
  }
  return {
    sizes: fitting.map(s => s.name),
    diskGi: {
      min: minDisk,
      max: disk.max,
      default: Math.max(disk.default, minDisk),
    },
  };
}
