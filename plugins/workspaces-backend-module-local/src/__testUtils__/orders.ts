import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import type { NewDesktop } from '../DesktopStore';

/** An order the local provider accepts, changed by `extra`. */
export const order = (
  extra: Partial<WorkspaceCreateSpec> = {},
): WorkspaceCreateSpec => ({
  name: 'desk',
  cluster: 'local',
  image: { name: 'debian-desktop', title: 'Debian', os: 'linux' },
  size: { name: 'small', title: 'Small' },
  // Small: the machine running the tests must have what is ordered free.
  diskGi: 2,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  username: 'alice',
  ...extra,
});

export const newDesktop = (name: string): NewDesktop => ({
  name,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  username: 'alice',
  geometry: '1280x800',
});
