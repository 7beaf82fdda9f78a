import { spawnSync } from 'child_process';
import { withKeymap } from './keymap';

describe('withKeymap', () => {
  it('starts the session even when no keymap can be loaded, saying so in its log', () => {
    const [command, ...args] = withKeymap(['/bin/echo', 'session', 'started']);
    const run = spawnSync(command, args, {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', DISPLAY: ':nonexistent' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('session started\n');
    expect(run.stderr).toMatch(/The desktop's keymap was not loaded/);
  });
});
