import fs from 'fs';
import {
  coreServices,
  createBackendPlugin,
  type AuthService,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authBackend from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  ANNOTATION_ORIGIN_LOCATION,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { clusterHealthReadPermission } from '@desktop-mania/plugin-cluster-health-common';
import {
  workspacePermissionRules,
  type WorkspaceRecord,
} from '@desktop-mania/plugin-workspaces-backend';
import {
  workspaceConnectPermission,
  workspaceDeletePermission,
} from '@desktop-mania/plugin-workspaces-common';
import { DesktopManiaPermissionPolicy } from '../permissions/DesktopManiaPermissionPolicy';
import {
  startFakeOidcProvider,
  type FakeOidcProvider,
  type FakePerson,
} from './__testUtils__/fakeOidcProvider';
import {
  asTestBackendConfig,
  checkoutPathOf,
  loadProductionConfig,
} from './__testUtils__/productionConfig';
import { authModuleOidcDirectory } from './oidcDirectoryModule';
import { noVerifiedEmailMessage } from './signInFromDirectory';

jest.setTimeout(120_000);

/** What the sign-in popup posts to the portal page. */
type AuthorizationResponse =
  | {
      type: 'authorization_response';
      response: {
        profile: { email?: string };
        backstageIdentity?: {
          token: string;
          identity: { userEntityRef: string };
        };
      };
    }
  | {
      type: 'authorization_response';
      error: { name: string; message: string };
    };

/**
 * The production portal's auth and catalog, started from the production
 * config with the plugins packages/backend/src/index.ts adds for them, and
 * signed into through a real OIDC exchange with a fake identity provider.
 */
describe('sign-in on the production portal', () => {
  let idp: FakeOidcProvider;
  let config: Config;
  let baseUrl: string;
  let auth: AuthService;
  let userInfo: UserInfoService;
  let users: Entity[];
  let groups: Entity[];

  const catalogToken = async () =>
    (
      await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'catalog',
      })
    ).token;

  const listCatalog = async (kind: 'user' | 'group') => {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities?filter=kind=${kind}`,
      { headers: { Authorization: `Bearer ${await catalogToken()}` } },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as Entity[];
  };

  const directoryFile = () => {
    const location = config
      .getConfigArray('catalog.locations')
      .find(l =>
        l
          .getOptionalConfigArray('rules')
          ?.some(r => r.getStringArray('allow').includes('User')),
      );
    if (!location) {
      throw new Error(
        'No catalog location of the production config allows Users',
      );
    }
    return checkoutPathOf(location.getString('target'));
  };

  const groupsOf = (user: Entity) =>
    (user.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);

  /** The documents of a kind in the org file, counted without a YAML parser. */
  const documentsOfKind = (kind: string) =>
    fs
      .readFileSync(directoryFile(), 'utf8')
      .split(/^---\s*$/m)
      .filter(doc => new RegExp(`^kind:\\s*${kind}\\s*$`, 'm').test(doc))
      .length;

  beforeAll(async () => {
    idp = await startFakeOidcProvider();
    config = await loadProductionConfig({
      OIDC_METADATA_URL: idp.metadataUrl,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      AUTH_SESSION_SECRET: 'session-secret-for-the-test',
      BACKEND_SECRET: 'backend-secret-for-the-test',
      METRICS_TOKEN: 'metrics-token-for-the-test',
      POSTGRES_HOST: 'unused',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'unused',
      POSTGRES_PASSWORD: 'unused',
    });

    // Stands for the permission backend: it turns a user's token into their
    // ownership refs with these two services.
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { auth: coreServices.auth, userInfo: coreServices.userInfo },
          async init(deps) {
            auth = deps.auth;
            userInfo = deps.userInfo;
          },
        });
      },
    });

    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({ data: asTestBackendConfig(config) }),
        authServiceFactory,
        httpAuthServiceFactory,
        userInfoServiceFactory,
        catalogBackend,
        scaffolderEntityModel,
        authBackend,
        guestProvider,
        authModuleOidcDirectory,
        probe,
      ],
    });
    baseUrl = `http://localhost:${backend.server.port()}`;

    // The catalog reads its locations in the background; wait until every
    // User and Group of the org file is in, with its memberships.
    const expectedUsers = documentsOfKind('User');
    const expectedGroups = documentsOfKind('Group');
    for (let attempt = 0; ; attempt++) {
      users = await listCatalog('user');
      groups = await listCatalog('group');
      const membershipsStitched = users.every(
        u =>
          ((u.spec?.memberOf as string[] | undefined) ?? []).length ===
          groupsOf(u).length,
      );
      if (
        users.length >= expectedUsers &&
        groups.length >= expectedGroups &&
        membershipsStitched
      ) {
        break;
      }
      if (attempt > 200) {
        throw new Error(
          `The catalog holds ${users.length} of ${expectedUsers} Users and ${
            groups.length
          } of ${expectedGroups} Groups of ${directoryFile()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await idp?.stop();
  });

  /** Signs `person` in as a browser would, and returns what the popup posts. */
  const signIn = async (person: FakePerson) => {
    const start = await fetch(`${baseUrl}/api/auth/oidc/start?env=production`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    // What a browser would send back: the cookies set, minus those cleared.
    const cookie = start.headers
      .getSetCookie()
      .filter(c => !/;\s*Max-Age=0/i.test(c))
      .map(c => c.split(';')[0])
      .join('; ');
    const callback = idp.authorize(start.headers.get('location')!, person);
    const frame = await fetch(callback, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(frame.status).toBe(200);
    const posted = (await frame.text()).match(
      /var authResponse = decodeURIComponent\('([^']*)'\)/,
    );
    expect(posted).not.toBeNull();
    return JSON.parse(decodeURIComponent(posted![1])) as AuthorizationResponse;
  };

  /** Signs in and returns what the permission framework knows of the user. */
  const signInAsUser = async (person: FakePerson): Promise<PolicyQueryUser> => {
    const posted = await signIn(person);
    if ('error' in posted) {
      throw new Error(
        `Sign-in of ${person.email} failed: ${posted.error.message}`,
      );
    }
    const credentials = await auth.authenticate(
      posted.response.backstageIdentity!.token,
    );
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new Error(`Sign-in of ${person.email} gave no user`);
    }
    return { credentials, info: await userInfo.getUserInfo(credentials) };
  };

  const personOf = (user: Entity): FakePerson => ({
    sub: `sub-${user.metadata.name}`,
    email: (user.spec?.profile as { email?: string } | undefined)?.email ?? '',
  });

  const desktop = (owner: string): WorkspaceRecord => ({
    name: `desk-of-${owner.replace(/\W/g, '-')}`,
    cluster: 'rke2-prod',
    provider: 'kubevirt',
    os: 'linux',
    image: 'ubuntu-desktop',
    size: 'medium',
    diskGi: 40,
    owner,
    createdBy: owner,
    state: 'active',
    createdAt: new Date(),
    lastActivityAt: new Date(),
  });
  const reaches = createConditionAuthorizer(
    Object.values(workspacePermissionRules),
  );

  describe('the directory', () => {
    it('holds every User and Group of the org file, and no other', () => {
      expect(users).toHaveLength(documentsOfKind('User'));
      expect(groups).toHaveLength(documentsOfKind('Group'));
      const origin = `file:${directoryFile()}`;
      for (const entity of [...users, ...groups]) {
        expect({
          entity: stringifyEntityRef(entity),
          origin: entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION],
        }).toEqual({ entity: stringifyEntityRef(entity), origin });
      }
    });

    it('has the groups desktopMania.permissions names', () => {
      const named = [
        ...config.getStringArray('desktopMania.permissions.admins'),
        ...config.getStringArray('desktopMania.permissions.platformOwners'),
      ];
      expect(named).toEqual(expect.arrayContaining(['group:default/admins']));
      const present = groups.map(g => stringifyEntityRef(g));
      for (const ref of named) {
        expect(present).toContain(ref.toLocaleLowerCase('en-US'));
      }
    });

    it('gives every User a distinct email to sign in with', () => {
      const emails = users.map(u =>
        personOf(u).email.toLocaleLowerCase('en-US'),
      );
      expect(emails.every(e => /^[^@\s]+@[^@\s]+$/.test(e))).toBe(true);
      expect(new Set(emails).size).toBe(emails.length);
    });
  });

  describe('a person in the directory', () => {
    it('signs in as their User, owning what their groups own', async () => {
      for (const user of users) {
        const { info } = await signInAsUser(personOf(user));
        expect(info.userEntityRef).toBe(stringifyEntityRef(user));
        expect([...info.ownershipEntityRefs].sort()).toEqual(
          [stringifyEntityRef(user), ...groupsOf(user)].sort(),
        );
      }
    });

    it('is found whatever the letter case of the email the provider sends', async () => {
      const [user] = users;
      const person = personOf(user);
      const { info } = await signInAsUser({
        ...person,
        email: person.email.toUpperCase(),
      });
      expect(info.userEntityRef).toBe(stringifyEntityRef(user));
    });

    it('reaches desktops per the permission policy: admins all, others their own and their groups', async () => {
      const policy = DesktopManiaPermissionPolicy.fromConfig(config);
      const admins = config
        .getStringArray('desktopMania.permissions.admins')
        .map(r => r.toLocaleLowerCase('en-US'));
      const admin = users.find(u => groupsOf(u).some(g => admins.includes(g)));
      const member = users.find(
        u =>
          !groupsOf(u).some(g => admins.includes(g)) && groupsOf(u).length > 0,
      );
      // The org file shows one of each, so both paths are exercised here.
      expect(admin).toBeDefined();
      expect(member).toBeDefined();

      const adminUser = await signInAsUser(personOf(admin!));
      expect(adminUser.info.ownershipEntityRefs).toContain(
        'group:default/admins',
      );
      const someoneElses = desktop('user:default/somebody-else');
      for (const permission of [
        workspaceConnectPermission,
        workspaceDeletePermission,
      ]) {
        const decision = await policy.handle({ permission }, adminUser);
        expect(reaches(decision, someoneElses)).toBe(true);
      }
      expect(
        (
          await policy.handle(
            { permission: clusterHealthReadPermission },
            adminUser,
          )
        ).result,
      ).toBe(AuthorizeResult.ALLOW);

      const memberUser = await signInAsUser(personOf(member!));
      const [team] = groupsOf(member!);
      const connect = await policy.handle(
        { permission: workspaceConnectPermission },
        memberUser,
      );
      expect(connect.result).toBe(AuthorizeResult.CONDITIONAL);
      expect(reaches(connect, desktop(stringifyEntityRef(member!)))).toBe(true);
      expect(reaches(connect, desktop(team))).toBe(true);
      expect(reaches(connect, someoneElses)).toBe(false);
    });
  });

  describe('a person not in the directory', () => {
    /** The error the popup posts: a name and a message, never a stack. */
    const refusalOf = (posted: AuthorizationResponse) =>
      'error' in posted ? posted.error : undefined;

    it('is refused with one line saying whom to ask', async () => {
      const email = 'not-in-the-directory@example.com';
      expect(refusalOf(await signIn({ sub: 'stranger', email }))).toEqual({
        name: 'NotAllowedError',
        message:
          "not-in-the-directory@example.com is not in this portal's directory; ask a platform owner to add you",
      });
    });

    it('cannot pass for someone with an address the provider has not verified', async () => {
      const [user] = users;
      const posted = await signIn({
        ...personOf(user),
        sub: 'impostor',
        emailVerified: false,
      });
      expect(refusalOf(posted)).toEqual({
        name: 'NotAllowedError',
        message: noVerifiedEmailMessage,
      });
    });

    it('cannot sign in as the development guest instead', async () => {
      const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      expect(res.status).toBe(403);
      expect((await res.json()).error.name).toBe('NotAllowedError');
    });
  });
});
