import type { Duplex } from 'stream';
import { mockServices } from '@backstage/backend-test-utils';
import { KubeVirtWorkspaceProvider } from '../KubeVirtWorkspaceProvider';
import { FakeKubeVirt } from './fakeKubeVirt';
import { spec, testCluster } from './fixtures';
import { byteReader, startGuestRfbServer } from './guestRfb';
import { startLoopbackKubeVirt } from './loopbackKubeVirt';

/** The stream ended, and with which error, if any. */
const ended = (stream: Duplex) =>
  new Promise<Error | undefined>(resolve => {
    stream.on('error', resolve);
    stream.on('close', () => resolve(undefined));
  });

describe('startLoopbackKubeVirt', () => {
  let loopback: Awaited<ReturnType<typeof startLoopbackKubeVirt>>;
  let screen: Awaited<ReturnType<typeof startGuestRfbServer>>;
  let provider: KubeVirtWorkspaceProvider;
  const streams: Duplex[] = [];

  beforeAll(async () => {
    screen = await startGuestRfbServer({ alwaysShared: true });
    loopback = await startLoopbackKubeVirt({
      fake: new FakeKubeVirt(),
      rfbPort: screen.port,
    });
    // Over TLS with the CA in caData, as an adopter configures a cluster.
    provider = new KubeVirtWorkspaceProvider(
      [testCluster({ url: loopback.url, caData: loopback.caData })],
      mockServices.logger.mock(),
    );
  });
  afterAll(async () => {
    streams.forEach(s => s.destroy());
    await loopback.close();
    await screen.close();
  });

  const vnc = async (name: string, preserveSession: boolean) => {
    const stream = await provider.openConsole(
      { name, cluster: 'rke2-test' },
      { display: 'console', preserveSession },
    );
    streams.push(stream);
    return stream;
  };

  it('serves the provider a desktop and its VNC, one viewer at a time', async () => {
    await provider.create(spec('linux', 'loop-desk'));
    const desk = await provider.get({
      name: 'loop-desk',
      cluster: 'rke2-test',
    });
    expect(desk?.status).toMatchObject({
      phase: 'Running',
      consolePreservesSession: true,
    });

    const first = await vnc('loop-desk', true);
    expect((await byteReader(first)(12)).toString()).toBe('RFB 003.008\n');
    await expect(vnc('loop-desk', true)).rejects.toMatchObject({
      name: 'ConsoleInUseError',
      message: expect.stringContaining('Active VNC connection'),
    });
    const firstEnded = ended(first);
    const taker = await vnc('loop-desk', false);
    expect((await byteReader(taker)(12)).toString()).toBe('RFB 003.008\n');
    expect(await firstEnded).toMatchObject({ name: 'ConsoleInUseError' });
    expect(loopback.viewers('loop-desk')).toBe(1);
    expect(loopback.vncSeen).toEqual([
      expect.stringMatching(/\/loop-desk\/vnc\?preserveSession=true$/),
      expect.stringMatching(/\/loop-desk\/vnc\?preserveSession=true$/),
      expect.stringMatching(/\/loop-desk\/vnc\?preserveSession=false$/),
    ]);
    expect(loopback.unhandled).toEqual([]);
  });

  it('refuses a token it does not know, as the API server does', async () => {
    const rotated = await startLoopbackKubeVirt({
      fake: new FakeKubeVirt(),
      rfbPort: screen.port,
      token: 'rotated-token',
    });
    try {
      const stale = new KubeVirtWorkspaceProvider(
        [testCluster({ url: rotated.url, caData: rotated.caData })],
        mockServices.logger.mock(),
      );
      await expect(stale.list('rke2-test')).rejects.toThrow(/401|Unauthorized/);
      await expect(
        stale.openConsole(
          { name: 'any', cluster: 'rke2-test' },
          { display: 'console' },
        ),
      ).rejects.toThrow(/401|Unauthorized/);
      expect(rotated.vncSeen).toEqual([]);
    } finally {
      await rotated.close();
    }
  });
});
