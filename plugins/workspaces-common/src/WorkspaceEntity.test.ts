import { Entity } from '@backstage/catalog-model';
import { isWorkspaceEntity, validateWorkspaceEntity } from './WorkspaceEntity';

const valid = (): Entity => ({
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev' },
  spec: {
    type: 'linux',
    owner: 'user:default/alice',
    flavor: 'ubuntu-desktop',
    size: 'medium',
    cluster: 'rke2-prod',
  },
});

describe('Workspace entity', () => {
  it('accepts a valid Workspace', () => {
    expect(validateWorkspaceEntity(valid())).toBe(true);
    expect(isWorkspaceEntity(valid())).toBe(true);
  });

  it('ignores other kinds', () => {
    const component = {
      ...valid(),
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
    };
    expect(validateWorkspaceEntity(component)).toBe(false);
    expect(isWorkspaceEntity(component)).toBe(false);
  });

  it.each([
    ['type', { type: 'macos' }, /type/],
    ['owner', { owner: '' }, /owner/],
    ['an unknown field', { color: 'red' }, /additional/i],
  ])('rejects a bad %s with the schema message', (_l, patch, message) => {
    const entity = valid();
    entity.spec = { ...entity.spec, ...patch };
    expect(() => validateWorkspaceEntity(entity)).toThrow(message);
  });

  it('rejects a Workspace without spec.cluster', () => {
    const entity = valid();
    delete (entity.spec as any).cluster;
    expect(() => validateWorkspaceEntity(entity)).toThrow(/cluster/);
  });

  it('compiles the schema on first use, once, not when imported', () => {
    jest.isolateModules(() => {
      const catalogModel = require('@backstage/catalog-model');
      const compile = jest.spyOn(catalogModel, 'entityKindSchemaValidator');
      const fresh = require('./WorkspaceEntity');
      expect(compile).not.toHaveBeenCalled();
      expect(fresh.validateWorkspaceEntity(valid())).toBe(true);
      expect(fresh.validateWorkspaceEntity(valid())).toBe(true);
      expect(compile).toHaveBeenCalledTimes(1);
      compile.mockRestore();
    });
  });
});
