import { isWorkspaceChangeEvent, type WorkspaceChangeEvent } from './events';

const workspace = {
  name: 'alice-dev',
  cluster: 'local',
} as WorkspaceChangeEvent['workspace'];

describe('the workspace change event contract', () => {
  it.each(['created', 'changed', 'deleted'] as const)(
    'accepts a %s event',
    type => {
      expect(isWorkspaceChangeEvent({ type, workspace })).toBe(true);
    },
  );

  it.each([
    ['nothing', undefined],
    ['a string', 'created'],
    ['an unknown type', { type: 'renamed', workspace }],
    ['no desktop', { type: 'created' }],
    [
      'a desktop without a name',
      { type: 'created', workspace: { cluster: 'local' } },
    ],
    [
      'a desktop without a cluster',
      { type: 'deleted', workspace: { name: 'x' } },
    ],
    ['a null desktop', { type: 'changed', workspace: null }],
  ])('refuses %s', (_, payload) => {
    expect(isWorkspaceChangeEvent(payload)).toBe(false);
  });
});
