import { http, HttpResponse } from 'msw';
import type { WorkspaceStatus } from '@desktop-mania/plugin-workspaces-common';
import {
  ALICE_AUTHORIZATION,
  actionContext,
  auth,
  backstageError,
  discovery,
  logged,
  orderDesktop,
  playWorkspacesBackend,
  WORKSPACES_URL,
  workspacesServer,
} from '../__testUtils__/workspacesApi';
import { waitForWorkspaceAction } from './waitForWorkspace';

const server = workspacesServer();
const wait = (extra: { pollIntervalMs?: number; catalog?: any } = {}) =>
  waitForWorkspaceAction({ auth, discovery, pollIntervalMs: 5, ...extra });

async function ordered(phases: WorkspaceStatus[]) {
  const backend = playWorkspacesBackend(server, { phases });
  await orderDesktop('alice-dev');
  backend.requests.length = 0;
  return backend;
}

describe('workspace:wait', () => {
  it('polls as the person running the template until the desktop runs, logging each phase once', async () => {
    const backend = await ordered([
      { phase: 'Provisioning', ready: false, message: 'DataVolume importing' },
      { phase: 'Provisioning', ready: false, message: 'DataVolume importing' },
      { phase: 'Starting', ready: false },
      { phase: 'Running', ready: false },
      { phase: 'Running', ready: true },
    ]);
    const ctx = actionContext({ name: 'alice-dev' });
    await wait().handler(ctx);
    expect(logged(ctx)).toEqual([
      'alice-dev is Provisioning: DataVolume importing',
      'alice-dev is Starting',
      'alice-dev is Running',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
    expect(backend.requests).toHaveLength(5);
    expect(
      new Set(
        backend.requests.map(r => `${r.method} ${r.path} ${r.authorization}`),
      ),
    ).toEqual(new Set([`GET /workspaces/alice-dev ${ALICE_AUTHORIZATION}`]));
  });

  it('fails with the reason when the desktop fails', async () => {
    await ordered([
      { phase: 'Starting', ready: false },
      {
        phase: 'Failed',
        ready: false,
        message: 'ErrImagePull: windows-11 not found',
      },
    ]);
    await expect(
      wait().handler(actionContext({ name: 'alice-dev' })),
    ).rejects.toThrow(
      'The desktop alice-dev failed: ErrImagePull: windows-11 not found',
    );
  });

  it('gives up when the timeout passes, saying where the desktop got stuck', async () => {
    await ordered([{ phase: 'Starting', ready: false }]);
    const started = Date.now();
    await expect(
      wait({ pollIntervalMs: 50 }).handler(
        actionContext({ name: 'alice-dev', timeoutMinutes: 0.005 }),
      ),
    ).rejects.toThrow(
      'The desktop alice-dev was still Starting when the wait timed out after 0.005 minutes',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits ten minutes unless told otherwise', async () => {
    jest.useFakeTimers({
      doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'],
    });
    try {
      await ordered([{ phase: 'Starting', ready: false }]);
      const outcome = wait({ pollIntervalMs: 60_000 })
        .handler(actionContext({ name: 'alice-dev' }))
        .catch(e => e);
      for (let minute = 0; minute < 9; minute++) {
        await jest.advanceTimersByTimeAsync(60_000);
      }
      expect(
        await Promise.race([outcome, Promise.resolve('still waiting')]),
      ).toBe('still waiting');
      await jest.advanceTimersByTimeAsync(60_000);
      expect((await outcome).message).toBe(
        'The desktop alice-dev was still Starting when the wait timed out after 10 minutes',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops as soon as the task is cancelled', async () => {
    await ordered([{ phase: 'Starting', ready: false }]);
    const controller = new AbortController();
    const outcome = wait({ pollIntervalMs: 60_000 }).handler(
      actionContext({ name: 'alice-dev' }, { signal: controller.signal }),
    );
    await new Promise(r => setTimeout(r, 50));
    controller.abort();
    await expect(outcome).rejects.toThrow('The task was cancelled');
  });

  it('keeps waiting through a backend outage, and says so once', async () => {
    let reads = 0;
    playWorkspacesBackend(server);
    server.use(
      http.get(`${WORKSPACES_URL}/workspaces/alice-dev`, () => {
        reads++;
        if (reads === 1) return HttpResponse.error();
        if (reads <= 3)
          return backstageError(503, 'ServiceUnavailableError', 'Restarting');
        return HttpResponse.json({
          name: 'alice-dev',
          status: { phase: 'Running', ready: true },
        });
      }),
    );
    const ctx = actionContext({ name: 'alice-dev' });
    await wait().handler(ctx);
    expect(reads).toBe(4);
    expect(logged(ctx, 'warn')).toEqual([
      expect.stringMatching(
        /^Reading the desktop alice-dev failed: the workspaces backend could not be reached .*; still waiting$/,
      ),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
  });

  it('refuses to wait for a desktop the person cannot see', async () => {
    playWorkspacesBackend(server);
    const error = await wait()
      .handler(actionContext({ name: 'bobs-desk' }))
      .catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(String(error.stack)).toBe("No desktop named 'bobs-desk'");
  });

  it('also waits for the catalog entity, so the links it outputs work', async () => {
    await ordered([{ phase: 'Running', ready: true }]);
    const asked: string[] = [];
    const catalog = {
      getEntityByRef: jest.fn(async (ref: string, _options: unknown) => {
        asked.push(ref);
        return asked.length < 3 ? undefined : { kind: 'Workspace' };
      }),
    };
    const ctx = actionContext({ name: 'alice-dev' });
    await wait({ catalog }).handler(ctx);
    expect(asked).toEqual(Array(3).fill('workspace:default/alice-dev'));
    expect(catalog.getEntityByRef.mock.calls[0][1]).toEqual({
      credentials: await ctx.getInitiatorCredentials(),
    });
    expect(logged(ctx)).toEqual([
      'alice-dev is Running',
      'alice-dev runs; waiting for it to appear in the catalog',
    ]);
  });

  it('returns at once in a dry run, without asking anything', async () => {
    const backend = playWorkspacesBackend(server);
    const ctx = actionContext({ name: 'alice-dev' }, { isDryRun: true });
    await wait().handler(ctx);
    expect(backend.requests).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Running');
  });

  it('accepts at most an hour of waiting', () => {
    const timeout = (wait().schema!.input as any).properties.timeoutMinutes;
    expect(timeout).toMatchObject({ type: 'number', maximum: 60 });
  });
});
