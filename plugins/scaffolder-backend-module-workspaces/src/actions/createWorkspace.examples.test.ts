import { validate } from 'jsonschema';
import yaml from 'yaml';
import {
  ALICE_AUTHORIZATION,
  actionContext,
  auth,
  discovery,
  playWorkspacesBackend,
  workspacesServer,
} from '../__testUtils__/workspacesApi';
import { createWorkspaceAction } from './createWorkspace';

const server = workspacesServer();
const action = createWorkspaceAction({ auth, discovery });

describe('workspace:create examples', () => {
  it.each(action.examples!.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const [step, ...rest] = yaml.parse(example).steps;
      expect(rest).toEqual([]);
      expect(step.action).toBe('workspace:create');
      // The scaffolder validates step input with jsonschema before it runs the action.
      expect(validate(step.input, action.schema!.input!).errors).toEqual([]);

      const backend = playWorkspacesBackend(server);
      const ctx = actionContext(step.input);
      await action.handler(ctx);
      expect(backend.requests).toEqual([
        {
          method: 'POST',
          path: '/workspaces',
          authorization: ALICE_AUTHORIZATION,
          body: { ...step.input, template: 'template:default/linux-desktop' },
        },
      ]);
      expect(ctx.output).toHaveBeenCalledWith(
        'entityRef',
        `workspace:default/${step.input.name}`,
      );
    },
  );
});
