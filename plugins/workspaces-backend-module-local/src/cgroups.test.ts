import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { findCgroups, planCgroups } from './cgroupHost';
import {
  cgroupProcs,
  createCgroup,
  inCgroups,
  limitWrites,
  removeCgroup,
} from './cgroups';
import { isAlive, processRef } from './processes';

const line = (root: string, mountPoint: string, type: string, opts: string) =>
  `30 22 0:27 ${root} ${mountPoint} rw,relatime shared:9 - ${type} ${type} ${opts}`;

describe('where desktop cgroups go', () => {
  it('on cgroup v1, below the backend’s own cgroup of each hierarchy, cpu shared with cpuacct', () => {
    const mountinfo = [
      line('/', '/', 'ext4', 'rw'),
      line('/', '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'),
      line('/', '/sys/fs/cgroup/cpu,cpuacct', 'cgroup', 'rw,cpu,cpuacct'),
      line('/', '/sys/fs/cgroup/pids', 'cgroup', 'rw,pids'),
      line('/', '/sys/fs/cgroup/unified', 'cgroup2', 'rw'),
    ].join('\n');
    const procCgroup = [
      '4:memory:/user.slice/session-2.scope',
      '2:cpu,cpuacct:/user.slice',
      '8:pids:/',
      '0::/user.slice/session-2.scope',
    ].join('\n');
    expect(planCgroups(mountinfo, procCgroup, () => [])).toEqual({
      hierarchies: [
        {
          version: 1,
          controllers: ['memory'],
          parent:
            '/sys/fs/cgroup/memory/user.slice/session-2.scope/desktop-mania',
        },
        {
          version: 1,
          controllers: ['cpu'],
          parent: '/sys/fs/cgroup/cpu,cpuacct/user.slice/desktop-mania',
        },
        {
          version: 1,
          controllers: ['pids'],
          parent: '/sys/fs/cgroup/pids/desktop-mania',
        },
      ],
      missing: new Map(),
    });
  });

  const unified = line('/', '/sys/fs/cgroup', 'cgroup2', 'rw,nsdelegate');
  const service = '/sys/fs/cgroup/system.slice/backstage.service';

  it('on cgroup v2, beside the backend in the cgroup that delegates the controllers', () => {
    const controllers: Record<string, string[]> = {
      '/sys/fs/cgroup': ['cpuset', 'cpu', 'io', 'memory', 'pids'],
      [service]: ['cpu', 'memory', 'pids'],
    };
    expect(
      planCgroups(
        unified,
        '0::/system.slice/backstage.service/backend',
        dir => controllers[dir] ?? [],
      ),
    ).toEqual({
      hierarchies: [
        {
          version: 2,
          controllers: ['memory', 'cpu', 'pids'],
          parent: `${service}/desktop-mania`,
        },
      ],
      missing: new Map(),
    });
  });

  it('names each controller it cannot use, and why', () => {
    const controllers: Record<string, string[]> = {
      '/sys/fs/cgroup': ['cpu', 'memory'],
      [service]: ['cpu'],
    };
    const plan = planCgroups(
      unified,
      '0::/system.slice/backstage.service/backend',
      dir => controllers[dir] ?? [],
    );
    expect(plan.hierarchies.map(h => h.controllers)).toEqual([['cpu']]);
    expect(plan.missing).toEqual(
      new Map([
        [
          'memory',
          `cgroup v2 does not delegate the memory controller to ${service}`,
        ],
        ['pids', 'no cgroup hierarchy here has the pids controller'],
      ]),
    );
  });

  it('writes each version’s files, memory plus swap last and never below memory', () => {
    const limits = { memoryBytes: 256 * 2 ** 20, cpus: 0.5, pids: 48 };
    const all = () => true;
    expect(limitWrites(1, 'memory', limits, all)).toEqual([
      ['memory.memsw.limit_in_bytes', '-1'],
      ['memory.limit_in_bytes', '268435456'],
      ['memory.memsw.limit_in_bytes', '268435456'],
    ]);
    expect(limitWrites(1, 'memory', limits, () => false)).toEqual([
      ['memory.limit_in_bytes', '268435456'],
    ]);
    expect(limitWrites(1, 'cpu', limits, all)).toEqual([
      ['cpu.cfs_period_us', '100000'],
      ['cpu.cfs_quota_us', '50000'],
    ]);
    expect(limitWrites(2, 'memory', limits, all)).toEqual([
      ['memory.max', '268435456'],
      ['memory.swap.max', '0'],
    ]);
    expect(limitWrites(2, 'cpu', limits, all)).toEqual([
      ['cpu.max', '50000 100000'],
    ]);
    expect(limitWrites(2, 'pids', undefined, all)).toEqual([
      ['pids.max', 'max'],
    ]);
  });
});

const asRoot = process.getuid?.() === 0;
(asRoot ? describe : describe.skip)('cgroups on this machine', () => {
  const name = `cgroups-test-${process.pid}`;
  let dirs: string[] = [];
  afterEach(() => removeCgroup(dirs));

  it('holds a process from its first instruction, with the limits written, and ends it on removal', async () => {
    const plan = await findCgroups();
    expect(plan.missing).toEqual(new Map());
    dirs = await createCgroup(plan.hierarchies, name, {
      memoryBytes: 300 * 2 ** 20,
      cpus: 0.25,
      pids: 20,
    });
    const read = (file: string) =>
      dirs
        .map(d => path.join(d, file))
        .filter(f => fs.existsSync(f))
        .map(f => fs.readFileSync(f, 'utf8').trim());
    expect([...read('memory.limit_in_bytes'), ...read('memory.max')]).toEqual([
      String(300 * 2 ** 20),
    ]);
    expect([...read('cpu.cfs_quota_us'), ...read('cpu.max')]).toEqual([
      expect.stringMatching(/^25000( 100000)?$/),
    ]);
    expect(read('pids.max')).toEqual(['20']);

    const cat = inCgroups(dirs, ['/bin/cat', '/proc/self/cgroup']);
    const inside = spawnSync(cat[0], cat.slice(1), { encoding: 'utf8' });
    expect(
      inside.stdout.split('\n').filter(l => l.endsWith(`/${name}`)),
    ).toHaveLength(dirs.length);

    const argv = inCgroups(dirs, ['/bin/sleep', '30']);
    const sleeper = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    const ref = processRef(sleeper.pid!);
    await new Promise(r => setTimeout(r, 200));
    expect(cgroupProcs(dirs[0])).toEqual([sleeper.pid]);
    await removeCgroup(dirs);
    expect(isAlive(ref)).toBe(false);
    expect(dirs.filter(d => fs.existsSync(d))).toEqual([]);
  });
});
