import { http, HttpResponse } from 'msw';
import {
  ALICE_AUTHORIZATION,
  actionContext,
  auth,
  backstageError,
  discovery,
  expectOrderOutputs,
  logged,
  playWorkspacesBackend,
  WORKSPACES_URL,
  workspacesServer,
} from '../__testUtils__/workspacesApi';
import { createWorkspaceAction } from './createWorkspace';

const server = workspacesServer();
const action = createWorkspaceAction({ auth, discovery });
const order = { name: 'alice-dev', image: 'ubuntu-desktop', size: 'small' };

describe('workspace:create', () => {
  it('orders the desktop as the person running the template, naming the template', async () => {
    const backend = playWorkspacesBackend(server);
    const ctx = actionContext({
      ...order,
      diskGi: 40,
      lifetimeHours: 8,
      owner: 'group:default/team-a',
      cluster: 'rke2-prod',
      system: 'system:default/desktop-mania',
    });
    await action.handler(ctx);
    expect(backend.requests).toEqual([
      {
        method: 'POST',
        path: '/workspaces',
        authorization: ALICE_AUTHORIZATION,
        body: {
          name: 'alice-dev',
          image: 'ubuntu-desktop',
          size: 'small',
          diskGi: 40,
          lifetimeHours: 8,
          owner: 'group:default/team-a',
          cluster: 'rke2-prod',
          system: 'system:default/desktop-mania',
          template: 'template:default/linux-desktop',
        },
      },
    ]);
    expectOrderOutputs(ctx, 'alice-dev');
    expect(logged(ctx)).toEqual([
      'Ordered desktop alice-dev (ubuntu-desktop, small) on rke2-prod for group:default/team-a',
    ]);
  });

  it('leaves out what the template left empty, so the backend applies its defaults', async () => {
    const backend = playWorkspacesBackend(server);
    await action.handler(actionContext({ ...order, owner: '', cluster: '' }));
    expect(backend.requests[0].body).toEqual({
      ...order,
      template: 'template:default/linux-desktop',
    });
  });

  it('asks the backend to validate a dry run, which creates nothing', async () => {
    const backend = playWorkspacesBackend(server);
    const ctx = actionContext(order, { isDryRun: true });
    await action.handler(ctx);
    expect(
      backend.requests.map(r => [r.method, r.path, r.authorization]),
    ).toEqual([['POST', '/workspaces?dryRun=true', ALICE_AUTHORIZATION]]);
    expect(backend.workspaces.size).toBe(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'consoleUrl',
      '/catalog/default/workspace/alice-dev/desktop',
    );
    expect(logged(ctx)).toEqual([
      'Dry run: the order for alice-dev is valid; nothing was created',
    ]);
  });

  it('does not order twice when a resumed task replays the step', async () => {
    const backend = playWorkspacesBackend(server);
    const checkpoints = new Map<string, unknown>();
    const resumable = () => {
      const ctx = actionContext(order);
      ctx.checkpoint = async ({ key, fn }) => {
        if (!checkpoints.has(key)) checkpoints.set(key, await fn());
        return checkpoints.get(key) as any;
      };
      return ctx;
    };
    await action.handler(resumable());
    const replay = resumable();
    await action.handler(replay);
    expect(backend.requests).toHaveLength(1);
    expect(replay.output).toHaveBeenCalledWith(
      'entityRef',
      'workspace:default/alice-dev',
    );
  });

  it.each([
    [
      400,
      'InputError',
      'size: windows-11 needs 2 vCPU; sizes that fit: medium, large',
      'size: windows-11 needs 2 vCPU; sizes that fit: medium, large',
    ],
    [
      403,
      'NotAllowedError',
      'owner: you may only order for yourself or your groups',
      'owner: you may only order for yourself or your groups',
    ],
    [
      403,
      'NotAllowedError',
      "Quota reached: 'user:default/alice' holds 2 of 2 desktops; delete one before ordering another",
      "Quota reached: 'user:default/alice' holds 2 of 2 desktops; delete one before ordering another",
    ],
    [
      409,
      'ConflictError',
      "A desktop named 'alice-dev' already exists",
      "A desktop named 'alice-dev' already exists",
    ],
    [
      429,
      'Error',
      'Too many desktops ordered in the last hour',
      'Too many desktops ordered in the last hour; try again later',
    ],
    [
      503,
      'ServiceUnavailableError',
      "Cluster 'rke2-prod' could not be reached",
      "The desktop order failed: Cluster 'rke2-prod' could not be reached",
    ],
  ])(
    'refuses in one line, the backend reason, when it answers %i %s',
    async (status, name, message, expected) => {
      server.use(
        http.post(`${WORKSPACES_URL}/workspaces`, () =>
          backstageError(status, name, message),
        ),
      );
      const error = await action.handler(actionContext(order)).catch(e => e);
      expect(error.message).toBe(expected);
      expect(error.name).toBe(status === 429 ? 'Error' : name);
      // The scaffolder writes a failed step's error.stack into the task log.
      expect(String(error.stack)).toBe(expected);
    },
  );

  it('keeps the backend stack trace and any further lines out of the task log', async () => {
    server.use(
      http.post(`${WORKSPACES_URL}/workspaces`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: "image: 'gentoo' is not offered\n    at validateOrder",
              stack:
                "InputError: image: 'gentoo' is not offered\n    at validateOrder (/app/plugins/workspaces-backend/src/service/orderValidation.ts:52:11)",
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const ctx = actionContext(order);
    const error = await action.handler(ctx).catch(e => e);
    expect(String(error.stack)).toBe("image: 'gentoo' is not offered");
    expect(JSON.stringify(error)).not.toMatch(/orderValidation|\.ts:\d+/);
    expect(logged(ctx, 'warn')).toEqual([]);
  });

  it('says so when the backend answers something that is not a Backstage error', async () => {
    server.use(
      http.post(
        `${WORKSPACES_URL}/workspaces`,
        () =>
          new HttpResponse('<html>Bad Gateway</html>', {
            status: 502,
            statusText: 'Bad Gateway',
          }),
      ),
    );
    await expect(action.handler(actionContext(order))).rejects.toThrow(
      'The desktop order failed: Request failed with status 502 Bad Gateway, <html>Bad Gateway</html>',
    );
  });

  it('says so when the backend cannot be reached at all', async () => {
    server.use(
      http.post(`${WORKSPACES_URL}/workspaces`, () => HttpResponse.error()),
    );
    await expect(action.handler(actionContext(order))).rejects.toThrow(
      /^The desktop order failed: the workspaces backend could not be reached/,
    );
  });

  it('declares the name rule in its schema, so the scaffolder refuses a bad name before the step runs', () => {
    const name = (action.schema!.input as any).properties.name;
    expect(name).toMatchObject({ type: 'string', maxLength: 40 });
    const pattern = new RegExp(name.pattern);
    expect(['alice-dev', 'a', 'x1'].every(n => pattern.test(n))).toBe(true);
    expect(['Alice', '-a', 'a-', 'a_b', ''].some(n => pattern.test(n))).toBe(
      false,
    );
    expect((action.schema!.input as any).required).toEqual([
      'name',
      'image',
      'size',
    ]);
  });
});
