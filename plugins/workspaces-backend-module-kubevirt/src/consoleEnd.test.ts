import { ServiceUnavailableError } from '@backstage/errors';
import { explainConsoleEnd } from './consoleEnd';
import { toKubeApiError } from './KubeApiError';
import { vmiPayload } from './__testUtils__/payloads';
import { VNC } from './__testUtils__/refusals';

const ref = { name: 'alice-dev', cluster: 'rke2-test' };
const OPENED_AT = Date.parse('2026-11-20T10:00:00Z');

/** A VMI API that answers each look with the next answer. */
function lookups(...answers: Array<object | Error>) {
  const getVirtualMachineInstance = jest.fn(async () => {
    const next = answers.length > 1 ? answers.shift()! : answers[0];
    if (next instanceof Error) throw next;
    return next as any;
  });
  return { getVirtualMachineInstance };
}

const explain = (api: ReturnType<typeof lookups>, transportError?: Error) =>
  explainConsoleEnd(
    { api, ref, openedAt: OPENED_AT, settleMs: 5 },
    transportError,
  );

// migrationState as virt-controller writes it on a live migration
// (kubevirt/kubevirt staging/src/kubevirt.io/api/core/v1/types.go
// `VirtualMachineInstanceMigrationState`).
const migrationState = (end?: string) => ({
  startTimestamp: '2026-11-20T10:05:00Z',
  ...(end ? { endTimestamp: end, completed: true } : {}),
  migrationUid: '6a1bde5c-2b1e-4b7e-9c43-3c2f0e9d8a11',
  sourceNode: 'worker-1',
  targetNode: 'worker-2',
  targetPod: 'virt-launcher-alice-dev-x7kq2',
  mode: 'PreCopy',
});

describe('explainConsoleEnd', () => {
  it('reads a VM without an instance as stopped', async () => {
    const api = lookups(toKubeApiError(404, VNC.noInstance('alice-dev')));
    await expect(explain(api)).resolves.toMatchObject({
      name: 'ConflictError',
      message:
        "The console closed because the desktop 'alice-dev' stopped; start it to connect again",
    });
  });

  it('reads a guest that shut itself down, one being stopped and a failed one', async () => {
    await expect(
      explain(
        lookups(vmiPayload('alice-dev', 'worker-1', '10.42.0.9', 'Succeeded')),
      ),
    ).resolves.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is shut down'),
    });
    await expect(
      explain(
        lookups({
          ...vmiPayload('alice-dev', 'worker-1', '10.42.0.9'),
          metadata: {
            name: 'alice-dev',
            deletionTimestamp: '2026-11-20T10:06:00Z',
          },
        }),
      ),
    ).resolves.toMatchObject({
      message: expect.stringContaining('is stopping'),
    });
    await expect(
      explain(
        lookups(
          vmiPayload('alice-dev', 'worker-1', '10.42.0.9', 'Failed', {
            reason: 'PodTerminating',
          } as any),
        ),
      ),
    ).resolves.toMatchObject({
      name: 'ConflictError',
      message:
        "The console closed because the desktop 'alice-dev' failed (PodTerminating); restart it to connect again",
    });
  });

  it('reads a desktop moving to another node as migrating, during and just after the move', async () => {
    for (const end of [undefined, '2026-11-20T10:05:09Z']) {
      await expect(
        explain(
          lookups(
            vmiPayload('alice-dev', 'worker-1', '10.42.0.9', 'Running', {
              migrationState: migrationState(end),
            } as any),
          ),
        ),
      ).resolves.toMatchObject({
        name: 'ConsoleMigratingError',
        message: expect.stringContaining('is moving to another node'),
      });
    }
  });

  it('reads a running desktop as taken over by another viewer, after a second look', async () => {
    const api = lookups(
      vmiPayload('alice-dev', 'worker-2', '10.42.0.9', 'Running', {
        // A move long before this session is not why it dropped.
        migrationState: migrationState('2026-11-19T08:00:00Z'),
      } as any),
    );
    await expect(explain(api)).resolves.toMatchObject({
      name: 'ConsoleInUseError',
      message: expect.stringContaining('and took the seat'),
    });
    expect(api.getVirtualMachineInstance).toHaveBeenCalledTimes(2);
  });

  it('takes the second look over the first, as the VMI lags a guest that shuts down', async () => {
    const api = lookups(
      vmiPayload('alice-dev', 'worker-1', '10.42.0.9'),
      vmiPayload('alice-dev', 'worker-1', '10.42.0.9', 'Succeeded'),
    );
    await expect(explain(api)).resolves.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is shut down'),
    });
  });

  it('blames the connection when it broke and the desktop runs on', async () => {
    await expect(
      explain(
        lookups(vmiPayload('alice-dev', 'worker-1', '10.42.0.9')),
        new Error('read ECONNRESET'),
      ),
    ).resolves.toMatchObject({
      name: 'ServiceUnavailableError',
      message: "The console connection to 'alice-dev' broke: read ECONNRESET",
    });
  });

  it('says so when the cluster cannot be asked', async () => {
    await expect(
      explain(
        lookups(
          new ServiceUnavailableError(
            "Cluster 'rke2-test' did not answer within 10000 ms",
          ),
        ),
      ),
    ).resolves.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('could not say why'),
    });
  });
});
