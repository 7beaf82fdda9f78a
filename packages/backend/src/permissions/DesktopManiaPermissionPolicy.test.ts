import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  workspaceConnectPermission,
  workspaceCreatePermission,
  workspaceDeletePermission,
  workspaceFilesPermission,
  workspaceLifecyclePermission,
  workspaceMetricsReadPermission,
  workspaceReadPermission,
  workspaceRecordingReadPermission,
  workspaceViewPermission,
} from '@desktop-mania/plugin-workspaces-common';
import { clusterHealthReadPermission } from '@desktop-mania/plugin-cluster-health-common';
import { DesktopManiaPermissionPolicy } from './DesktopManiaPermissionPolicy';

const policy = new DesktopManiaPermissionPolicy({
  admins: ['group:default/admins'],
  platformOwners: ['group:default/platform-owners'],
});

const user = (ref: string, groups: string[] = []) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: ref,
    ownershipEntityRefs: [ref, ...groups],
  },
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  token: 't',
  credentials: {} as any,
  expiresInSeconds: 60,
});

describe('DesktopManiaPermissionPolicy', () => {
  it('lets admins do everything to every desktop', async () => {
    const admin = user('user:default/root', ['group:default/Admins']);
    for (const permission of [
      workspaceConnectPermission,
      workspaceDeletePermission,
    ]) {
      expect(await policy.handle({ permission }, admin as any)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('scopes people to the desktops they or their groups own', async () => {
    const alice = user('user:default/alice', ['group:default/team-a']);
    const decision = await policy.handle(
      { permission: workspaceLifecyclePermission },
      alice as any,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'workspaces',
      resourceType: 'workspace',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'workspace',
        params: { claims: ['user:default/alice', 'group:default/team-a'] },
      },
    });
  });

  it('lets signed-in people order desktops, nobody else', async () => {
    expect(
      await policy.handle(
        { permission: workspaceCreatePermission },
        user('user:default/a') as any,
      ),
    ).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(
      await policy.handle({ permission: workspaceCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await policy.handle({ permission: workspaceDeletePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('shows cluster health to platform owners and admins only', async () => {
    const read = { permission: clusterHealthReadPermission };
    expect(
      (
        await policy.handle(
          read,
          user('user:default/p', ['group:default/platform-owners']) as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (
        await policy.handle(
          read,
          user('user:default/r', ['group:default/admins']) as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (await policy.handle(read, user('user:default/dev') as any)).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('gives the metrics permission to admins only among people', async () => {
    const metrics = { permission: workspaceMetricsReadPermission };
    expect(
      (
        await policy.handle(
          metrics,
          user('user:default/r', ['group:default/admins']) as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (await policy.handle(metrics, user('user:default/dev') as any)).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('lets grantees of a share read and watch, control grantees connect', async () => {
    const bob = user('user:default/bob', ['group:default/team-b']);
    const claims = ['user:default/bob', 'group:default/team-b'];
    const owner = {
      rule: 'IS_OWNER',
      resourceType: 'workspace',
      params: { claims },
    };
    const shared = (modes: string[]) => ({
      rule: 'IS_SHARED_WITH',
      resourceType: 'workspace',
      params: { claims, modes },
    });
    for (const [permission, modes] of [
      [workspaceReadPermission, ['view', 'control']],
      [workspaceViewPermission, ['view', 'control']],
      [workspaceConnectPermission, ['control']],
    ] as const) {
      expect(await policy.handle({ permission }, bob as any)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'workspaces',
        resourceType: 'workspace',
        conditions: { anyOf: [owner, shared([...modes])] },
      });
    }
  });

  it('keeps lifecycle, delete and files to owners whatever is shared', async () => {
    const bob = user('user:default/bob');
    for (const permission of [
      workspaceLifecyclePermission,
      workspaceDeletePermission,
      workspaceFilesPermission,
    ]) {
      expect(await policy.handle({ permission }, bob as any)).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { rule: 'IS_OWNER' },
      });
    }
    expect(
      await policy.handle({ permission: workspaceViewPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('shows console recordings to admins and owners, not to grantees or nobody', async () => {
    const permission = workspaceRecordingReadPermission;
    const admin = user('user:default/root', ['group:default/admins']);
    expect(await policy.handle({ permission }, admin as any)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(
      await policy.handle({ permission }, user('user:default/bob') as any),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'workspaces',
      resourceType: 'workspace',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'workspace',
        params: { claims: ['user:default/bob'] },
      },
    });
    expect(await policy.handle({ permission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('scopes file transfer to owners like the console', async () => {
    const decision = await policy.handle(
      { permission: workspaceFilesPermission },
      user('user:default/alice') as any,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_OWNER' },
    });
  });

  it('lets only admins register catalog entities', async () => {
    const dev = user('user:default/dev');
    const admin = user('user:default/root', ['group:default/admins']);
    const register = { permission: catalogLocationCreatePermission };
    expect((await policy.handle(register, dev as any)).result).toBe(
      AuthorizeResult.DENY,
    );
    expect((await policy.handle(register, admin as any)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets only admins manage templates (editor, actions, extensions)', async () => {
    const manage = { permission: templateManagementPermission };
    expect(
      (await policy.handle(manage, user('user:default/dev') as any)).result,
    ).toBe(AuthorizeResult.DENY);
    expect(
      (
        await policy.handle(
          manage,
          user('user:default/root', ['group:default/admins']) as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it("leaves other plugins' permissions open, as a stock portal has them", async () => {
    expect(
      (
        await policy.handle(
          { permission: catalogEntityReadPermission },
          user('user:default/dev') as any,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  describe('fromConfig', () => {
    const fromConfig = (permissions: unknown) =>
      DesktopManiaPermissionPolicy.fromConfig(
        new ConfigReader({ desktopMania: { permissions } } as any),
      );

    it('reads admins and platform owners', async () => {
      const configured = fromConfig({
        admins: ['group:default/admins'],
        platformOwners: ['Group:Default/Platform-Owners'],
      });
      const read = { permission: clusterHealthReadPermission };
      expect(
        (
          await configured.handle(
            read,
            user('user:default/p', ['group:default/platform-owners']) as any,
          )
        ).result,
      ).toBe(AuthorizeResult.ALLOW);
      expect(
        (
          await configured.handle(
            { permission: workspaceDeletePermission },
            user('user:default/r', ['group:default/admins']) as any,
          )
        ).result,
      ).toBe(AuthorizeResult.ALLOW);
      expect(
        (
          await DesktopManiaPermissionPolicy.fromConfig(
            new ConfigReader({}),
          ).handle(read, user('user:default/p') as any)
        ).result,
      ).toBe(AuthorizeResult.DENY);
    });

    it.each([
      [
        { admins: ['group:default/admins', 'admins'] },
        "Invalid config at 'desktopMania.permissions.admins[1]': expected an entity ref such as 'group:default/admins', got 'admins'",
      ],
      [
        { platformOwners: ['group:platform-owners'] },
        "Invalid config at 'desktopMania.permissions.platformOwners[0]': expected a full entity ref with kind and namespace, e.g. 'group:default/platform-owners', got 'group:platform-owners'",
      ],
      [
        { admins: 'group:default/admins' },
        `Invalid config at 'desktopMania.permissions.admins': expected a list of entity refs such as [group:default/admins], got "group:default/admins"`,
      ],
      [
        ['group:default/admins'],
        "Invalid config at 'desktopMania.permissions': expected object, got array",
      ],
    ])(
      'refuses %j with an InputError naming the key',
      (permissions, message) => {
        expect(() => fromConfig(permissions)).toThrow(InputError);
        expect(() => fromConfig(permissions)).toThrow(message);
      },
    );
  });
});
