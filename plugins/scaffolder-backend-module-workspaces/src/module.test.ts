import fs from 'fs';
import path from 'path';
import request from 'supertest';
import yaml from 'yaml';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleTemplateKind from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleWorkspaces from '@desktop-mania/plugin-catalog-backend-module-workspaces';
// The real workspaces backend on purpose: this test runs the plugins together as deployed.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import workspacesPlugin from '@desktop-mania/plugin-workspaces-backend';
import {
  FakeProvider,
  providerModule,
} from '@desktop-mania/plugin-workspaces-node/testUtils';
import { registeredActions } from './__testUtils__/registeredActions';
import { ALICE } from './__testUtils__/workspacesApi';
import { scaffolderModuleWorkspaces } from './module';

jest.setTimeout(90_000);

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const asAlice = { Authorization: mockCredentials.user.header(ALICE) };

it('registers workspace:create and workspace:wait with the scaffolder', async () => {
  expect(
    (await registeredActions()).map(a => [a.id, a.supportsDryRun]),
  ).toEqual([
    ['workspace:create', true],
    ['workspace:wait', true],
  ]);
});

/**
 * The portal as deployed, in one backend: the scaffolder with this module,
 * the catalog reading the repository's templates and mirroring desktops, and
 * the workspaces backend on a stand-in cluster.
 */
async function startPortal() {
  const provider = new FakeProvider('rke2-prod');
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWorkspaces,
      catalogPlugin,
      catalogModuleTemplateKind,
      catalogModuleWorkspaces,
      workspacesPlugin,
      providerModule('fake', provider),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events,
      }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component', 'Location', 'Workspace'] }],
            locations: [
              {
                type: 'file',
                target: path.join(TEMPLATES, 'all.yaml'),
                rules: [{ allow: ['Template', 'Location'] }],
              },
            ],
          },
          workspaces: {
            images: [
              { name: 'ubuntu-desktop', title: 'Ubuntu', os: 'linux' },
              { name: 'windows-11', title: 'Windows 11', os: 'windows' },
            ],
            sizes: [{ name: 'small', title: 'Small' }],
            limits: { maxPerOwner: 1 },
          },
        },
      }),
    ],
  });
  return { backend, provider, api: () => request(backend.server) };
}

