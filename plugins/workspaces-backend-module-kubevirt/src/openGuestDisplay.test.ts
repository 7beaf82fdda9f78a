import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { ConsoleInUseError } from '@desktop-mania/plugin-workspaces-common';
import { explainGuestDisplayEnd } from './consoleEnd';
import { KubeVirtWorkspaceProvider } from './KubeVirtWorkspaceProvider';
import { GUEST_VNC_PORT } from './openGuestDisplay';
import { testCluster } from './__testUtils__/fixtures';
import {
  byteReader,
  cutText,
  startGuestRfbServer,
  viewerHandshake,
} from './__testUtils__/guestRfb';
import { PORT_FORWARD } from './__testUtils__/refusals';
import { startSubresourceServer } from './__testUtils__/subresourceServer';

const ref = { name: 'alice-dev', cluster: 'rke2-test' };
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setUp(
  options: {
    guest?: Parameters<typeof startGuestRfbServer>[0] | 'none';
    refusePortForward?: Parameters<
      typeof startSubresourceServer
    >[0]['refusePortForward'];
    timeoutMs?: number;
  } = {},
) {
  const guest =
    options.guest === 'none'
      ? undefined
      : await startGuestRfbServer(options.guest);
  if (guest) cleanup.push(guest.close);
  const api = await startSubresourceServer({
    guestPort: () => guest?.port,
    refusePortForward: options.refusePortForward,
  });
  cleanup.push(api.close);
  const provider = new KubeVirtWorkspaceProvider(
    [testCluster({ url: api.url, timeoutMs: options.timeoutMs ?? 2000 })],
    mockServices.logger.mock(),
  );
  return { guest, api, provider };
}

const PORT_FORWARD_PATH = `/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/portforward/${GUEST_VNC_PORT}/tcp`;

