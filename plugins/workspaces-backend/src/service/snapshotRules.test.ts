import { ConfigReader } from '@backstage/config';
import { readWorkspacesConfig } from './WorkspacesConfig';

const read = (snapshots?: object) =>
  readWorkspacesConfig(
    new ConfigReader({ workspaces: snapshots ? { snapshots } : {} }),
  ).snapshots;

describe('workspaces.snapshots', () => {
  it('reads the limit per desktop, leaving the default of 5 to the service when absent', () => {
    expect(read()).toBeUndefined();
    expect(read({ maxPerWorkspace: 0 })).toEqual({ maxPerWorkspace: 0 });
    expect(read({ maxPerWorkspace: 12 })).toEqual({ maxPerWorkspace: 12 });
  });

  it('refuses a limit that is not a whole number of 0 or more, naming the key', () => {
    for (const bad of [-1, 2.5]) {
      expect(() => read({ maxPerWorkspace: bad })).toThrow(
        `Invalid config at 'workspaces.snapshots.maxPerWorkspace': expected a whole number of 0 or more, got ${bad}`,
      );
    }
  });
});
