import type {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  workspaceConnectPermission,
  workspaceLifecyclePermission,
  workspaceViewPermission,
  type ShareMode,
  type Workspace,
  type WorkspaceAccess,
} from '@desktop-mania/plugin-workspaces-common';
import type { LeaseAccess } from '../database/ConsoleLeaseStore';
import type { ShareStore } from '../database/ShareStore';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import type { WorkspaceAuthorizer } from './WorkspaceAuthorizer';

// Most first: a desktop shows the first one the caller holds.
const ACCESS_LEVELS: Array<{
  access: WorkspaceAccess;
  permission: ResourcePermission<'workspace'>;
}> = [
  { access: 'manage', permission: workspaceLifecyclePermission },
  { access: 'control', permission: workspaceConnectPermission },
  { access: 'view', permission: workspaceViewPermission },
];

/** The caller's user and group refs, lower-cased as grantees are. */
export async function claimsOf(
  options: { auth: AuthService; userInfo: UserInfoService },
  credentials: BackstageCredentials,
): Promise<string[]> {
  if (!options.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError('Desktops are shared with people and groups');
  }
  const info = await options.userInfo.getUserInfo(credentials);
  return [info.userEntityRef, ...info.ownershipEntityRefs].map(r =>
    r.toLocaleLowerCase('en-US'),
  );
}

/**
 * What the caller may do with each desktop: one permission question per
 * kind of access, then the policy's conditions applied to every record,
 * with its grants loaded where the record came without them.
 */
export async function withAccessLevels(
  options: { shares: ShareStore; authorizer: WorkspaceAuthorizer },
  credentials: BackstageCredentials,
  records: WorkspaceRecord[],
  workspaces: Workspace[],
): Promise<Workspace[]> {
  if (records.length === 0) return workspaces;
  const missing = records.filter(r => !r.grants);
  const grants = await options.shares.grantsOf(missing);
  const may = await options.authorizer.judge(
    ACCESS_LEVELS.map(l => l.permission),
    credentials,
  );
  return workspaces.map((workspace, i) => {
    const record = records[i].grants
      ? records[i]
      : { ...records[i], grants: grants.get(records[i].name) };
    const level = ACCESS_LEVELS.find(l => may(l.permission, record));
    return level ? { ...workspace, access: level.access } : workspace;
  });
}

/**
 * Lets a console in with control when the caller may connect, else
 * view-only when they may view; says which share let them in, so revoking
 * it closes the session.
 */
export async function consoleAccess(
  options: {
    authorizer: WorkspaceAuthorizer;
    auth: AuthService;
    userInfo: UserInfoService;
  },
  credentials: BackstageCredentials,
  name: string,
): Promise<{ record: WorkspaceRecord; access: LeaseAccess }> {
  const { authorizer } = options;
  let record: WorkspaceRecord;
  let mode: ShareMode = 'control';
  try {
    record = await authorizer.authorizeRecord(
      name,
      workspaceConnectPermission,
      credentials,
    );
  } catch (error) {
    if (!(error instanceof NotAllowedError)) throw error;
    mode = 'view';
    record = await authorizer
      .authorizeRecord(name, workspaceViewPermission, credentials)
      .catch(() => {
        throw error;
      });
  }
  const claims = await claimsOf(options, credentials);
  if (claims.includes(record.owner.toLocaleLowerCase('en-US'))) {
    return { record, access: { mode } };
  }
  // The share that lasts longest of those allowing this mode.
  const grant = (record.grants ?? [])
    .filter(g => claims.includes(g.grantee.toLocaleLowerCase('en-US')))
    .filter(g => mode === 'view' || g.mode === 'control')
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())[0];
  return {
    record,
    access: {
      mode,
      share: grant && { grantee: grant.grantee, expiresAt: grant.expiresAt },
    },
  };
}
