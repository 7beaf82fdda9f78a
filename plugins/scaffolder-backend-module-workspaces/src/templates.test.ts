import fs from 'fs';
import path from 'path';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { registeredActions } from './__testUtils__/registeredActions';

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const read = (file: string) =>
  yaml.parse(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'));

// What a parameter of each JSON schema type renders to, as the action's schema sees it.
const COMPATIBLE: Record<string, string[]> = {
  string: ['string'],
  integer: ['integer', 'number'],
  number: ['number'],
  boolean: ['boolean'],
};

let actions: TemplateAction<any, any, any>[];
beforeAll(async () => {
  actions = await registeredActions();
});

describe.each(['linux', 'windows'])('the %s desktop template', os => {
  const entity = read(`${os}-desktop/template.yaml`);
  const parameters: Record<string, any> = Object.assign(
    {},
    ...entity.spec.parameters.map((page: any) => page.properties),
  );

  it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
    await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(
      true,
    );
    expect(entity.metadata.title).toBe(
      `${os === 'linux' ? 'Linux' : 'Windows'} desktop`,
    );
  });

  it('orders and then waits, with actions this module registers and inputs their schemas accept', () => {
    expect(entity.spec.steps.map((s: any) => s.action)).toEqual([
      'workspace:create',
      'workspace:wait',
    ]);
    for (const step of entity.spec.steps) {
      const action = actions.find(a => a.id === step.action);
      expect(action).toBeDefined();
      const schema = action!.schema!.input as {
        properties: Record<string, any>;
        required?: string[];
      };
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining(Object.keys(step.input)),
      );
      expect(Object.keys(step.input)).toEqual(
        expect.arrayContaining(schema.required ?? []),
      );
      // Each input is a parameter of a type the action accepts, or a literal its schema accepts.
      const mismatches = Object.entries(step.input).flatMap(([key, value]) => {
        const param = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(
          String(value),
        )?.[1];
        if (param) {
          const type = parameters[param]?.type;
          return COMPATIBLE[type]?.includes(schema.properties[key].type)
            ? []
            : [
                `${key}: parameter ${param} is ${
                  type ?? 'not declared'
                }, the action wants ${schema.properties[key].type}`,
              ];
        }
        return validate(value, schema.properties[key]).errors.map(
          e => `${key}: ${e.message}`,
        );
      });
      expect(mismatches).toEqual([]);
    }
  });

  it('asks for a name, a cluster, an image, a size and an owner with fields that list only what this person may order', () => {
    const required = entity.spec.parameters.flatMap(
      (page: any) => page.required ?? [],
    );
    expect(required).toEqual(['name', 'image', 'size']);
    // The name rule lives in workspaces-common; the field states it in
    // words, where a pattern here would show people a regex.
    expect(parameters.name).toMatchObject({
      type: 'string',
      'ui:field': 'WorkspaceNamePicker',
    });
    expect(parameters.name).not.toHaveProperty('pattern');
    expect(parameters.cluster).toMatchObject({
      'ui:field': 'WorkspaceClusterPicker',
      'ui:options': { os },
    });
    expect(parameters.image).toMatchObject({
      'ui:field': 'WorkspaceFlavorPicker',
      'ui:options': { os },
    });
    expect(parameters.size['ui:field']).toBe('WorkspaceSizePicker');
    // The disk's range depends on the image, so the backend's flavors set it
    // rather than a fixed minimum here that a larger image would fall below.
    expect(parameters.diskGi).toMatchObject({
      type: 'integer',
      'ui:field': 'WorkspaceDiskPicker',
    });
    expect(parameters.diskGi).not.toHaveProperty('minimum');
    expect(parameters.diskGi).not.toHaveProperty('default');
    expect(parameters.lifetimeHours.type).toBe('integer');
    // Only owners the backend lets this person order for, with the quota.
    expect(parameters.owner['ui:field']).toBe('WorkspaceOwnerPicker');
    // The owner and the quota come on the first page, before anything else is asked.
    expect(Object.keys(entity.spec.parameters[0].properties)).toContain(
      'owner',
    );
  });

  it('reviews the order in words: the ID fields are hidden and the summary, on the last page, titles each line', () => {
    for (const key of [
      'cluster',
      'image',
      'size',
      'owner',
      'diskGi',
      'lifetimeHours',
    ]) {
      expect([key, parameters[key]['ui:backstage']]).toEqual([
        key,
        { review: { show: false } },
      ]);
    }
    const last = entity.spec.parameters[entity.spec.parameters.length - 1];
    expect(last.properties.summary).toMatchObject({
      type: 'object',
      'ui:field': 'WorkspaceOrderSummary',
    });
    expect(
      Object.entries(last.properties.summary.properties).map(
        ([key, p]: [string, any]) => [key, p.title],
      ),
    ).toEqual([
      ['image', 'Image'],
      ['size', 'Size'],
      ['cluster', 'Cluster'],
      ['disk', 'Disk'],
      ['lifetime', 'Lifetime'],
      ['owner', 'Owner'],
    ]);
  });

  it('registers nothing in the catalog itself and links to the new desktop', () => {
    expect(entity.spec.steps.map((s: any) => s.action)).not.toContain(
      'catalog:register',
    );
    expect(entity.spec.output.links).toEqual([
      {
        title: 'Open the desktop',
        url: '${{ steps.order.output.consoleUrl }}',
      },
      {
        title: 'Desktop page',
        icon: 'catalog',
        entityRef: '${{ steps.order.output.entityRef }}',
      },
    ]);
  });
});

it('registers both templates through one Location', () => {
  const location = read('all.yaml');
  expect(location).toMatchObject({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
  });
  expect(location.spec.targets).toEqual([
    './linux-desktop/template.yaml',
    './windows-desktop/template.yaml',
  ]);
});
