import type { Workspace } from '@desktop-mania/plugin-workspaces-common';

/**
 * The events-service topic on which the workspaces backend announces every
 * change to a desktop.
 *
 * @public
 */
export const WORKSPACES_EVENT_TOPIC = 'workspaces';

/** @public */
export type WorkspaceChangeType = 'created' | 'changed' | 'deleted';

/**
 * The payload of an event on {@link WORKSPACES_EVENT_TOPIC}: what happened
 * and the desktop as it is afterwards (as it was, for `deleted`).
 *
 * @public
 */
export interface WorkspaceChangeEvent {
  type: WorkspaceChangeType;
  workspace: Workspace;
}

const CHANGE_TYPES: readonly string[] = ['created', 'changed', 'deleted'];

/**
 * Whether an event payload is a {@link WorkspaceChangeEvent}. Events cross
 * processes, so a receiver checks before it trusts the shape.
 *
 * @public
 */
export function isWorkspaceChangeEvent(
  payload: unknown,
): payload is WorkspaceChangeEvent {
  const change = payload as Partial<WorkspaceChangeEvent> | undefined;
  const workspace = change?.workspace;
  return (
    typeof change === 'object' &&
    change !== null &&
    CHANGE_TYPES.includes(change.type as string) &&
    typeof workspace === 'object' &&
    workspace !== null &&
    typeof workspace.name === 'string' &&
    typeof workspace.cluster === 'string'
  );
}
