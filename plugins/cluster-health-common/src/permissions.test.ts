import { isPermission } from '@backstage/plugin-permission-common';
import { clusterHealthReadPermission } from './permissions';
import { INSTANT_PANELS, RANGE_PANELS } from './types';

describe('cluster health contract', () => {
  it('has a basic read permission', () => {
    expect(clusterHealthReadPermission).toMatchObject({ name: 'cluster-health.read', type: 'basic', attributes: { action: 'read' } });
    expect(isPermission(clusterHealthReadPermission, clusterHealthReadPermission)).toBe(true);
  });

  it('names every panel once', () => {
    const all = [...INSTANT_PANELS, ...RANGE_PANELS];
    expect(new Set(all).size).toBe(all.length);
  });
});
