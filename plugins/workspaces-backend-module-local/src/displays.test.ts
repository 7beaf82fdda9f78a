import { spawn } from 'child_process';
import fs from 'fs';
import { claimDisplay, reclaimDisplay } from './displays';

// Displays far above any the suite's desktops use.
const base = 8000 + Math.floor(Math.random() * 900);
const lock = (d: number) => `/tmp/.X${d}-lock`;
const socket = (d: number) => `/tmp/.X11-unix/X${d}`;
const pidText = (pid: number) => `${String(pid).padStart(10)}\n`;

describe('X display numbers', () => {
  afterEach(() => {
    for (let d = base; d < base + 4; d++) {
      fs.rmSync(lock(d), { force: true });
      fs.rmSync(socket(d), { force: true });
    }
  });

  it('skips displays whose X server lives and reclaims those of dead servers', async () => {
    fs.mkdirSync('/tmp/.X11-unix', { recursive: true });
    const dead = spawn('/bin/true');
    await new Promise(r => dead.once('exit', r));
    fs.writeFileSync(lock(base), pidText(process.pid));
    fs.writeFileSync(lock(base + 1), pidText(dead.pid!));
    fs.writeFileSync(socket(base + 1), '');

    expect(reclaimDisplay(base)).toBe(false);
    expect(claimDisplay(base, new Set())).toBe(base + 1);
    expect(fs.existsSync(lock(base + 1))).toBe(false);
    expect(fs.existsSync(socket(base + 1))).toBe(false);
    expect(fs.existsSync(lock(base))).toBe(true);
  });

  it('skips displays other desktops claimed, and sockets no lock explains', () => {
    fs.writeFileSync(socket(base + 1), '');
    expect(claimDisplay(base, new Set([base]))).toBe(base + 2);
    expect(() => claimDisplay(base, new Set([base]), 2)).toThrow(
      `No free X display between :${base} and :${base + 1}`,
    );
  });
});
