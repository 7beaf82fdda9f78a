import fs from 'fs';
import os from 'os';
import path from 'path';
import { sampleUsage, UsageMeter, type UsageSample } from './usage';

const MiB = 2 ** 20;

describe('sampleUsage', () => {
  let dir: string;
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, file), text);
    }
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usage-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a cgroup v2: usage_usec, memory without inactive file cache, memory.max', async () => {
    write({
      'cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n',
      'memory.current': String(300 * MiB),
      'memory.stat': `anon ${200 * MiB}\nfile ${100 * MiB}\ninactive_file ${
        80 * MiB
      }\n`,
      'memory.max': String(256 * MiB),
    });
    expect(await sampleUsage([dir], path.join(dir, 'no-home'))).toEqual({
      cpuSeconds: 2.5,
      memoryBytes: 220 * MiB,
      memoryLimitBytes: 256 * MiB,
      at: expect.any(Number),
    });
  });

  it('reads a cgroup v1: cpuacct.usage, total_inactive_file, and no limit as none', async () => {
    write({
      'cpuacct.usage': '7000000000',
      'memory.usage_in_bytes': String(50 * MiB),
      'memory.stat': `cache ${30 * MiB}\ntotal_inactive_file ${10 * MiB}\n`,
      'memory.limit_in_bytes': '9223372036854771712',
    });
    const sample = await sampleUsage([dir], dir);
    expect(sample).toMatchObject({ cpuSeconds: 7, memoryBytes: 40 * MiB });
    expect(sample.memoryLimitBytes).toBeUndefined();
    // A plain folder is not a filesystem of its own: no disk figure.
    expect(sample.diskBytes).toBeUndefined();
  });

  it('sums the times of the processes in the cgroup where it has no CPU counter', async () => {
    write({ 'cgroup.procs': `${process.pid}\n` });
    const before = (await sampleUsage([dir], dir)).cpuSeconds!;
    const used = process.cpuUsage();
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // spin, so this process uses CPU time
    }
    const after = (await sampleUsage([dir], dir)).cpuSeconds!;
    const { user, system } = process.cpuUsage(used);
    // The kernel counts in 10 ms ticks, so allow a few either way.
    expect(after - before).toBeCloseTo((user + system) / 1e6, 1);
    expect(after - before).toBeGreaterThan(0);
  });

  it('reads nothing for a desktop without cgroups', async () => {
    expect(await sampleUsage([], dir)).toEqual({ at: expect.any(Number) });
  });
});

describe('UsageMeter', () => {
  it('rates CPU over a short window first, then since the last reading', async () => {
    const samples: UsageSample[] = [
      { cpuSeconds: 10, memoryBytes: 1, at: 1_000 },
      { cpuSeconds: 10.25, memoryBytes: 2, at: 1_500 },
      { cpuSeconds: 12.25, memoryBytes: 3, at: 5_500 },
    ];
    jest.spyOn(Date, 'now').mockReturnValue(5_500);
    const sample = jest.fn(async () => samples.shift()!);
    const meter = new UsageMeter(sample, 1);
    expect(await meter.measure('a', [], '/home')).toEqual({
      cpuCores: 0.5,
      memoryBytes: 2,
      at: new Date(1_500).toISOString(),
    });
    expect(await meter.measure('a', [], '/home')).toMatchObject({
      cpuCores: 0.5,
      memoryBytes: 3,
    });
    expect(sample).toHaveBeenCalledTimes(3);
    jest.restoreAllMocks();
  });

  it('reads no CPU rate from a counter that went back', async () => {
    const samples: UsageSample[] = [
      { cpuSeconds: 10, at: 1_000 },
      { cpuSeconds: 4, at: 2_000 },
    ];
    const meter = new UsageMeter(async () => samples.shift()!, 1);
    expect((await meter.measure('a', [], '/home')).cpuCores).toBe(0);
  });
});
