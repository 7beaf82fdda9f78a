import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { HOME_IMAGE_PROGRAMS } from './binaries';
import { findCgroups } from './cgroupHost';
import { createCgroup, inCgroups, removeCgroup } from './cgroups';
import { createHomeImage, unmountHome } from './homeImage';
import { UsageMeter } from './usage';

jest.setTimeout(60_000);

const MiB = 2 ** 20;
const asRoot = process.getuid?.() === 0;
const absent = Object.values(HOME_IMAGE_PROGRAMS)
  .map(p => p.path)
  .filter(p => !fs.existsSync(p));
function whySkip() {
  if (!asRoot) return 'only root can make cgroups and mount homes here';
  if (absent.length) return `missing: ${absent.join('; ')}`;
  return undefined;
}
const skipReason = whySkip();
if (skipReason) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the usage test on a real cgroup: ${skipReason}`);
}
const describeOnHost = skipReason ? describe.skip : describe;

describeOnHost(
  'what a desktop uses, read from a real cgroup and home image',
  () => {
    const name = `usage-test-${process.pid}`;
    let dirs: string[] = [];
    let dataDir: string;
    let busy: ChildProcess | undefined;

    beforeAll(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'usage-host-'));
    });
    afterAll(async () => {
      busy?.kill('SIGKILL');
      await removeCgroup(dirs).catch(() => undefined);
      await unmountHome(path.join(dataDir, 'home')).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('measures a busy loop held to half a CPU, its memory limit and the home’s use', async () => {
      const plan = await findCgroups();
      if (!plan.hierarchies.some(h => h.controllers.includes('memory'))) {
        // eslint-disable-next-line no-console
        console.warn(
          `No memory cgroup can be made here (${[...plan.missing.values()].join(
            '; ',
          )}); only the home is measured`,
        );
      }
      dirs = await createCgroup(plan.hierarchies, name, {
        memoryBytes: 128 * MiB,
        cpus: 0.5,
        pids: 16,
      });
      const [program, ...args] = inCgroups(dirs, [
        '/bin/sh',
        '-c',
        'while :; do :; done',
      ]);
      busy = spawn(program, args, { stdio: 'ignore' });

      const home = path.join(dataDir, 'home');
      await createHomeImage(path.join(dataDir, 'home.img'), home, 64 * MiB, 0);
      fs.writeFileSync(path.join(home, 'file'), Buffer.alloc(8 * MiB, 1));

      const meter = new UsageMeter(undefined, 2000);
      const usage = await meter.measure(name, dirs, home);
      // eslint-disable-next-line no-console
      console.log(`usage of a loop held to 0.5 CPU: ${JSON.stringify(usage)}`);
      // The quota holds it to half a CPU; a machine busy with other work may
      // give it much less.
      expect(usage.cpuCores).toBeGreaterThan(0.02);
      expect(usage.cpuCores).toBeLessThan(0.65);
      const held = plan.hierarchies.some(h => h.controllers.includes('memory'));
      expect(usage.memoryLimitBytes).toBe(held ? 128 * MiB : undefined);
      expect(
        held
          ? usage.memoryBytes! > 0 && usage.memoryBytes! < 128 * MiB
          : usage.memoryBytes === undefined,
      ).toBe(true);
      // ext4 keeps some of the image for itself: a little under 64 MiB.
      expect(usage.diskLimitBytes).toBeGreaterThan(48 * MiB);
      expect(usage.diskLimitBytes).toBeLessThanOrEqual(64 * MiB);
      expect(usage.diskBytes).toBeGreaterThanOrEqual(8 * MiB);
      expect(usage.diskBytes).toBeLessThan(usage.diskLimitBytes!);
    });
  },
);
