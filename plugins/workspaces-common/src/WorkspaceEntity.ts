import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import schema from './Workspace.v1alpha1.schema.json';

/** @public */
export const WORKSPACE_API_VERSION = 'desktopmania.io/v1alpha1';
/** @public */
export const WORKSPACE_KIND = 'Workspace';

/** Annotations that tie a Workspace entity to the machine behind it. @public */
export const ANNOTATION_WORKSPACE_CLUSTER = 'desktopmania.io/cluster';
/** @public */
export const ANNOTATION_WORKSPACE_NAMESPACE = 'desktopmania.io/namespace';
/** @public */
export const ANNOTATION_WORKSPACE_VM = 'desktopmania.io/vm-name';
/** @public */
export const ANNOTATION_WORKSPACE_PROVIDER = 'desktopmania.io/provider';
/** @public */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** @public */
export type WorkspaceOs = 'linux' | 'windows';

/** @public */
export interface WorkspaceEntityV1alpha1 extends Entity {
  apiVersion: typeof WORKSPACE_API_VERSION;
  kind: typeof WORKSPACE_KIND;
  spec: {
    type: WorkspaceOs;
    owner: string;
    flavor: string;
    size: string;
    cluster: string;
    system?: string;
    diskGi?: number;
    expiresAt?: string;
  };
}

// Compiled on first use, not at import: the browser imports this module at
// start-up (through the frontend plugins) but never validates there, and
// the ajv compile would otherwise sit on the first page's critical path.
let validator: ReturnType<typeof entityKindSchemaValidator> | undefined;

/**
 * Validates an entity of kind Workspace; returns false for other kinds and
 * throws with the schema's message for a Workspace that is not valid.
 * @public
 */
export function validateWorkspaceEntity(entity: Entity): boolean {
  validator ??= entityKindSchemaValidator(schema);
  return validator(entity) === entity;
}

/** @public */
export function isWorkspaceEntity(
  entity: Entity | undefined,
): entity is WorkspaceEntityV1alpha1 {
  return (
    !!entity &&
    entity.apiVersion === WORKSPACE_API_VERSION &&
    entity.kind === WORKSPACE_KIND
  );
}
