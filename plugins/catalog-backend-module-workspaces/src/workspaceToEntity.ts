import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_WORKSPACE_CLUSTER,
  ANNOTATION_WORKSPACE_NAMESPACE,
  ANNOTATION_WORKSPACE_PROVIDER,
  ANNOTATION_WORKSPACE_VM,
  Workspace,
  WORKSPACE_API_VERSION,
  WORKSPACE_KIND,
  WorkspaceEntityV1alpha1,
} from '@desktop-mania/plugin-workspaces-common';

/** Where the provider says its entities come from; one location per cluster. */
export function locationOf(cluster: string): string {
  return `workspaces:${cluster}`;
}

/**
 * The catalog's view of a desktop. Live status stays out: it changes too
 * often for the catalog and is read from the workspaces API instead.
 */
export function workspaceToEntity(
  workspace: Workspace,
): WorkspaceEntityV1alpha1 {
  const location = locationOf(workspace.cluster);
  return {
    apiVersion: WORKSPACE_API_VERSION,
    kind: WORKSPACE_KIND,
    metadata: {
      name: workspace.name,
      namespace: 'default',
      title: workspace.name,
      description: `${
        workspace.os === 'windows' ? 'Windows' : 'Linux'
      } desktop (${workspace.image}, ${workspace.size}) on ${
        workspace.cluster
      }`,
      // The label lets the catalog filter by operating system; tags show it on cards.
      labels: { 'desktopmania.io/os': workspace.os },
      tags: [workspace.os, workspace.provider],
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_WORKSPACE_CLUSTER]: workspace.cluster,
        [ANNOTATION_WORKSPACE_PROVIDER]: workspace.provider,
        [ANNOTATION_WORKSPACE_VM]: workspace.name,
        // Only desktops on a Kubernetes cluster have a namespace, and only
        // they have anything for the Kubernetes tab to show.
        ...(workspace.namespace
          ? {
              [ANNOTATION_KUBERNETES_ID]: workspace.name,
              [ANNOTATION_WORKSPACE_NAMESPACE]: workspace.namespace,
              'backstage.io/kubernetes-namespace': workspace.namespace,
            }
          : {}),
      },
    },
    spec: {
      type: workspace.os,
      owner: workspace.owner,
      flavor: workspace.image,
      size: workspace.size,
      cluster: workspace.cluster,
      diskGi: workspace.diskGi,
      ...(workspace.system ? { system: workspace.system } : {}),
      ...(workspace.expiresAt ? { expiresAt: workspace.expiresAt } : {}),
    },
  };
}
