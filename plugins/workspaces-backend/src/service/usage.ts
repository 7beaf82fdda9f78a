import { assertError } from '@backstage/errors';
import type { WorkspaceUsage } from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { ProviderRegistry } from './ProviderRegistry';

const FIGURES = [
  'cpuCores',
  'memoryBytes',
  'memoryLimitBytes',
  'diskBytes',
  'diskLimitBytes',
] as const;

/**
 * What a desktop uses, from its provider. A provider that cannot measure
 * (none offered, or one not set up for it, which throws
 * NotImplementedError) makes a one-line "not available" rather than an
 * error, so the page says why instead of failing.
 */
export async function measureUsage(
  record: Pick<WorkspaceRecord, 'name' | 'cluster'>,
  providers: ProviderRegistry,
): Promise<WorkspaceUsage> {
  const provider = providers.forCluster(record.cluster);
  if (!provider.usage) {
    return {
      available: false,
      reason: `The ${provider.id} provider does not measure what desktops use`,
    };
  }
  let measured;
  try {
    measured = await provider.usage({
      name: record.name,
      cluster: record.cluster,
    });
  } catch (error) {
    assertError(error);
    if (error.name !== 'NotImplementedError') throw error;
    return { available: false, reason: error.message };
  }
  if (!measured) {
    return { available: false, reason: 'The desktop is not running' };
  }
  const usage: WorkspaceUsage = { available: true, at: measured.at };
  for (const figure of FIGURES) {
    const value = measured[figure];
    if (typeof value === 'number' && Number.isFinite(value)) {
      usage[figure] = value;
    }
  }
  if (FIGURES.every(f => usage[f] === undefined)) {
    return {
      available: false,
      reason: 'The provider measured nothing for this desktop',
    };
  }
  return usage;
}
