import { spawn } from 'child_process';
import { isAlive, processRef, terminate } from './processes';

describe('process refs', () => {
  it('match a live process only with its own start time', () => {
    const self = processRef(process.pid);
    expect(isAlive(self)).toBe(true);
    // The same pid with another start time is another program that got the pid later.
    expect(isAlive({ pid: process.pid, startTime: self.startTime + 1 })).toBe(
      false,
    );
    expect(isAlive(undefined)).toBe(false);
  });

  it('count an exited child as gone even before it is reaped', async () => {
    const child = spawn('/bin/sh', ['-c', 'exit 0']);
    const ref = processRef(child.pid!);
    await new Promise(r => child.once('exit', r));
    expect(isAlive(ref)).toBe(false);
  });

  it('terminate a process that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const child = spawn('/bin/sh', [
      '-c',
      'trap "" TERM; while :; do sleep 0.05; done',
    ]);
    const ref = processRef(child.pid!);
    await new Promise(r => setTimeout(r, 100));
    const started = Date.now();
    await terminate(ref, 300);
    expect(isAlive(ref)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
