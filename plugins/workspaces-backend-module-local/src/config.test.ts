import path from 'path';
import { ConfigReader } from '@backstage/config';
import { readLocalProviderOptions } from './config';

const read = (local: unknown) =>
  readLocalProviderOptions(
    new ConfigReader(local === undefined ? {} : { workspaces: { local } }),
  );

describe('readLocalProviderOptions', () => {
  it('is off without the block or with enabled: false', () => {
    expect(read(undefined)).toBeUndefined();
    expect(read({ enabled: false, dataDir: '/srv/desktops' })).toBeUndefined();
  });

  it('runs with defaults as soon as the block exists', () => {
    expect(read({})).toEqual({
      dataDir: path.resolve(process.cwd(), 'data/desktops'),
      clusterName: 'local',
      displayBase: 20,
      uidBase: 1_900_000_000,
      unbounded: false,
      binaries: {
        xvnc: undefined,
        bwrap: undefined,
        windowManager: undefined,
        terminal: undefined,
      },
    });
  });

  it('takes every setting, resolving dataDir against the working directory', () => {
    expect(
      read({
        enabled: true,
        dataDir: '../desktops',
        clusterName: 'laptop',
        displayBase: 100,
        uidBase: 500_000,
        unbounded: true,
        xvncPath: '/opt/tigervnc/bin/Xvnc',
        bwrapPath: '/opt/bin/bwrap',
        windowManagerPath: '/usr/bin/openbox',
        terminalCommand: '/usr/bin/xterm -maximized',
      }),
    ).toEqual({
      dataDir: path.resolve(process.cwd(), '../desktops'),
      clusterName: 'laptop',
      displayBase: 100,
      uidBase: 500_000,
      unbounded: true,
      binaries: {
        xvnc: '/opt/tigervnc/bin/Xvnc',
        bwrap: '/opt/bin/bwrap',
        windowManager: '/usr/bin/openbox',
        terminal: '/usr/bin/xterm -maximized',
      },
    });
  });

  it.each([
    [
      { displayBase: 0 },
      /displayBase must be a whole number from 1 to 9000, not 0/,
    ],
    [{ displayBase: 20.5 }, /displayBase/],
    [{ uidBase: 0 }, /uidBase must be a whole number from 1000/],
    [{ displayBase: 'twenty' }, /displayBase/],
  ])('refuses %j', (local, message) => {
    expect(() => read(local)).toThrow(message);
  });
});