describe('the desktop display of a KubeVirt desktop', () => {
  it("reaches the guest's own VNC server through portforward, clipboard going both ways", async () => {
    const { guest, api, provider } = await setUp({
      guest: { alwaysShared: true },
    });
    const stream = await provider.openConsole(ref, { preserveSession: true });
    cleanup.push(async () => stream.destroy());
    expect(stream.consoleDisplay).toEqual({
      display: 'desktop',
      displays: ['desktop', 'console'],
    });
    expect(api.seen).toEqual([PORT_FORWARD_PATH]);

    const read = byteReader(stream);
    expect(await viewerHandshake(read, stream)).toBe('alice-dev:0 (alice)');

    stream.write(cutText(6, 'from the browser'));
    guest!.copy('from the guest');
    expect([...(await read(8 + 14))]).toEqual([
      ...cutText(3, 'from the guest'),
    ]);
    await new Promise(r => setTimeout(r, 50));
    expect(guest!.clipboard).toEqual(['from the browser']);
  });

  it('lets a second viewer join without kicking the first', async () => {
    // Even one that does not ask to share: the images set AlwaysShared.
    const { guest, provider } = await setUp({ guest: { alwaysShared: true } });
    const first = await provider.openConsole(ref);
    cleanup.push(async () => first.destroy());
    const readFirst = byteReader(first);
    await viewerHandshake(readFirst, first);

    const second = await provider.openConsole(ref);
    cleanup.push(async () => second.destroy());
    const readSecond = byteReader(second);
    await viewerHandshake(readSecond, second, false);
    expect(guest!.viewers()).toBe(2);

    guest!.copy('for both');
    expect((await readFirst(16)).subarray(8).toString()).toBe('for both');
    expect((await readSecond(16)).subarray(8).toString()).toBe('for both');
    first.write(cutText(6, 'one'));
    second.write(cutText(6, 'two'));
    await new Promise(r => setTimeout(r, 50));
    expect(guest!.clipboard.sort()).toEqual(['one', 'two']);
    expect(first.destroyed).toBe(false);
  });

  it('shows that a server which does not share would kick the first viewer', async () => {
    // The check above can fail: the fake obeys the shared flag unless told not to.
    const { guest, provider } = await setUp();
    const first = await provider.openConsole(ref);
    cleanup.push(async () => first.destroy());
    await viewerHandshake(byteReader(first), first);
    const second = await provider.openConsole(ref);
    cleanup.push(async () => second.destroy());
    first.on('error', () => {});
    const firstClosed = new Promise(r => first.once('close', r));
    await viewerHandshake(byteReader(second), second, false);
    await firstClosed;
    expect(guest!.viewers()).toBe(1);
  });

  it('opens the VM console alone when asked for it', async () => {
    const { api, provider } = await setUp();
    const stream = await provider.openConsole(ref, { display: 'console' });
    cleanup.push(async () => stream.destroy());
    expect(stream.consoleDisplay).toEqual({
      display: 'console',
      displays: ['desktop', 'console'],
    });
    expect(api.seen).toEqual([
      '/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/vnc?preserveSession=false',
    ]);
  });

  it.each([
    [
      'its port refuses (booting, or the session is not up)',
      { guest: 'none' as const },
      "The desktop's own display is not answering: nothing listens on its VNC port yet",
    ],
    [
      'it is silent',
      { guest: { silent: true }, timeoutMs: 300 },
      "The desktop's own display is not answering: no VNC greeting within 0.3 s",
    ],
    [
      'the VMI has no address yet',
      {
        refusePortForward: () => ({
          status: 400,
          body: PORT_FORWARD.noInterfaces,
        }),
      },
      "The desktop's own display is not answering: it has no network address yet",
    ],
    [
      'the VMI is paused',
      {
        refusePortForward: () => ({
          status: 409,
          body: PORT_FORWARD.paused('alice-dev'),
        }),
      },
      "The desktop's own display is not answering: it is paused",
    ],
  ])(
    'falls back to the VM console when %s, and says so',
    async (_l, setup, fallback) => {
      const { api, provider } = await setUp(setup);
      const started = Date.now();
      const stream = await provider.openConsole(ref, { preserveSession: true });
      cleanup.push(async () => stream.destroy());
      expect(Date.now() - started).toBeLessThan(1500);
      expect(stream.consoleDisplay).toEqual({
        display: 'console',
        fallback,
        displays: ['desktop', 'console'],
      });
      expect(api.seen).toEqual([
        PORT_FORWARD_PATH,
        '/apis/subresources.kubevirt.io/v1/namespaces/workspaces/virtualmachineinstances/alice-dev/vnc?preserveSession=true',
      ]);
      expect(
        (await new Promise<Buffer>(r => stream.once('data', r))).toString(),
      ).toBe('RFB 003.008\n');
    },
  );

  it('falls back on any other refusal, quoting the API server', async () => {
    const { provider } = await setUp({
      refusePortForward: () => ({
        status: 404,
        body: PORT_FORWARD.noInstance('alice-dev'),
      }),
    });
    // A VMI gone between the two: the VM console then tells the browser.
    const stream = await provider.openConsole(ref);
    cleanup.push(async () => stream.destroy());
    expect(stream.consoleDisplay?.fallback).toMatch(
      /answered 404: virtualmachineinstance\.kubevirt\.io "alice-dev" not found/,
    );
  });
});

describe('explainGuestDisplayEnd', () => {
  it('does not blame another viewer when the guest dropped the display itself', async () => {
    const error = await explainGuestDisplayEnd(
      async () => new ConsoleInUseError('taken'),
      ref,
    );
    expect(error).toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        "The display of 'alice-dev' closed the connection (did its session end?); connect again, or open the VM console",
    });
  });

  it('keeps what the VM says when it stopped', async () => {
    const stopped = new ConflictError('stopped');
    expect(await explainGuestDisplayEnd(async () => stopped, ref)).toBe(
      stopped,
    );
  });
});
