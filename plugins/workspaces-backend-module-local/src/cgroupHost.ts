import fs from 'fs';
import path from 'path';
import {
  CgroupHierarchy,
  Controller,
  CONTROLLERS,
  writeLimits,
} from './cgroups';
import { MountEntry, parseMountInfo } from './mounts';

const PARENT_NAME = 'desktop-mania';

/** Where desktops' cgroups go, and why a controller cannot be used when it cannot. */
export interface CgroupPlan {
  hierarchies: CgroupHierarchy[];
  missing: Map<Controller, string>;
}

/** `/proc/self/cgroup`: `id:controllers:path` per hierarchy; v2's line is `0::path`. */
function parseProcCgroup(text: string) {
  return text
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const [id, controllers, ...rest] = line.split(':');
      return { id, controllers: controllers.split(','), path: rest.join(':') };
    });
}

/** The folder of cgroup `cgroupPath` under a mount of its hierarchy. */
function folderOf(mount: MountEntry, cgroupPath: string) {
  const relative = path.posix.relative(mount.root, cgroupPath);
  // A mount that shows only part of the hierarchy (a container's) may not show ours.
  return relative.startsWith('..')
    ? mount.mountPoint
    : path.join(mount.mountPoint, relative);
}

/**
 * Where desktops' cgroups go, from this process's mounts and cgroups. On
 * v1, below the backend's own cgroup in each hierarchy, so whatever limits
 * the backend's cgroup has also bound its desktops. On v2, beside it: a v2
 * cgroup that holds processes cannot hand controllers to child cgroups, so
 * they go under the backend's parent, which must delegate them (systemd:
 * `Delegate=yes` with `DelegateSubgroup=`). `controllersOf` reads a v2
 * folder's cgroup.controllers.
 */
export function planCgroups(
  mountinfo: string,
  procCgroup: string,
  controllersOf: (dir: string) => string[],
): CgroupPlan {
  const mounts = parseMountInfo(mountinfo);
  const own = parseProcCgroup(procCgroup);
  const unified = mounts.find(m => m.fsType === 'cgroup2');
  const byParent = new Map<string, CgroupHierarchy>();
  const missing = new Map<Controller, string>();
  const add = (version: 1 | 2, parent: string, controller: Controller) => {
    const found = byParent.get(parent) ?? { version, controllers: [], parent };
    found.controllers.push(controller);
    byParent.set(parent, found);
  };
  for (const controller of CONTROLLERS) {
    const v1 = mounts.find(
      m => m.fsType === 'cgroup' && m.superOptions.includes(controller),
    );
    if (v1) {
      const ownPath =
        own.find(o => o.controllers.includes(controller))?.path ?? '/';
      add(1, path.join(folderOf(v1, ownPath), PARENT_NAME), controller);
      continue;
    }
    if (!unified || !controllersOf(unified.mountPoint).includes(controller)) {
      missing.set(
        controller,
        `no cgroup hierarchy here has the ${controller} controller`,
      );
      continue;
    }
    const ownPath = own.find(o => o.id === '0')?.path ?? '/';
    const base = folderOf(unified, path.posix.dirname(ownPath));
    if (!controllersOf(base).includes(controller)) {
      missing.set(
        controller,
        `cgroup v2 does not delegate the ${controller} controller to ${base}`,
      );
      continue;
    }
    add(2, path.join(base, PARENT_NAME), controller);
  }
  return { hierarchies: [...byParent.values()], missing };
}

/** v2 hands a controller to a child cgroup only when its parent enables it in cgroup.subtree_control. */
async function enableControllers(dir: string, controllers: Controller[]) {
  await fs.promises.writeFile(
    path.join(dir, 'cgroup.subtree_control'),
    controllers.map(c => `+${c}`).join(' '),
  );
}

/**
 * Makes the parent folders of the plan and proves, with a probe cgroup
 * that gets and loses every limit, that desktops' cgroups can be made
 * there. A hierarchy that fails moves its controllers to `missing`.
 */
export async function prepareCgroups(plan: CgroupPlan): Promise<CgroupPlan> {
  const hierarchies: CgroupHierarchy[] = [];
  const missing = new Map(plan.missing);
  for (const hierarchy of plan.hierarchies) {
    const { parent, controllers } = hierarchy;
    const probe = path.join(parent, `probe-${process.pid}`);
    try {
      if (hierarchy.version === 2) {
        await enableControllers(path.dirname(parent), controllers);
      }
      await fs.promises.mkdir(parent, { recursive: true });
      if (hierarchy.version === 2) await enableControllers(parent, controllers);
      await fs.promises.mkdir(probe, { recursive: true });
      await writeLimits(probe, hierarchy, undefined);
      hierarchies.push(hierarchy);
    } catch (error) {
      const reason = (error as Error).message;
      for (const c of controllers) {
        missing.set(c, `cannot make cgroups in ${parent} (${reason})`);
      }
    } finally {
      await fs.promises.rmdir(probe).catch(() => undefined);
    }
  }
  return { hierarchies, missing };
}

/** Where this process may make desktops' cgroups, probed. */
export async function findCgroups(): Promise<CgroupPlan> {
  const [mountinfo, procCgroup] = await Promise.all([
    fs.promises.readFile('/proc/self/mountinfo', 'utf8'),
    fs.promises.readFile('/proc/self/cgroup', 'utf8'),
  ]);
  const controllersOf = (dir: string) => {
    try {
      return fs
        .readFileSync(path.join(dir, 'cgroup.controllers'), 'utf8')
        .split(/\s+/);
    } catch {
      return [];
    }
  };
  return prepareCgroups(planCgroups(mountinfo, procCgroup, controllersOf));
}
