import { NotAllowedError } from '@backstage/errors';
import {
  findKeyboardLayout,
  workspaceConnectPermission,
  type KeyboardLayout,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceRef } from '@desktop-mania/plugin-workspaces-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import request from 'supertest';
import { authAs, orderDesktops } from '../__testUtils__/routeTests';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';
import { WorkspaceService } from './WorkspaceService';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** A provider whose desktops take a layout from the portal, as local ones do. */
class LayoutProvider extends FakeProvider {
  readonly layouts: Array<[string, KeyboardLayout]> = [];
  async setKeyboardLayout(ref: WorkspaceRef, layout: KeyboardLayout) {
    this.layouts.push([ref.name, layout]);
  }
}

describe('PUT /workspaces/:name/keyboard-layout', () => {
  let provider: LayoutProvider;
  let vms: FakeProvider;
  let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  const api = () => request(server.server);
  const as = authAs;
  const put = (name: string, body: object, headers = as(ALICE)) =>
    api()
      .put(`/api/workspaces/workspaces/${name}/keyboard-layout`)
      .set(headers)
      .send(body);

  beforeEach(async () => {
    provider = new LayoutProvider();
    // VMs: the guest's own layout applies, the provider cannot set one.
    vms = new FakeProvider('vms');
    server = await startWorkspacesTestBackend({ providers: [provider, vms] });
    await orderDesktops(api, ALICE, [
      ['alice-desk', 'test'],
      ['alice-vm', 'vms'],
    ]);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await server.stop();
  });

  it("sets the owner's desktop to the layout chosen", async () => {
    await put('alice-desk', { layout: 'de' }).expect(204);
    expect(provider.layouts).toEqual([
      ['alice-desk', findKeyboardLayout('de')],
    ]);
  });

  it('refuses a layout outside the list in one line, before the provider', async () => {
    const res = await put('alice-desk', { layout: 'klingon' }).expect(400);
    expect(res.body.error.message).toMatch(
      /^layout: expected one of us, gb, de, .*got "klingon"$/,
    );
    await put('alice-desk', {}).expect(400);
    expect(provider.layouts).toEqual([]);
  });

  it("answers 404 for another person's desktop and 401 without a person", async () => {
    await put('alice-desk', { layout: 'de' }, as(BOB)).expect(404);
    await put('nobody-desk', { layout: 'de' }).expect(404);
    await put('alice-desk', { layout: 'de' }, as()).expect(401);
    expect(provider.layouts).toEqual([]);
  });

  it('answers 403 to a reader who may not use the console', async () => {
    const authorize = WorkspaceService.prototype.authorizeRecord;
    jest
      .spyOn(WorkspaceService.prototype, 'authorizeRecord')
      .mockImplementation(function refuseConnect(
        this: WorkspaceService,
        ...args
      ) {
        // As a policy that lets people see a desktop but not use its screen.
        if (args[1] === workspaceConnectPermission) {
          throw new NotAllowedError(
            `You may not connect the desktop '${args[0]}'`,
          );
        }
        return authorize.apply(this, args);
      });
    const res = await put('alice-desk', { layout: 'de' }).expect(403);
    expect(res.body.error.message).toBe(
      "You may not connect the desktop 'alice-desk'",
    );
    expect(provider.layouts).toEqual([]);
  });

  it('answers 501 for a desktop whose provider cannot set a layout', async () => {
    const res = await put('alice-vm', { layout: 'de' }).expect(501);
    expect(res.body.error.message).toBe(
      "The keyboard layout of 'alice-vm' is set inside the desktop; its fake provider cannot change it",
    );
  });
});
