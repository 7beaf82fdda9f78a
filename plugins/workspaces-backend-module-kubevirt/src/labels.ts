import { ANNOTATION_KUBERNETES_ID } from '@desktop-mania/plugin-workspaces-common';

/** Value of `app.kubernetes.io/managed-by` on everything this module creates. */
export const MANAGED_BY = 'desktop-mania';
/** Selects what this module created, and nothing else, in a shared namespace. */
export const MANAGED_BY_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
export const LABEL_WORKSPACE = 'desktopmania.io/workspace';
/** Entity refs hold ':' and '/', which label values may not; the owner is an annotation. */
export const ANNOTATION_OWNER = 'desktopmania.io/owner';
/**
 * When the desktop expires, ISO 8601: for people reading the cluster; the
 * backend's record is what expiry is enforced by. Extensions move it.
 */
export const ANNOTATION_EXPIRES_AT = 'desktopmania.io/expires-at';
/** Who ordered the desktop; with the owner, it tells this portal's VM from a namesake. */
export const ANNOTATION_CREATED_BY = 'desktopmania.io/created-by';
/**
 * On a warm-pool member only: the `<image>.<size>` pool it waits in. A claim
 * removes it, so a VM carrying it is nobody's desktop.
 */
export const LABEL_WARM_POOL = 'desktopmania.io/warm-pool';

/** The labels of a desktop's VM, its instance, disk and Secret. */
export function workspaceLabels(name: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/component': 'desktop',
    [LABEL_WORKSPACE]: name,
    // The Kubernetes plugin finds the VM and its launcher pod by this label.
    [ANNOTATION_KUBERNETES_ID]: name,
  };
}
