import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { PassThrough, type Readable } from 'stream';
import { mockServices } from '@backstage/backend-test-utils';
import { LocalWorkspaceProvider } from './LocalWorkspaceProvider';
import { removeCgroup } from './cgroups';
import { unmountHome } from './homeImage';
import { isAlive } from './processes';
import { inDesktop, readState, waitUntil } from './__testUtils__/desktops';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

jest.setTimeout(60_000);

const missing = absentPrograms('the file transfer tests with real desktops', [
  '/usr/bin/nsenter',
  '/usr/bin/fallocate',
]);
const describeIfInstalled = missing.length ? describe.skip : describe;
const asRoot = process.getuid?.() === 0;
if (!missing.length && !asRoot) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the file transfer checks of ownership and of a full home: the tests do not run as root, so homes are plain folders of the test user',
  );
}
const describeAsRoot = asRoot ? describe : describe.skip;

const ref = { name: 'files', cluster: 'local' };
const body = (data: string | Buffer) => {
  const stream = new PassThrough();
  stream.end(data);
  return stream;
};
async function text(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

describeIfInstalled('file transfer with a real local desktop', () => {
  let dataDir: string;
  let provider: LocalWorkspaceProvider;
  const home = () => path.join(dataDir, 'files', 'home');
  const state = () => readState(dataDir, 'files');
  const sh = (script: string) => {
    const result = inDesktop(state(), script);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-files-'));
    provider = await LocalWorkspaceProvider.fromOptions({
      dataDir,
      displayBase: 700 + Math.floor(Math.random() * 100),
      uidBase: 1_920_000_000 + Math.floor(Math.random() * 1_000_000),
      logger: mockServices.logger.mock(),
    });
    await provider.create(order({ name: 'files', diskGi: 1 }));
    await waitUntil(
      async () => (await provider.get(ref))?.status.phase === 'Running',
      'the desktop runs',
    );
  });

  afterAll(async () => {
    await provider.delete(ref).catch(() => undefined);
    if (fs.existsSync(path.join(dataDir, 'files', 'state.json'))) {
      const s = state();
      for (const p of [s.sandbox, s.session, s.xvnc]) {
        if (isAlive(p)) process.kill(p.pid, 'SIGKILL');
      }
      await removeCgroup(s.cgroups ?? []);
      await unmountHome(home());
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("uploads into ~/Uploads as the desktop's user, lists and downloads", async () => {
    const entry = await provider.files.write(
      ref,
      'Uploads/hello.txt',
      body('hello'),
      5,
    );
    expect(entry).toMatchObject({ name: 'hello.txt', type: 'file', size: 5 });
    const uploads = path.join(home(), 'Uploads');
    expect(fs.statSync(uploads).uid).toBe(state().uid);
    expect(fs.statSync(path.join(uploads, 'hello.txt')).uid).toBe(state().uid);
    // The desktop sees it, and may change it.
    sh('cat ~/Uploads/hello.txt && echo " world" >> ~/Uploads/hello.txt');

    expect(await provider.files.list(ref, '')).toContainEqual(
      expect.objectContaining({ name: 'Uploads', type: 'directory' }),
    );
    expect(await provider.files.list(ref, 'Uploads')).toEqual([
      expect.objectContaining({ name: 'hello.txt', type: 'file', size: 12 }),
    ]);
    const file = await provider.files.read(ref, 'Uploads/hello.txt');
    expect(file.size).toBe(12);
    expect(await text(file.content)).toBe('hello world\n');
  });

  it('follows no link the desktop planted, for reading or writing', async () => {
    const passwd = fs.readFileSync('/etc/passwd', 'utf8');
    sh(
      'ln -s /etc/passwd ~/passwd && ln -s /etc ~/etc && mkdir ~/d && ln -s /etc ~/d/up',
    );
    await expect(provider.files.read(ref, 'passwd')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/links are not followed/),
    });
    await expect(provider.files.read(ref, 'etc/passwd')).rejects.toThrow(
      /links are not followed/,
    );
    await expect(provider.files.list(ref, 'd/up')).rejects.toThrow(
      /links are not followed/,
    );
    await expect(
      provider.files.write(ref, 'etc/planted', body('x'), 1),
    ).rejects.toThrow(/links are not followed/);
    expect(fs.existsSync('/etc/planted')).toBe(false);

    // Uploading onto a link replaces the link, never what it points at.
    await provider.files.write(ref, 'passwd', body('mine'), 4);
    expect(fs.readFileSync('/etc/passwd', 'utf8')).toBe(passwd);
    expect(fs.lstatSync(path.join(home(), 'passwd')).isFile()).toBe(true);
    expect(await provider.files.list(ref, '')).toContainEqual(
      expect.objectContaining({ name: 'etc', type: 'other' }),
    );
  });

  it("refuses '..' and FIFOs", async () => {
    await expect(provider.files.read(ref, '../state.json')).rejects.toThrow(
      /'\.\.'/,
    );
    await expect(provider.files.list(ref, '/etc')).rejects.toThrow(/absolute/);
    sh('mkfifo ~/pipe');
    await expect(provider.files.read(ref, 'pipe')).rejects.toThrow(
      "'pipe' is not a regular file",
    );
  });

  it('leaves nothing behind of an upload that ends early', async () => {
    await expect(
      provider.files.write(ref, 'short.bin', body('12345'), 10),
    ).rejects.toThrow('The upload ended after 5 of its 10 bytes');
    await expect(
      provider.files.write(ref, 'long.bin', body('12345'), 3),
    ).rejects.toThrow('The upload is longer than its 3 bytes');
    expect(fs.readdirSync(home()).filter(n => /bin|upload/.test(n))).toEqual(
      [],
    );
  });

  describeAsRoot('as root', () => {
    it("refuses files that are not the desktop user's", async () => {
      // What a hard link to another user's file would look like.
      fs.writeFileSync(path.join(home(), 'roots'), 'secret');
      await expect(provider.files.read(ref, 'roots')).rejects.toThrow(
        "'roots' does not belong to the desktop's user",
      );
    });

    it('says the home is full, keeping the file it would have replaced', async () => {
      await provider.files.write(ref, 'keep.txt', body('old'), 3);
      const { bavail, bsize } = fs.statfsSync(home());
      const filler = path.join(home(), 'filler');
      const fill = spawnSync('/usr/bin/fallocate', [
        '-l',
        String(bavail * bsize - 512 * 1024),
        filler,
      ]);
      expect(fill.stderr.toString()).toBe('');
      const big = Buffer.alloc(2 * 2 ** 20, 7);
      await expect(
        provider.files.write(ref, 'keep.txt', body(big), big.length),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: "The desktop's home is full; free space in it and try again",
      });
      expect(fs.readFileSync(path.join(home(), 'keep.txt'), 'utf8')).toBe(
        'old',
      );
      expect(fs.readdirSync(home()).filter(n => n.includes('upload'))).toEqual(
        [],
      );
      fs.rmSync(filler);
    });
  });

  it('asks to start a stopped desktop, whose home is not mounted', async () => {
    await provider.stop(ref);
    await expect(
      provider.files.write(ref, 'Uploads/late.txt', body('x'), 1),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        "The desktop 'files' is stopped; start the desktop to transfer files",
    });
    await expect(provider.files.list(ref, '')).rejects.toThrow(
      /start the desktop to transfer files/,
    );
  });
});
