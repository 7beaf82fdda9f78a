import yaml from 'yaml';
import Ajv from 'ajv';
import { mockServices } from '@backstage/backend-test-utils';
import { createWorkspaceAction } from './createWorkspace';
import { waitForWorkspaceAction } from './waitForWorkspace';

/** Validates input the way the scaffolder does: against the action's JSON schema. */
function validatorOf(action: { schema?: { input?: unknown } }) {
  return new Ajv({ strict: false, allErrors: true }).compile(action.schema!.input as object);
}

const make = { 'workspace:create': createWorkspaceAction, 'workspace:wait': waitForWorkspaceAction };

// Each example is a template snippet whose inputs must satisfy the action's own schema.
describe.each(Object.entries(make))('%s examples', (id, factory) => {
  const action = factory({ auth: mockServices.auth(), discovery: mockServices.discovery() });

  it('has examples', () => {
    expect(action.examples!.length).toBeGreaterThan(0);
  });

  it.each(action.examples!.map(e => [e.description, e.example]))('%s', (_d, example) => {
    const { steps } = yaml.parse(example);
    expect(steps).toHaveLength(1);
    expect(steps[0].action).toBe(id);
    const validate = validatorOf(action);
    expect(validate(steps[0].input) ? [] : validate.errors).toEqual([]);
  });

  it('rejects input outside its schema', () => {
    expect(validatorOf(action)({ name: 42 })).toBe(false);
  });
});
