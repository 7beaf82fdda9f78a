import { BuiltinKindsEntityProcessor } from '@backstage/plugin-catalog-backend';
import { WorkspaceEntitiesProcessor } from './WorkspaceEntitiesProcessor';
import { prepareWorkspaceValidation } from './prepareValidation';
import { ALICE_LINUX_SPEC } from './__testUtils__/entities';

/** CPU time (user and system) of one call, in microseconds. */
async function cpuOf(fn: () => Promise<unknown>) {
  const before = process.cpuUsage();
  await fn();
  const { user, system } = process.cpuUsage(before);
  return user + system;
}

describe('prepareWorkspaceValidation', () => {
  it('leaves nothing to compile for the first desktop the catalog validates', async () => {
    // Nothing in this file's module registry has compiled a schema yet.
    const prepare = await cpuOf(() => prepareWorkspaceValidation());
    const entity = {
      apiVersion: 'desktopmania.io/v1alpha1',
      kind: 'Workspace',
      metadata: { name: 'alice-desk', namespace: 'default' },
      spec: ALICE_LINUX_SPEC,
    };
    let valid: boolean[] = [];
    // As the catalog validates each entity: every processor's kind check.
    const first = await cpuOf(async () => {
      valid = [
        await new BuiltinKindsEntityProcessor().validateEntityKind(entity),
        await new WorkspaceEntitiesProcessor().validateEntityKind(entity),
      ];
    });
    console.log(
      `schemas compiled ahead: ${Math.round(
        prepare / 1000,
      )} ms of CPU; the first desktop's validation then ${Math.round(
        first / 1000,
      )} ms`,
    );
    expect(valid).toEqual([false, true]);
    // Cold, the first desktop's validation costs about what preparing does.
    expect(first * 10).toBeLessThan(prepare);
  });
});
