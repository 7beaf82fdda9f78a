import { createPermission } from '@backstage/plugin-permission-common';

/** @public */
export const RESOURCE_TYPE_WORKSPACE = 'workspace';

/** See a desktop and its live status. @public */
export const workspaceReadPermission = createPermission({
  name: 'workspace.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/** Order a new desktop. Not a resource permission: the desktop does not exist yet. @public */
export const workspaceCreatePermission = createPermission({
  name: 'workspace.create',
  attributes: { action: 'create' },
});

/** Open the desktop's console. @public */
export const workspaceConnectPermission = createPermission({
  name: 'workspace.connect',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/**
 * Watch a desktop's console without typing or pointing in it: the proxy
 * drops such a session's input. Held by the owner and by every grantee of a
 * share, where `workspace.connect` is held by the owner and control grantees.
 * @public
 */
export const workspaceViewPermission = createPermission({
  name: 'workspace.view',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/** Start, stop and restart. @public */
export const workspaceLifecyclePermission = createPermission({
  name: 'workspace.lifecycle',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/**
 * Upload files into a desktop's home and download files from it. The
 * backend asks for `workspace.connect` too: files reach nothing a console
 * would not, so a policy that withholds the console withholds files.
 * @public
 */
export const workspaceFilesPermission = createPermission({
  name: 'workspace.files',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/** @public */
export const workspaceDeletePermission = createPermission({
  name: 'workspace.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/**
 * Read the plugin's Prometheus metrics: counts by cluster and phase, never a
 * desktop's name or owner. Not a resource permission: it covers the plugin.
 * The scrape token's access restrictions grant this and nothing else.
 * @public
 */
export const workspaceMetricsReadPermission = createPermission({
  name: 'workspace.metrics.read',
  attributes: { action: 'read' },
});

/**
 * List a desktop's console recordings and play them back. Admins and the
 * desktop's owner; never people it is shared with.
 * @public
 */
export const workspaceRecordingReadPermission = createPermission({
  name: 'workspace.recording.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_WORKSPACE,
});

/** @public */
export const workspacesPermissions = [
  workspaceReadPermission,
  workspaceCreatePermission,
  workspaceConnectPermission,
  workspaceLifecyclePermission,
  workspaceDeletePermission,
  workspaceMetricsReadPermission,
  workspaceFilesPermission,
  workspaceViewPermission,
  workspaceRecordingReadPermission,
];
