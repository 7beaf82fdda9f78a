import { act, waitFor } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  discoveryApiRef,
  identityApiRef,
  storageApiRef,
  type StorageApi,
} from '@backstage/core-plugin-api';
import { DesktopConsole } from '../DesktopConsole';
import { rfbInstances } from './fakeNovnc';

/** The browser websocket under the console channel, as the tests drive it. */
export class FakeWebSocket extends EventTarget {
  static OPEN = 1;
  static instances: FakeWebSocket[] = [];
  binaryType = 'blob';
  readyState = 1;
  protocol = 'binary';
  sent: Array<string | Uint8Array> = [];
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
    FakeWebSocket.instances.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close(code = 1000, reason = '') {
    const e = new Event('close') as any;
    e.code = code;
    e.reason = reason;
    this.dispatchEvent(e);
  }
  receive(data: string | ArrayBuffer) {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  /** Answers the last ping as the proxy would. */
  pong(state: Record<string, unknown> = {}) {
    const pings = this.sent.filter(d => typeof d === 'string') as string[];
    const { id } = JSON.parse(pings[pings.length - 1]);
    const pong = { type: 'pong', id, idleMs: 0, idleTimeoutMs: 60_000 };
    this.receive(JSON.stringify({ ...pong, viewers: 2, ...state }));
  }
}

/** Who is signed in: the token the console sends and, if given, the user. */
export type ConsoleIdentity = { token?: string; user?: string };

function consoleApis(
  { token = 't', user }: ConsoleIdentity,
  storage: StorageApi,
) {
  const identity = {
    getCredentials: async () => ({ token }),
    ...(user && {
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: user,
        ownershipEntityRefs: [user],
      }),
    }),
  };
  return [
    [
      discoveryApiRef,
      { getBaseUrl: async () => 'http://localhost:7007/api/workspaces' },
    ],
    [identityApiRef, identity],
    [storageApiRef, storage],
  ] as const;
}

/**
 * Renders the console of alice-dev afresh and waits for its noVNC client;
 * the fakes count from this render on. The person's stored preferences are
 * `storage`'s: empty unless a test passes its own, e.g. to render twice.
 */
export async function renderConsole(
  props: Partial<Parameters<typeof DesktopConsole>[0]> = {},
  identity: ConsoleIdentity = {},
  storage: StorageApi = mockApis.storage(),
) {
  rfbInstances.length = 0;
  FakeWebSocket.instances.length = 0;
  const rendered = await renderInTestApp(
    <TestApiProvider apis={consoleApis(identity, storage) as any}>
      <DesktopConsole name="alice-dev" {...props} />
    </TestApiProvider>,
  );
  await waitFor(() => expect(rfbInstances).toHaveLength(1));
  return { rfb: rfbInstances[0], socket: FakeWebSocket.instances[0], rendered };
}

/** The websocket under the channel a noVNC client was given. */
export const socketOf = (rfb: any) =>
  FakeWebSocket.instances[rfbInstances.indexOf(rfb)];

/** Lets pending promises settle while the fake clock stands still. */
export async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}
