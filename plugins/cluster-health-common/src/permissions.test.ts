import { isPermission } from '@backstage/plugin-permission-common';
import {
  clusterHealthPermissions,
  clusterHealthReadPermission,
} from './permissions';

describe('clusterHealthReadPermission', () => {
  it('is a basic read permission named cluster-health.read', () => {
    expect(clusterHealthReadPermission).toEqual({
      type: 'basic',
      name: 'cluster-health.read',
      attributes: { action: 'read' },
    });
    expect(
      isPermission(clusterHealthReadPermission, clusterHealthReadPermission),
    ).toBe(true);
    expect(clusterHealthPermissions).toEqual([clusterHealthReadPermission]);
  });
});
