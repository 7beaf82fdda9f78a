import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { RfbClient, socketTransport } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { WorkspaceCreateSpec } from '@desktop-mania/plugin-workspaces-node';
import { DEFAULT_BINARIES, LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { isAlive, startTimeOf, treeRss } from './processes';

jest.setTimeout(60_000);

const missing = Object.values(DEFAULT_BINARIES).filter(b => !fs.existsSync(b));
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the local provider tests: ${missing.join(', ')} not installed (run scripts/test.sh to install them)`);
}
const describeIfInstalled = missing.length ? describe.skip : describe;

const spec = (name: string, extra: Partial<WorkspaceCreateSpec> = {}): WorkspaceCreateSpec => ({
  name,
  cluster: 'local',
  image: { name: 'debian-desktop', title: 'Debian', os: 'linux' },
  size: { name: 'small', title: 'Small', geometry: '1024x768', maxProcesses: 200 },
  diskGi: 20,
  owner: 'user:default/alice',
  createdBy: 'user:default/alice',
  username: 'alice',
  ...extra,
});

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describeIfInstalled('LocalWorkspaceProvider with real Xvnc and bubblewrap', () => {
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  const make = () =>
    new LocalWorkspaceProvider({
      dataDir,
      clusterName: 'local',
      displayBase: 40 + Math.floor(Math.random() * 200),
      binaries: DEFAULT_BINARIES,
      logger: mockServices.logger.mock(),
    });
  const ref = (name: string) => ({ name, cluster: 'local' });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-desktops-'));
    provider = make();
  });

  afterAll(async () => {
    for (const w of await provider.list('local')) {
      await provider.delete(ref(w.name)).catch(() => undefined);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function firstFrame(name: string) {
    const client = new RfbClient(socketTransport(await provider.openConsole(ref(name))));
    await client.handshake();
    client.request(false, 0, 0, client.width, client.height);
    const bytes = await client.readUpdate();
    client.close();
    return { width: client.width, height: client.height, bytes };
  }

  it('creates a desktop that speaks RFB at its size, and measures it', async () => {
    const t0 = Date.now();
    const created = await provider.create(spec('one'));
    const frame = await firstFrame('one');
    const toFirstFrame = Date.now() - t0;
    expect(created.status.phase).toBe('Running');
    expect(frame).toMatchObject({ width: 1024, height: 768 });
    expect(frame.bytes).toBeGreaterThan(1024 * 768 * 4);
    await waitUntil(() => {
      try {
        return execFileSync('xdotool', ['search', '--name', 'terminal'], { env: { ...process.env, DISPLAY: `:${displayOf('one')}` } }).toString().trim().length > 0;
      } catch {
        return false;
      }
    }, 'the terminal window is mapped');
    const rss = treeRss(provider.xvncPid('one')!) + treeRss(provider.sessionPid('one')!);
    // eslint-disable-next-line no-console
    console.log(`local desktop: order to first framebuffer ${toFirstFrame} ms, idle memory ${(rss / 2 ** 20).toFixed(1)} MiB`);
    const socket = provider.socketPath('one');
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
  });

  function displayOf(name: string): number {
    return JSON.parse(fs.readFileSync(path.join(dataDir, name, 'state.json'), 'utf8')).display;
  }

  it('refuses Windows and duplicate names', async () => {
    await expect(
      provider.create(spec('win', { image: { name: 'w', title: 'W', os: 'windows' } })),
    ).rejects.toThrow(/Windows desktops need the KubeVirt provider/);
    expect(fs.existsSync(path.join(dataDir, 'win'))).toBe(false);
    await expect(provider.create(spec('one'))).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('stops keeping the home folder, and starts again', async () => {
    fs.writeFileSync(path.join(dataDir, 'one', 'home', 'notes.txt'), 'kept');
    const sandbox = { pid: provider.sandboxPid('one')!, startTime: startTimeOf(provider.sandboxPid('one')!)! };
    await provider.stop(ref('one'));
    expect(isAlive(sandbox)).toBe(false);
    expect((await provider.get(ref('one')))!.status.phase).toBe('Stopped');
    expect(fs.existsSync(provider.socketPath('one'))).toBe(false);
    await expect(provider.openConsole(ref('one'))).rejects.toThrow(/not running/);
    expect(fs.readFileSync(path.join(dataDir, 'one', 'home', 'notes.txt'), 'utf8')).toBe('kept');
    await provider.start(ref('one'));
    expect((await firstFrame('one')).width).toBe(1024);
  });

  it('restarts with new processes', async () => {
    const before = provider.xvncPid('one');
    await provider.restart(ref('one'));
    const after = provider.xvncPid('one');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect((await provider.get(ref('one')))!.status.phase).toBe('Running');
  });

  it('reports a desktop whose Xvnc died as failed, and starts it again', async () => {
    process.kill(provider.xvncPid('one')!, 'SIGKILL');
    await waitUntil(async () => (await provider.get(ref('one')))!.status.phase === 'Failed', 'the desktop shows failed');
    expect((await provider.get(ref('one')))!.status.message).toMatch(/Xvnc exited/);
    await provider.start(ref('one'));
    expect((await provider.get(ref('one')))!.status.phase).toBe('Running');
    expect((await firstFrame('one')).height).toBe(768);
  });

  it('finds running desktops again after a backend restart, without starting a second one', async () => {
    const xvnc = provider.xvncPid('one');
    const session = provider.sessionPid('one');
    const again = make();
    const listed = await again.list('local');
    expect(listed.map(w => [w.name, w.status.phase])).toEqual([['one', 'Running']]);
    await again.start(ref('one'));
    expect(again.xvncPid('one')).toBe(xvnc);
    expect(again.sessionPid('one')).toBe(session);
    const xvncs = spawnSync('pgrep', ['-f', `rfbunixpath ${again.socketPath('one')}`]).stdout.toString().trim().split('\n');
    expect(xvncs).toHaveLength(1);
  });

  it('keeps desktops from reading each other\'s files or signalling each other\'s processes', async () => {
    await provider.create(spec('two', { owner: 'user:default/bob' }));
    const secret = path.join(dataDir, 'two', 'home', 'secret.txt');
    fs.writeFileSync(secret, 'bob only');
    const otherPid = provider.sessionPid('two')!;
    const sandboxInit = provider.sandboxPid('one')!;
    // Run commands inside desktop one's namespaces, as its processes would.
    const inOne = (script: string) =>
      spawnSync('nsenter', ['--target', String(sandboxInit), '--all', '/bin/sh', '-c', script], { encoding: 'utf8' });
    const read = inOne(`cat ${secret}`);
    expect(read.status).not.toBe(0);
    expect(read.stdout).not.toContain('bob only');
    const signal = inOne(`kill -0 ${otherPid}`);
    expect(signal.status).not.toBe(0);
    const write = inOne('touch /usr/evil');
    expect(write.status).not.toBe(0);
    const own = inOne('echo mine > /home/desktop/own.txt && cat /home/desktop/own.txt');
    expect(own.stdout.trim()).toBe('mine');
    expect(fs.readFileSync(path.join(dataDir, 'one', 'home', 'own.txt'), 'utf8').trim()).toBe('mine');
    // The other desktop's processes are invisible, not merely protected.
    const ps = inOne('ls /proc | grep -E "^[0-9]+$" | wc -l');
    expect(Number(ps.stdout.trim())).toBeLessThan(20);
  });

  it('deletes a desktop with its home folder, leaving no process behind', async () => {
    const sandbox = { pid: provider.sandboxPid('two')!, startTime: startTimeOf(provider.sandboxPid('two')!)! };
    await provider.delete(ref('two'));
    expect(isAlive(sandbox)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'two'))).toBe(false);
    expect(await provider.get(ref('two'))).toBeUndefined();
    await expect(provider.start(ref('two'))).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
