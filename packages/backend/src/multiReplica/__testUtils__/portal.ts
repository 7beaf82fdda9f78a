import { mockCredentials } from '@backstage/backend-test-utils';
import { encodeConsoleTokenProtocol } from '@desktop-mania/plugin-workspaces-common';
import WebSocket from 'ws';

export const ORIGIN = 'http://localhost:3000';
/** Console seats' lease: how soon a crashed replica's seats come free. */
export const LEASE_S = 5;
export const TOO_MANY = 4429;
export const IN_USE = 4409;

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The loopback API server as an adopter's config names a cluster. */
export interface ClusterAccess {
  url: string;
  caData: string;
  token: string;
}

/**
 * One replica's config: the shared PostgreSQL, the events bus through the
 * database, and KubeVirt desktops on the one loopback cluster, configured
 * as workspaces.kubevirt.clusters like any adopter's.
 */
export function replicaConfig(
  port: number,
  database: object,
  cluster: ClusterAccess,
) {
  return {
    app: { baseUrl: ORIGIN },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
      database: {
        client: 'pg',
        pluginDivisionMode: 'schema',
        connection: database,
        knexConfig: { pool: { min: 0, max: 5 } },
      },
    },
    events: { useEventBus: 'always' },
    catalog: {
      rules: [{ allow: ['Workspace', 'Location', 'Component'] }],
      providers: {
        workspaces: {
          schedule: {
            frequency: { seconds: 5 },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 1 },
          },
        },
      },
    },
    workspaces: {
      defaultCluster: 'rke2-test',
      images: [
        {
          name: 'ubuntu-desktop',
          title: 'Ubuntu',
          os: 'linux',
          dataSource: { name: 'ubuntu-desktop', namespace: 'desktop-images' },
          preference: 'ubuntu',
          minimum: { cpu: 1, memory: '2Gi' },
        },
      ],
      sizes: [
        {
          name: 'small',
          title: 'Small',
          instancetype: 'u1.medium',
          cpu: 1,
          memory: '4Gi',
        },
      ],
      // Four desktops each: KubeVirt lets one viewer at a time onto a VNC.
      limits: { maxPerOwner: 5 },
      console: { maxSessionsPerUser: 4, lease: `${LEASE_S}s` },
      kubevirt: {
        clusters: [
          {
            name: 'rke2-test',
            url: cluster.url,
            serviceAccountToken: cluster.token,
            caData: cluster.caData,
          },
        ],
      },
    },
  };
}

/** Orders a desktop through one replica; resolves with the HTTP status. */
export async function order(port: number, user: string, name: string) {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/workspaces/workspaces`,
    {
      method: 'POST',
      headers: {
        Authorization: mockCredentials.user.header(user),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name, image: 'ubuntu-desktop', size: 'small' }),
    },
  );
  return res.status;
}

export interface Opened {
  ws: WebSocket;
  replica?: string;
  /** The display the portal said it shows, before any RFB. */
  display?: string;
  outcome: Promise<
    { open: true } | { open: false; code: number; reason: string }
  >;
  closed: Promise<{ code: number; reason: string; at: number }>;
}

/**
 * Opens the VM console (KubeVirt's VNC subresource) of a desktop and settles
 * on the desktop's RFB greeting or on the close.
 */
export function openConsole(
  port: number,
  desk: string,
  user: string,
  takeover = false,
): Opened {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/api/workspaces/workspaces/${desk}/console?display=console${
      takeover ? '&takeover=true' : ''
    }`,
    ['binary', encodeConsoleTokenProtocol(mockCredentials.user.token(user))],
    { origin: ORIGIN },
  );
  const opened = { ws } as Opened;
  ws.on('upgrade', res => {
    // HAProxy names the replica; a console opened on one directly keeps its name.
    const via = res.headers['x-replica'];
    if (via) opened.replica = String(via);
  });
  opened.closed = new Promise(resolve =>
    ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString(), at: Date.now() }),
    ),
  );
  opened.outcome = new Promise(resolve => {
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) {
        opened.display = JSON.parse(data.toString()).display;
      } else if (data.toString('latin1').startsWith('RFB 003.008\n')) {
        resolve({ open: true });
      }
    });
    opened.closed.then(c => resolve({ open: false, ...c }));
    ws.on('error', () => {});
  });
  return opened;
}