/** Task log lines without the logger's colours and level prefix. */
// eslint-disable-next-line no-control-regex
const COLOUR = /\u001b\[\d+m/g;
const messages = (lines: Array<{ body: { message: string } }>) =>
  lines.map(l => l.body.message.replace(COLOUR, '').replace(/^info: /, ''));

async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

describe('the desktop templates, run by the scaffolder against the workspaces backend', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.backend.stop());

  const linux = yaml.parse(
    fs.readFileSync(
      path.join(TEMPLATES, 'linux-desktop/template.yaml'),
      'utf8',
    ),
  );
  const values = {
    name: 'alice-dev',
    image: 'ubuntu-desktop',
    size: 'small',
    diskGi: 40,
    lifetimeHours: 8,
  };

  it('dry-runs the Linux template: the backend validates the order and nothing is created', async () => {
    const res = await portal
      .api()
      .post('/api/scaffolder/v2/dry-run')
      .set(asAlice)
      .send({ template: linux, values, directoryContents: [] })
      .expect(200);
    const log = messages(res.body.log);
    expect(log).toContain(
      'Dry run: the order for alice-dev is valid; nothing was created',
    );
    expect(log).toContain('Dry run: would wait for alice-dev to run');
    expect(res.body.output.links).toEqual([
      {
        title: 'Open the desktop',
        url: '/catalog/default/workspace/alice-dev/desktop',
      },
      {
        title: 'Desktop page',
        icon: 'catalog',
        entityRef: 'workspace:default/alice-dev',
      },
    ]);
    expect(portal.provider.calls).toEqual([]);
    const listed = await portal
      .api()
      .get('/api/workspaces/workspaces')
      .set(asAlice)
      .expect(200);
    expect(listed.body).toEqual([]);
  });

  it('shows the backend reason when a dry run is refused', async () => {
    const res = await portal
      .api()
      .post('/api/scaffolder/v2/dry-run')
      .set(asAlice)
      .send({
        template: linux,
        values: { ...values, image: 'gentoo' },
        directoryContents: [],
      });
    // The refusal is an InputError, so the scaffolder answers the editor with 400 and the reason.
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^image: 'gentoo' is not offered; choose one of /,
    );
    expect(portal.provider.calls).toEqual([]);
  });

  it('orders a Linux desktop from the template registered in the catalog, waits until it runs and links to it', async () => {
    const { api, provider } = portal;
    const template = await poll('the template in the catalog', async () => {
      const res = await api()
        .get('/api/catalog/entities/by-name/template/default/linux-desktop')
        .set(asAlice);
      return res.status === 200 ? res.body : undefined;
    });
    expect(template.metadata.title).toBe('Linux desktop');

    const started = Date.now();
    const { body: task } = await api()
      .post('/api/scaffolder/v2/tasks')
      .set(asAlice)
      .send({ templateRef: 'template:default/linux-desktop', values })
      .expect(201);
    // The stand-in cluster boots the machine once it exists.
    await poll('the machine', async () => provider.machines.get('alice-dev'));
    provider.machines.get('alice-dev')!.status = {
      phase: 'Running',
      ready: true,
    };

    const done = await poll('the task to finish', async () => {
      const res = await api()
        .get(`/api/scaffolder/v2/tasks/${task.id}`)
        .set(asAlice)
        .expect(200);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    const events = (
      await api()
        .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
        .set(asAlice)
        .expect(200)
    ).body;
    const log = messages(events.filter((e: any) => e.type === 'log'));
    expect({ status: done.status, log }).toMatchObject({ status: 'completed' });
    // eslint-disable-next-line no-console
    console.log(`template task completed in ${Date.now() - started} ms`);
    expect(log).toEqual(
      expect.arrayContaining([
        `Ordered desktop alice-dev (ubuntu-desktop, small) on rke2-prod for ${ALICE}`,
        'alice-dev is Running',
      ]),
    );
    const completion = events.find((e: any) => e.type === 'completion');
    expect(completion.body.output.links).toEqual([
      {
        title: 'Open the desktop',
        url: '/catalog/default/workspace/alice-dev/desktop',
      },
      {
        title: 'Desktop page',
        icon: 'catalog',
        entityRef: 'workspace:default/alice-dev',
      },
    ]);

    const ordered = await api()
      .get('/api/workspaces/workspaces/alice-dev')
      .set(asAlice)
      .expect(200);
    expect(ordered.body).toMatchObject({
      owner: ALICE,
      createdBy: ALICE,
      diskGi: 40,
      template: 'template:default/linux-desktop',
    });
    // The wait step returned only once the desktop's page existed.
    await api()
      .get('/api/catalog/entities/by-name/workspace/default/alice-dev')
      .set(asAlice)
      .expect(200);
  });

  it('fails the task with the backend reason when the person has no quota left', async () => {
    const { body: task } = await portal
      .api()
      .post('/api/scaffolder/v2/tasks')
      .set(asAlice)
      .send({
        templateRef: 'template:default/linux-desktop',
        values: { ...values, name: 'alice-two' },
      })
      .expect(201);
    const done = await poll('the task to finish', async () => {
      const res = await portal
        .api()
        .get(`/api/scaffolder/v2/tasks/${task.id}`)
        .set(asAlice);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    expect(done.status).toBe('failed');
    const events = (
      await portal
        .api()
        .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
        .set(asAlice)
    ).body;
    const completion = events.find((e: any) => e.type === 'completion');
    expect(completion.body.error.message).toMatch(/^Quota reached: /);
    // The task log shows the reason in one line, not a trace of file paths.
    const failed = events.filter(
      (e: any) => e.type === 'log' && e.body.status === 'failed',
    );
    expect(failed.map((e: any) => e.body.message)).toEqual([
      completion.body.error.message,
    ]);
    expect(JSON.stringify(events)).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(portal.provider.machines.has('alice-two')).toBe(false);
  });
});
