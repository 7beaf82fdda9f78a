import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { DEPLOY, removeScratch, scratch } from './__testUtils__/installRun';

afterAll(removeScratch);

const RKE2 = path.join(DEPLOY, 'rke2');
const read = (file: string) => fs.readFileSync(path.join(RKE2, file), 'utf8');

const versions = fs.readFileSync(path.join(DEPLOY, 'versions.yaml'), 'utf8');
const PINNED = /^rke2: (\S+)$/m.exec(versions)?.[1];

describe('the RKE2 node configs', () => {
  it.each([
    'config-server-first.yaml',
    'config-server-join.yaml',
    'config-agent.yaml',
  ])('%s leaves out cluster-init, which RKE2 drops', file => {
    // rancher/rke2 pkg/cli/cmds/server.go maps "cluster-init" to dropFlag, and
    // pkg/cli/defaults/defaults.go sets ClusterInit itself: a server without
    // `server:` starts a new etcd cluster on its own.
    expect(Object.keys(yaml.parse(read(file)))).not.toContain('cluster-init');
  });

  it('gives Traefik no replica count, which its DaemonSet ignores', () => {
    // rancher/rke2-charts packages/rke2-traefik: deployment.kind is DaemonSet,
    // and deployment.replicas "only applies when kind == Deployment".
    const config = yaml.parse(read('traefik-config.yaml'));
    const values = yaml.parse(config.spec.valuesContent);
    expect(values.deployment?.replicas).toBeUndefined();
  });

  it('documents a private registry set-up with mirrors and credentials', () => {
    const example = yaml.parse(read('registries.yaml.example'));
    expect(Object.keys(example.mirrors).length).toBeGreaterThan(0);
    for (const mirror of Object.values<any>(example.mirrors)) {
      expect(mirror.endpoint.length).toBeGreaterThan(0);
    }
    expect(Object.keys(example.configs).length).toBeGreaterThan(0);
  });
});

/**
 * Runs a function of deploy/rke2/common.sh with a fake `rke2` (its version
 * in a file), a fake `curl` (serving an installer that records how it was
 * run and "installs" the version asked for) and a private config folder.
 */
function withNode(installed: string | undefined) {
  const dir = fs.mkdtempSync(path.join(scratch(), 'rke2-node-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const versionFile = path.join(dir, 'rke2-version');
  const installs = path.join(dir, 'installs');
  fs.writeFileSync(installs, '');
  if (installed) fs.writeFileSync(versionFile, installed);
  fs.writeFileSync(
    path.join(bin, 'rke2'),
    `#!/bin/sh\n[ "$1" = --version ] || exit 2\nprintf 'rke2 version %s (0123abcd)\\ngo version go1.24\\n' "$(cat '${versionFile}')"\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(bin, 'curl'),
    `#!/bin/sh\ncat <<'EOF'\necho "type=$INSTALL_RKE2_TYPE version=$INSTALL_RKE2_VERSION" >>'${installs}'\nprintf '%s' "$INSTALL_RKE2_VERSION" >'${versionFile}'\nEOF\n`,
    { mode: 0o755 },
  );
  const run = (script: string, env: Record<string, string> = {}) =>
    spawnSync(
      'bash',
      [
        '-c',
        `set -euo pipefail; here='${RKE2}'; . '${RKE2}/common.sh'; ${script}`,
      ],
      {
        encoding: 'utf8',
        // Not a socket on stdin: Debian's bash would read ~/.bashrc, taking
        // it for a remote shell.
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          RKE2_BIN: installed ? path.join(bin, 'rke2') : path.join(dir, 'none'),
          RKE2_CONFIG_DIR: path.join(dir, 'etc'),
          ...env,
        },
      },
    );
  return {
    dir,
    run,
    installs: () =>
      fs.readFileSync(installs, 'utf8').trim().split('\n').filter(Boolean),
  };
}

describe('install_rke2 in deploy/rke2/common.sh', () => {
  it('pins RKE2 in deploy/versions.yaml', () => {
    expect(PINNED).toMatch(/^v1\.\d+\.\d+\+rke2r\d+$/);
  });

  it('installs the pinned version where RKE2 is missing', () => {
    const node = withNode(undefined);
    const out = node.run('install_rke2 server && echo changed');
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/changed/);
    expect(node.installs()).toEqual([`type=server version=${PINNED}`]);
  });

  it('does nothing where the pinned version runs', () => {
    const node = withNode(PINNED);
    const out = node.run('install_rke2 agent || echo unchanged');
    expect(out.stdout).toMatch(/unchanged/);
    expect(node.installs()).toEqual([]);
  });

  it('upgrades a node on an older patch or the previous minor version, so the service restarts', () => {
    const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(PINNED!)!;
    for (const older of [
      `v${major}.${minor}.0+rke2r1`,
      `v${major}.${Number(minor) - 1}.3+rke2r1`,
    ]) {
      const node = withNode(older);
      const out = node.run('install_rke2 agent && echo changed');
      expect(out.stdout).toMatch(/upgrading RKE2 .* to .*\nchanged/);
      expect(node.installs()).toEqual([`type=agent version=${PINNED}`]);
    }
  });

  it('upgrades to a version given for one run, as the upgrade procedure does', () => {
    const node = withNode(PINNED);
    const [, major, minor, patch] = /^v(\d+)\.(\d+)\.(\d+)/.exec(PINNED!)!;
    const next = `v${major}.${minor}.${Number(patch) + 1}+rke2r1`;
    const out = node.run('install_rke2 server && echo changed', {
      RKE2_VERSION: next,
    });
    expect(out.stdout).toMatch(/changed/);
    expect(node.installs()).toEqual([`type=server version=${next}`]);
  });

  it('refuses to skip a minor version or to downgrade', () => {
    const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(PINNED!)!;
    const tooOld = withNode(`v${major}.${Number(minor) - 2}.9+rke2r1`);
    const skip = tooOld.run('install_rke2 server');
    expect(skip.status).not.toBe(0);
    expect(skip.stderr).toMatch(/one minor version at a time/);
    expect(tooOld.installs()).toEqual([]);

    const newer = withNode(`v${major}.${Number(minor) + 1}.0+rke2r1`);
    const down = newer.run('install_rke2 server');
    expect(down.status).not.toBe(0);
    expect(down.stderr).toMatch(/downgrade/);
    expect(newer.installs()).toEqual([]);
  });
});

describe('write_registries in deploy/rke2/common.sh', () => {
  it('places the private registry config once, and again only when it changes', () => {
    const node = withNode(PINNED);
    const source = path.join(node.dir, 'registries.yaml');
    fs.writeFileSync(source, read('registries.yaml.example'));
    const env = { RKE2_REGISTRIES: source };
    const target = path.join(node.dir, 'etc/registries.yaml');

    expect(node.run('write_registries && echo changed', env).stdout).toMatch(
      /changed/,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe(
      read('registries.yaml.example'),
    );
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(node.run('write_registries || echo unchanged', env).stdout).toMatch(
      /unchanged/,
    );

    fs.appendFileSync(source, '# changed\n');
    expect(node.run('write_registries && echo changed', env).stdout).toMatch(
      /changed/,
    );
  });

  it('leaves nodes without a registry config alone', () => {
    const node = withNode(PINNED);
    const out = node.run('write_registries || echo unchanged', {
      RKE2_REGISTRIES: path.join(node.dir, 'missing.yaml'),
    });
    expect(out.stdout).toMatch(/unchanged/);
    expect(fs.existsSync(path.join(node.dir, 'etc/registries.yaml'))).toBe(
      false,
    );
  });
});
