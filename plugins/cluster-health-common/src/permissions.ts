import { createPermission } from '@backstage/plugin-permission-common';

/** Read the cluster health pages. Granted to platform owners and admins. @public */
export const clusterHealthReadPermission = createPermission({
  name: 'cluster-health.read',
  attributes: { action: 'read' },
});

/** @public */
export const clusterHealthPermissions = [clusterHealthReadPermission];
