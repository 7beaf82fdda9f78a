import { spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A real TigerVNC Xvnc listening on a unix socket only. */
export async function startXvnc(geometry = '1920x1080') {
  let display = 90;
  while (fs.existsSync(`/tmp/.X${display}-lock`)) display++;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-xvnc-'));
  const socket = path.join(dir, 'vnc.sock');
  const child = spawn(
    'Xvnc',
    [
      `:${display}`,
      '-geometry',
      geometry,
      '-depth',
      '24',
      '-rfbunixpath',
      socket,
      '-rfbport',
      '-1',
      '-SecurityTypes',
      'None',
      '-nolisten',
      'tcp',
      '-AlwaysShared',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(() => fs.existsSync(socket), 'Xvnc socket');
  return { socket, stop: () => stopChild(child, dir) };
}

/** Debian's websockify in front of a TCP port or a unix socket, with its pid so its CPU can be read. */
export async function startWebsockify(target: {
  port?: number;
  unix?: string;
}) {
  const port = await freePort();
  const args = target.unix
    ? [`--unix-target=${target.unix}`, `127.0.0.1:${port}`]
    : [`127.0.0.1:${port}`, `127.0.0.1:${target.port}`];
  const child = spawn('websockify', args, { stdio: 'ignore' });
  await waitFor(
    () =>
      new Promise<boolean>(resolve => {
        const c = net.connect(port, '127.0.0.1', () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
      }),
    'websockify',
  );
  return {
    url: `ws://127.0.0.1:${port}/`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess, dir?: string) {
  child.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
