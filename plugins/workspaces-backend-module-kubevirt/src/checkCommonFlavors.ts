import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { configError } from '@desktop-mania/config-node';
import { quantityToBytes } from '@desktop-mania/plugin-workspaces-common';
import {
  COMMON_INSTANCETYPES,
  COMMON_PREFERENCE_REQUIREMENTS,
} from './commonInstancetypes';

const SOURCE = 'common-instancetypes v1.7.0';

/**
 * Checks `workspaces.images` and `workspaces.sizes` against the common
 * preferences and instancetypes, so that the portal never offers an order the
 * cluster's admission webhook refuses: an image's `minimum` must cover what
 * its preference requires, and a size's `cpu` and `memory` must be what its
 * instancetype gives (the portal matches images to sizes by those numbers).
 * Names that are not common ones are the operator's own and are left to the
 * conformance check, which asks the cluster.
 */
export function checkCommonFlavors(config: Config, logger?: LoggerService) {
  const unchecked: string[] = [];
  const images = config.getOptionalConfigArray('workspaces.images') ?? [];
  images.forEach((image, i) => {
    const preference = image.getOptionalString('preference');
    if (!preference) return;
    const required = COMMON_PREFERENCE_REQUIREMENTS[preference];
    if (!required) {
      unchecked.push(`preference '${preference}'`);
      return;
    }
    const key = `workspaces.images[${i}].minimum`;
    const cpu = image.getOptionalNumber('minimum.cpu');
    if (!(cpu !== undefined && cpu >= required.cpu)) {
      throw configError(
        `${key}.cpu`,
        `preference '${preference}' requires ${
          required.cpu
        } vCPU (${SOURCE}); set at least ${required.cpu}, got ${cpu ?? 'none'}`,
      );
    }
    const memory = image.getOptionalString('minimum.memory');
    if (!(memory !== undefined && bytes(memory) >= bytes(required.memory))) {
      throw configError(
        `${key}.memory`,
        `preference '${preference}' requires ${
          required.memory
        } (${SOURCE}); set at least '${required.memory}', got ${
          memory === undefined ? 'none' : `'${memory}'`
        }`,
      );
    }
  });
  const sizes = config.getOptionalConfigArray('workspaces.sizes') ?? [];
  sizes.forEach((size, i) => {
    const instancetype = size.getOptionalString('instancetype');
    if (!instancetype) return;
    const gives = COMMON_INSTANCETYPES[instancetype];
    if (!gives) {
      unchecked.push(`instancetype '${instancetype}'`);
      return;
    }
    const key = `workspaces.sizes[${i}]`;
    const cpu = size.getOptionalNumber('cpu');
    if (cpu !== gives.cpu) {
      throw configError(
        `${key}.cpu`,
        `instancetype '${instancetype}' gives ${
          gives.cpu
        } vCPU (${SOURCE}); set cpu: ${gives.cpu}, got ${cpu ?? 'none'}`,
      );
    }
    const memory = size.getOptionalString('memory');
    if (memory === undefined || bytes(memory) !== bytes(gives.memory)) {
      throw configError(
        `${key}.memory`,
        `instancetype '${instancetype}' gives ${
          gives.memory
        } (${SOURCE}); set memory: ${gives.memory}, got ${memory ?? 'none'}`,
      );
    }
  });
  if (unchecked.length > 0) {
    logger?.info(
      `Not among the common instancetypes, so not checked at start: ${unchecked.join(
        ', ',
      )}; run the conformance check against the cluster`,
    );
  }
}

function bytes(quantity: string): number {
  return quantityToBytes(quantity) ?? NaN;
}
