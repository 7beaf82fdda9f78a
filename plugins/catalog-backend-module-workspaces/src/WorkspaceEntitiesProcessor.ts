import {
  DEFAULT_NAMESPACE,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  isWorkspaceEntity,
  validateWorkspaceEntity,
} from '@desktop-mania/plugin-workspaces-common';

/**
 * Teaches the catalog the Workspace kind: validates it against its schema and
 * relates each desktop to its owner, its cluster and its system.
 * @public
 */
export class WorkspaceEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'WorkspaceEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    // Throws with the schema's message for a Workspace that is not valid.
    return validateWorkspaceEntity(entity);
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isWorkspaceEntity(entity)) return entity;
    const self = getCompoundEntityRef(entity);
    const relate = (
      target: { kind: string; namespace: string; name: string },
      forward: string,
      backward: string,
    ) => {
      emit(processingResult.relation({ source: self, type: forward, target }));
      emit(
        processingResult.relation({
          source: target,
          type: backward,
          target: self,
        }),
      );
    };
    const { spec } = entity;
    relate(
      parseEntityRef(spec.owner, {
        defaultKind: 'group',
        defaultNamespace: self.namespace,
      }),
      RELATION_OWNED_BY,
      RELATION_OWNER_OF,
    );
    // spec.cluster is a cluster's name, not a reference: the cluster is the
    // Resource of that name in the default namespace.
    relate(
      { kind: 'resource', namespace: DEFAULT_NAMESPACE, name: spec.cluster },
      RELATION_DEPENDS_ON,
      RELATION_DEPENDENCY_OF,
    );
    if (spec.system) {
      relate(
        parseEntityRef(spec.system, {
          defaultKind: 'system',
          defaultNamespace: self.namespace,
        }),
        RELATION_PART_OF,
        RELATION_HAS_PART,
      );
    }
    return entity;
  }
}
