import { Entity } from '@backstage/catalog-model';
import { WorkspaceEntitiesProcessor } from './WorkspaceEntitiesProcessor';

const processor = new WorkspaceEntitiesProcessor();
const location = { type: 'workspaces', target: 'local' };

const workspace = (spec: object = {}): Entity => ({
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: {
    type: 'linux',
    owner: 'user:default/alice',
    flavor: 'ubuntu-desktop',
    size: 'small',
    cluster: 'rke2-prod',
    ...spec,
  },
});

describe('WorkspaceEntitiesProcessor', () => {
  it('accepts valid Workspaces and leaves other kinds to other processors', async () => {
    await expect(processor.validateEntityKind(workspace())).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: {} }),
    ).resolves.toBe(false);
  });

  it('rejects an invalid Workspace with the schema message', async () => {
    await expect(processor.validateEntityKind(workspace({ type: 'beos' }))).rejects.toThrow(/type/);
    await expect(processor.validateEntityKind(workspace({ cluster: undefined }))).rejects.toThrow(/cluster/);
  });

  it('relates a desktop to its owner, cluster and system both ways', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(workspace({ system: 'desktop-mania' }), location, emit);
    const relations = emit.mock.calls.map(([r]) => [
      `${r.relation.source.kind}:${r.relation.source.name}`,
      r.relation.type,
      `${r.relation.target.kind}:${r.relation.target.name}`,
    ]);
    expect(relations).toEqual([
      ['Workspace:alice-dev', 'ownedBy', 'user:alice'],
      ['user:alice', 'ownerOf', 'Workspace:alice-dev'],
      ['Workspace:alice-dev', 'dependsOn', 'resource:rke2-prod'],
      ['resource:rke2-prod', 'dependencyOf', 'Workspace:alice-dev'],
      ['Workspace:alice-dev', 'partOf', 'system:desktop-mania'],
      ['system:desktop-mania', 'hasPart', 'Workspace:alice-dev'],
    ]);
  });

  it('emits nothing for other kinds', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { owner: 'a' } },
      location,
      emit,
    );
    expect(emit).not.toHaveBeenCalled();
  });
});
