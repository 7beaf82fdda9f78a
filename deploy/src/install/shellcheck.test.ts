import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { REPO } from './__testUtils__/installRun';

// Every shell script of the repository, tracked or new (git ls-files also
// lists files not yet added, unless ignored), checked with Debian's
// shellcheck. Sourced files are followed (-x) from the script's folder, as
// their `source` lines are relative to it.
const SHELLCHECK = '/usr/bin/shellcheck';
const available = fs.existsSync(SHELLCHECK);

const scripts = spawnSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.sh'],
  { cwd: REPO, encoding: 'utf8' },
)
  .stdout.split('\n')
  .filter(f => f && fs.existsSync(path.join(REPO, f)));

if (!available) {
  // eslint-disable-next-line no-console
  console.warn(
    `shellcheck checks skipped: ${SHELLCHECK} is missing (apt-get install shellcheck)`,
  );
}

const describeWithShellcheck = available ? describe : describe.skip;

describe('shell scripts', () => {
  it('are found', () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        'deploy/install.sh',
        'deploy/rke2/install-server.sh',
        'deploy/images/windows-golden-image.sh',
        'scripts/test.sh',
      ]),
    );
  });
});

describeWithShellcheck('shellcheck', () => {
  it.each(scripts.map(s => [s]))('passes on %s', file => {
    const out = spawnSync(
      SHELLCHECK,
      ['-x', '-s', 'bash', path.basename(file)],
      {
        cwd: path.join(REPO, path.dirname(file)),
        encoding: 'utf8',
      },
    );
    expect(out.error).toBeUndefined();
    expect(out.stdout).toBe('');
    expect(out.status).toBe(0);
  });
});
