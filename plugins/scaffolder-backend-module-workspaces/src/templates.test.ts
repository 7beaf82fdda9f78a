import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { createWorkspaceAction } from './actions/createWorkspace';
import { waitForWorkspaceAction } from './actions/waitForWorkspace';

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const deps = { auth: mockServices.auth(), discovery: mockServices.discovery() };
const actions = [createWorkspaceAction(deps), waitForWorkspaceAction(deps)];

describe.each(['linux-desktop', 'windows-desktop'])('the %s template', name => {
  const entity = yaml.parse(fs.readFileSync(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'));

  it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
    await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(true);
  });

  it('only uses this module\'s actions, with inputs they accept', () => {
    const params = new Set(entity.spec.parameters.flatMap((p: any) => Object.keys(p.properties)));
    for (const step of entity.spec.steps) {
      const action = actions.find(a => a.id === step.action);
      expect(action).toBeDefined();
      const schema = action!.schema!.input as { properties: Record<string, unknown>; required?: string[] };
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(step.input)));
      const referenced = Object.values(step.input)
        .map(value => /^\$\{\{ parameters\.(\w+) \}\}$/.exec(String(value))?.[1])
        .filter(Boolean);
      expect([...params]).toEqual(expect.arrayContaining(referenced));
      for (const key of schema.required ?? []) expect(Object.keys(step.input)).toContain(key);
    }
  });

  it('registers nothing in the catalog itself and links to the new desktop', () => {
    expect(entity.spec.steps.map((s: any) => s.action)).not.toContain('catalog:register');
    const links = entity.spec.output.links.map((l: any) => l.url ?? l.entityRef);
    expect(links).toEqual(['${{ steps.order.output.consoleUrl }}', '${{ steps.order.output.entityRef }}']);
  });

  it('offers only its own operating system in the image picker', () => {
    const image = entity.spec.parameters[0].properties.image;
    expect(image['ui:field']).toBe('WorkspaceFlavorPicker');
    expect(image['ui:options'].os).toBe(name.split('-')[0]);
  });
});

it('registers both templates through one Location', () => {
  const location = yaml.parse(fs.readFileSync(path.join(TEMPLATES, 'all.yaml'), 'utf8'));
  expect(location.spec.targets).toEqual(['./linux-desktop/template.yaml', './windows-desktop/template.yaml']);
});
