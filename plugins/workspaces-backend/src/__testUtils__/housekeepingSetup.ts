import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import { NotificationLedger } from '../database/NotificationLedger';
import { ScheduleStore } from '../database/ScheduleStore';
import { WorkspaceStore } from '../database/WorkspaceStore';
import { Housekeeping, HOUSEKEEPING_ACTOR } from '../service/Housekeeping';
import { WorkingHours } from '../service/WorkingHours';
import { WorkspaceMetrics } from '../service/WorkspaceMetrics';
import { WorkspaceNotifier } from '../service/WorkspaceNotifier';
import { readWorkspacesConfig } from '../service/WorkspacesConfig';
import { createTestService } from './testService';

const HOUR = 3600_000;

/**
 * Housekeeping with notifications and working hours over a fake provider,
 * on a fresh SQLite database; `sent` collects what was sent.
 */
export async function setupHousekeeping(
  databases: TestDatabases,
  lifecycle: object = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await WorkspaceStore.create({
    database: mockServices.database({ knex }),
  });
  const provider = new FakeProvider();
  const config = readWorkspacesConfig(
    new ConfigReader({ workspaces: { lifecycle } }),
  );
  const { service, changed } = createTestService({ store, provider, config });
  const sent: NotificationSendOptions[] = [];
  const notifications = {
    failNext: false,
    async send(options: NotificationSendOptions) {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('notifications backend is down');
      }
      sent.push(options);
    },
  };
  const ledger = new NotificationLedger(knex);
  const schedules = new ScheduleStore(knex);
  const logger = mockServices.logger.mock();
  const notifier = new WorkspaceNotifier({ notifications, ledger, logger });
  const housekeeping = new Housekeeping({
    service,
    config,
    metrics: new WorkspaceMetrics(),
    logger,
    notifier,
    workingHours: new WorkingHours({
      schedules,
      ledger,
      service,
      actor: HOUSEKEEPING_ACTOR,
      notifier,
    }),
  });

  async function desktop(
    name: string,
    opts: {
      now: Date;
      owner?: string;
      expiresAt?: Date;
      lastActivityAt?: Date;
      running: boolean;
    },
  ) {
    await store.reserve(
      {
        name,
        cluster: 'test',
        provider: 'fake',
        os: 'linux',
        image: 'i',
        size: 's',
        diskGi: 20,
        owner: opts.owner ?? 'user:default/alice',
        createdBy: 'user:default/alice',
        state: 'active',
        createdAt: new Date(opts.now.getTime() - 48 * HOUR),
        expiresAt: opts.expiresAt,
        lastActivityAt: opts.lastActivityAt ?? opts.now,
      },
      100,
    );
    provider.machines.set(name, {
      name,
      cluster: 'test',
      status: opts.running
        ? { phase: 'Running', ready: true }
        : { phase: 'Stopped', ready: false },
    });
  }

  return {
    store,
    service,
    provider,
    housekeeping,
    notifications,
    sent,
    schedules,
    changed,
    desktop,
    logger,
  };
}
