import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { FakeCluster, type FakeClusterOptions } from './fakeCluster';

/**
 * A `kubectl` first on PATH that hands every call to a FakeCluster in the
 * test's own process, so a script's hundred kubectl calls take milliseconds
 * instead of a Node start each. The stand-in is a bash script: it sends its
 * working directory, arguments and (for `-f -`) stdin over a local socket
 * with bash's /dev/tcp, and prints what the model answered.
 */
export interface FakeKubectl {
  cluster: FakeCluster;
  /** A folder holding the stand-in `kubectl`: put it first on PATH. */
  binDir: string;
  /** Another model behind the same stand-in, for a fresh run. */
  reset(options?: FakeClusterOptions): FakeCluster;
  close(): Promise<void>;
}

const REAL_KUBECTL =
  spawnSync('sh', ['-c', 'command -v kubectl'], {
    encoding: 'utf8',
  }).stdout.trim() || 'kubectl';

const SHIM = `#!/usr/bin/env bash
# kubectl for the install tests: see deploy/src/install/__testUtils__/fakeKubectl.ts.
set -euo pipefail
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
stdin=""
for a in "$@"; do
  if [ "$a" = - ] || [ "$a" = --filename=- ]; then
    cat >"$dir/stdin"
    stdin="$dir/stdin"
    break
  fi
done
exec 3<>/dev/tcp/127.0.0.1/PORT
{
  printf '%s\\n' "$#" "$dir" "$stdin" "$PWD"
  [ "$#" -eq 0 ] || printf '%s\\0' "$@"
} >&3
read -r code <&3
cat "$dir/stdout"
cat "$dir/stderr" >&2
exit "$code"
`;

export async function startFakeKubectl(
  options: FakeClusterOptions = {},
): Promise<FakeKubectl> {
  const make = (o: FakeClusterOptions) =>
    new FakeCluster({ realKubectl: REAL_KUBECTL, ...o });
  let cluster = make(options);

  const server = net.createServer(socket => {
    let buffer = Buffer.alloc(0);
    let done = false;
    socket.on('data', chunk => {
      if (done) return;
      buffer = Buffer.concat([buffer, chunk as Buffer]);
      const request = parseRequest(buffer);
      if (!request) return;
      done = true;
      const stdin = request.stdinFile
        ? fs.readFileSync(request.stdinFile, 'utf8')
        : undefined;
      const result = cluster.run(request.argv, { cwd: request.cwd, stdin });
      fs.writeFileSync(
        path.join(request.dir, 'stdout'),
        result.stdout ? `${result.stdout}\n` : '',
      );
      fs.writeFileSync(
        path.join(request.dir, 'stderr'),
        result.stderr ? `${result.stderr}\n` : '',
      );
      socket.end(`${result.code}\n`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const port = (server.address() as net.AddressInfo).port;

  const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-'));
  fs.writeFileSync(
    path.join(binDir, 'kubectl'),
    SHIM.replace('PORT', String(port)),
    {
      mode: 0o755,
    },
  );

  return {
    get cluster() {
      return cluster;
    },
    binDir,
    reset(o = options) {
      cluster = make(o);
      return cluster;
    },
    close: () =>
      new Promise<void>(resolve => {
        fs.rmSync(binDir, { recursive: true, force: true });
        server.close(() => resolve());
      }),
  };
}

/** count\ndir\nstdin\ncwd\n then count NUL-terminated arguments. */
function parseRequest(buffer: Buffer) {
  let at = 0;
  const line = () => {
    const end = buffer.indexOf(10, at);
    if (end < 0) return undefined;
    const text = buffer.subarray(at, end).toString();
    at = end + 1;
    return text;
  };
  const count = line();
  const dir = line();
  const stdinFile = line();
  const cwd = line();
  if (cwd === undefined) return undefined;
  const argv: string[] = [];
  while (argv.length < Number(count)) {
    const end = buffer.indexOf(0, at);
    if (end < 0) return undefined;
    argv.push(buffer.subarray(at, end).toString());
    at = end + 1;
  }
  return { argv, dir: dir!, stdinFile: stdinFile || undefined, cwd };
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script without blocking this process, which answers its kubectl
 * calls meanwhile.
 */
export function runScript(
  command: string,
  args: string[],
  options: { env: Record<string, string | undefined>; cwd?: string },
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env as NodeJS.ProcessEnv,
      cwd: options.cwd,
      // stdin is /dev/null: not a terminal, so nothing is asked for, and
      // not a socket, which Debian's bash takes for a remote shell and
      // answers by reading ~/.bashrc.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => {
      stdout += d;
    });
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
