import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { WorkspaceEntitiesProcessor } from './WorkspaceEntitiesProcessor';
import { ALICE_LINUX_SPEC } from './__testUtils__/entities';

const processor = new WorkspaceEntitiesProcessor();
const location = { type: 'workspaces', target: 'local' };

const workspace = (spec: object = {}): Entity => ({
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { ...ALICE_LINUX_SPEC, ...spec },
});

async function emitted(entity: Entity) {
  const emit = jest.fn();
  await processor.postProcessEntity(entity, location, emit);
  return emit;
}

describe('WorkspaceEntitiesProcessor', () => {
  it('accepts valid Workspaces and leaves other kinds to other processors', async () => {
    await expect(processor.validateEntityKind(workspace())).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: {},
      }),
    ).resolves.toBe(false);
  });

  it.each([
    [
      { type: 'beos' },
      '/spec/type must be equal to one of the allowed values - allowedValues: linux,windows',
    ],
    [
      { cluster: undefined },
      "/spec must have required property 'cluster' - missingProperty: cluster",
    ],
    [{ diskGi: 0 }, '/spec/diskGi must be >= 1'],
    [
      { color: 'red' },
      '/spec must NOT have additional properties - additionalProperty: color',
    ],
  ])(
    'rejects an invalid Workspace (%j) with the schema message',
    async (spec, message) => {
      await expect(
        processor.validateEntityKind(workspace(spec)),
      ).rejects.toThrow(message);
    },
  );

  it('leaves other versions of the kind to other processors', async () => {
    await expect(
      processor.validateEntityKind({
        ...workspace(),
        apiVersion: 'desktopmania.io/v2',
      }),
    ).resolves.toBe(false);
  });

  it('relates a desktop to its owner, cluster and system both ways', async () => {
    const emit = await emitted(workspace({ system: 'desktop-mania' }));
    const relations = emit.mock.calls.map(([r]) => [
      stringifyEntityRef(r.relation.source),
      r.relation.type,
      stringifyEntityRef(r.relation.target),
    ]);
    expect(relations).toEqual([
      ['workspace:default/alice-dev', 'ownedBy', 'user:default/alice'],
      ['user:default/alice', 'ownerOf', 'workspace:default/alice-dev'],
      [
        'workspace:default/alice-dev',
        'dependsOn',
        'resource:default/rke2-prod',
      ],
      [
        'resource:default/rke2-prod',
        'dependencyOf',
        'workspace:default/alice-dev',
      ],
      ['workspace:default/alice-dev', 'partOf', 'system:default/desktop-mania'],
      [
        'system:default/desktop-mania',
        'hasPart',
        'workspace:default/alice-dev',
      ],
    ]);
    expect(emit.mock.calls.every(([r]) => r.type === 'relation')).toBe(true);
  });

  it('defaults a bare owner to a group, and emits no system relation without a system', async () => {
    const emit = await emitted(workspace({ owner: 'team-a' }));
    expect(
      emit.mock.calls.map(([r]) => [
        r.relation.type,
        stringifyEntityRef(r.relation.target),
      ]),
    ).toEqual([
      ['ownedBy', 'group:default/team-a'],
      ['ownerOf', 'workspace:default/alice-dev'],
      ['dependsOn', 'resource:default/rke2-prod'],
      ['dependencyOf', 'workspace:default/alice-dev'],
    ]);
  });

  it('emits nothing for other kinds', async () => {
    const emit = await emitted({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x' },
      spec: { owner: 'a' },
    });
    expect(emit).not.toHaveBeenCalled();
  });
});
