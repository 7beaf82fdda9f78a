import { validate } from 'jsonschema';
import yaml from 'yaml';
import {
  actionContext,
  auth,
  discovery,
  logged,
  orderDesktop,
  playWorkspacesBackend,
  workspacesServer,
} from '../__testUtils__/workspacesApi';
import { waitForWorkspaceAction } from './waitForWorkspace';

const server = workspacesServer();
const action = waitForWorkspaceAction({ auth, discovery, pollIntervalMs: 5 });

describe('workspace:wait examples', () => {
  it.each(action.examples!.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const [step, ...rest] = yaml.parse(example).steps;
      expect(rest).toEqual([]);
      expect(step.action).toBe('workspace:wait');
      // The scaffolder validates step input with jsonschema before it runs the action.
      expect(validate(step.input, action.schema!.input!).errors).toEqual([]);

      playWorkspacesBackend(server, {
        phases: [
          { phase: 'Starting', ready: false },
          { phase: 'Running', ready: true },
        ],
      });
      await orderDesktop(step.input.name);
      const ctx = actionContext(step.input);
      await action.handler(ctx);
      expect(logged(ctx)).toEqual([
        `${step.input.name} is Starting`,
        `${step.input.name} is Running`,
      ]);
      expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
    },
  );

  it('has a schema that refuses what the scaffolder must not pass', () => {
    expect(validate({ name: 42 }, action.schema!.input!).valid).toBe(false);
    expect(
      validate({ name: 'a', timeoutMinutes: 61 }, action.schema!.input!).valid,
    ).toBe(false);
    expect(validate({ timeoutMinutes: 5 }, action.schema!.input!).valid).toBe(
      false,
    );
  });
});
