import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  workspaceConnectPermission,
  workspaceLifecyclePermission,
  workspaceViewPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
  workspacePermissionRules,
} from '../permissions/rules';
import { WorkspaceAuthorizer } from './WorkspaceAuthorizer';

const desk = (name: string, owner: string) =>
  ({ name, owner, grants: [] } as unknown as WorkspaceRecord);
const alices = desk('a', 'user:default/alice');
const bobs = desk('b', 'user:default/bob');
const caller = mockCredentials.user('user:default/alice');

// Alice may manage her own desktops, view every desktop and connect to none.
function authorizerWith(decisions: Record<string, PolicyDecision>) {
  const authorizeConditional = jest.fn(
    async (requests: Array<{ permission: { name: string } }>) =>
      requests.map(r => decisions[r.permission.name]),
  );
  const rules = Object.values(workspacePermissionRules);
  const authorizer = new WorkspaceAuthorizer({
    permissions: {
      ...mockServices.permissions(),
      authorizeConditional,
    } as any,
    userInfo: mockServices.userInfo(),
    auth: mockServices.auth(),
    ruleset: {
      getRuleByName: (name: string) => rules.find(r => r.name === name)!,
    } as any,
    load: async () => undefined,
  });
  return { authorizer, authorizeConditional };
}

const decisions = {
  [workspaceLifecyclePermission.name]: createWorkspaceConditionalDecision(
    workspaceLifecyclePermission,
    workspaceConditions.isWorkspaceOwner({ claims: ['user:default/alice'] }),
  ),
  [workspaceViewPermission.name]: { result: AuthorizeResult.ALLOW },
  [workspaceConnectPermission.name]: { result: AuthorizeResult.DENY },
} as Record<string, PolicyDecision>;

describe('WorkspaceAuthorizer.judge', () => {
  it('asks once for all permissions and applies the decisions to every record', async () => {
    const { authorizer, authorizeConditional } = authorizerWith(decisions);
    const may = await authorizer.judge(
      [
        workspaceLifecyclePermission,
        workspaceConnectPermission,
        workspaceViewPermission,
      ],
      caller,
    );
    const table = [alices, bobs].map(record =>
      [
        workspaceLifecyclePermission,
        workspaceConnectPermission,
        workspaceViewPermission,
      ].map(permission => may(permission, record)),
    );
    expect(table).toEqual([
      [true, false, true],
      [false, false, true],
    ]);
    expect(authorizeConditional).toHaveBeenCalledTimes(1);
    expect(authorizeConditional.mock.calls[0][0]).toHaveLength(3);
  });

  it('refuses to answer for a permission it was not asked about', async () => {
    const { authorizer } = authorizerWith(decisions);
    const may = await authorizer.judge([workspaceViewPermission], caller);
    expect(() => may(workspaceConnectPermission, alices)).toThrow(
      'workspace.connect was not asked about',
    );
  });

  it('answers single questions the same way', async () => {
    const { authorizer } = authorizerWith(decisions);
    const answers = await Promise.all(
      [alices, bobs].map(record =>
        authorizer.isAllowed(workspaceLifecyclePermission, record, caller),
      ),
    );
    expect(answers).toEqual([true, false]);
  });
});
