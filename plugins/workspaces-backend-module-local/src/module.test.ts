import fs from 'fs';
import os from 'os';
import path from 'path';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  WorkspaceProvider,
  workspaceProvidersExtensionPoint,
} from '@desktop-mania/plugin-workspaces-node';
import { workspacesModuleLocal } from './module';
import { absentPrograms } from './__testUtils__/installed';
import { order } from './__testUtils__/orders';

const missing = absentPrograms('the module tests that start the provider');
const describeIfInstalled = missing.length ? describe.skip : describe;

describe('workspacesModuleLocal', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-module-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start(
    local: unknown,
    whileRunning?: (providers: WorkspaceProvider[]) => Promise<void>,
  ) {
    const received: WorkspaceProvider[] = [];
    const owner = createBackendPlugin({
      pluginId: 'workspaces',
      register(env) {
        env.registerExtensionPoint(workspaceProvidersExtensionPoint, {
          addProvider: p => received.push(p),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [
        owner,
        workspacesModuleLocal,
        mockServices.rootConfig.factory({
          data: local === undefined ? {} : { workspaces: { local } },
        }),
      ],
    });
    await whileRunning?.(received);
    await backend.stop();
    return received;
  }

  describeIfInstalled('with the programs installed', () => {
    it('registers a Linux-only provider on the configured cluster', async () => {
      const [provider, ...more] = await start({
        dataDir,
        clusterName: 'laptop',
      });
      expect(more).toEqual([]);
      expect(provider.id).toBe('local');
      expect(provider.getClusters()).toEqual([
        { name: 'laptop', os: ['linux'] },
      ]);
      expect(await provider.list('laptop')).toEqual([]);
    });

    it('leaves desktops running when the backend stops', async () => {
      const [provider] = await start(
        {
          dataDir,
          displayBase: 720 + Math.floor(Math.random() * 50),
          uidBase: 1_920_000_000 + Math.floor(Math.random() * 1_000_000),
        },
        async ([p]) => {
          await p.create(order({ name: 'survivor' }));
        },
      );
      const ref = { name: 'survivor', cluster: 'local' };
      try {
        expect((await provider.get(ref))?.status).toMatchObject({
          phase: 'Running',
          ready: true,
        });
      } finally {
        await provider.delete(ref);
      }
      expect(await provider.get(ref)).toBeUndefined();
    });
  });

  it('registers nothing when the block is absent or disabled', async () => {
    expect(await start(undefined)).toEqual([]);
    expect(await start({ enabled: false })).toEqual([]);
  });

  it('fails at startup naming the Debian package of a missing program', async () => {
    await expect(
      start({
        dataDir,
        xvncPath: '/nonexistent/Xvnc',
        terminalCommand: '/nonexistent/xterm -maximized',
      }),
    ).rejects.toThrow(
      /\/nonexistent\/Xvnc \(install the Debian package 'tigervnc-standalone-server' or set workspaces\.local\.xvncPath\); \/nonexistent\/xterm \(install the Debian package 'xterm'/,
    );
  });
});
