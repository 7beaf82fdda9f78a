import { spawnSync, SpawnSyncReturns } from 'child_process';
import fs from 'fs';
import path from 'path';
import { inCgroups } from '../cgroups';
import type { ProcessRef } from '../processes';

/** The parts of a desktop's state file the tests read. */
export interface TestState {
  uid: number;
  username: string;
  display: number;
  geometry: string;
  owner: string;
  desired: string;
  xvnc: ProcessRef;
  session: ProcessRef;
  sandbox: ProcessRef;
  cgroups?: string[];
}

export const readState = (dataDir: string, name: string): TestState =>
  JSON.parse(fs.readFileSync(path.join(dataDir, name, 'state.json'), 'utf8'));

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/**
 * Runs a shell script as the desktop's own processes run: in its cgroup,
 * in its namespaces and as its user, with `nproc` as its process limit.
 */
export function inDesktop(
  state: TestState,
  script: string,
  options: { nproc?: number; timeout?: number } = {},
): SpawnSyncReturns<string> {
  const { sandbox, uid, username } = state;
  const prlimit = options.nproc
    ? ['/usr/bin/prlimit', `--nproc=${options.nproc}`, '--']
    : [];
  const argv = inCgroups(state.cgroups ?? [], [
    '/usr/bin/nsenter',
    '--target',
    String(sandbox.pid),
    '--all',
    '-S',
    String(uid),
    '-G',
    String(uid),
    ...prlimit,
    '/bin/sh',
    '-c',
    script,
  ]);
  return spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    timeout: options.timeout ?? 20_000,
    env: { PATH: '/usr/bin:/bin', HOME: `/home/${username}` },
  });
}

/** X client settings for the desktop's screen, with its cookie. */
export const xEnv = (dataDir: string, name: string) => ({
  ...process.env,
  DISPLAY: `:${readState(dataDir, name).display}`,
  XAUTHORITY: path.join(dataDir, name, 'run', 'Xauthority'),
});

/** The terminal's window is on the desktop's screen. */
export const terminalMapped = (dataDir: string, name: string) =>
  spawnSync('xdotool', ['search', '--onlyvisible', '--name', 'terminal'], {
    env: xEnv(dataDir, name),
    encoding: 'utf8',
  }).stdout.trim() !== '';
