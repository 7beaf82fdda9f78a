import fs from 'fs';
import type WebSocket from 'ws';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the KubeVirt
   module's loopback API server and fixtures, test code it does not publish */
import { FakeKubeVirt } from '../../../../../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/fakeKubeVirt';
import { TOKEN } from '../../../../../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/fixtures';
import { startGuestRfbServer } from '../../../../../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/guestRfb';
import { startLoopbackKubeVirt } from '../../../../../plugins/workspaces-backend-module-kubevirt/src/__testUtils__/loopbackKubeVirt';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { replicaConfig, sleep, type Opened } from './portal';
import {
  freePort,
  freshDatabase,
  startBalancer,
  startReplica,
  tempDir,
  type Replica,
} from './replicas';

const RACE =
  /already exists|duplicate key|Migration table is already locked|migration/i;

/**
 * Which plugins' startup lost a migration race, as the backend lists its
 * failures ("Plugin 'catalog' startup failed; caused by ..."); undefined
 * when the replica failed for another reason too.
 */
function migrationLosers(error: unknown): string | undefined {
  const failures = [
    ...String(error).matchAll(
      /(?:Plugin|Module) '([\w-]+)'(?: for plugin '([\w-]+)')? startup failed; caused by ([^\n]*)/g,
    ),
  ];
  const lost = failures.filter(f => RACE.test(f[3]));
  if (lost.length === 0 || lost.length < failures.length) return undefined;
  return lost
    .map(f => `${f[2] ? `${f[2]}.` : ''}${f[1]}: ${f[3].slice(0, 100)}`)
    .join('; ');
}

/**
 * What the multi-replica test runs: a fresh PostgreSQL database, the one
 * loopback KubeVirt API server with its desktops' screen, two replicas and
 * HAProxy in front of them. `step` records a figure and prints it at once,
 * so a run that times out shows how far it got.
 */
export class MultiReplicaPortal {
  readonly dir = tempDir();
  readonly figures: string[] = [];
  /** Start-up restarts after a lost migration race, one line each: none. */
  readonly restarts: string[] = [];
  /** The cluster's VMs, Secrets and the writes the replicas made. */
  readonly fake = new FakeKubeVirt();
  replicas: Replica[] = [];
  cluster!: Awaited<ReturnType<typeof startLoopbackKubeVirt>>;
  lbPort = 0;
  started = 0;
  private db?: Awaited<ReturnType<typeof freshDatabase>>;
  private screen?: Awaited<ReturnType<typeof startGuestRfbServer>>;
  private balancer?: ReturnType<typeof startBalancer>;
  private readonly sockets: WebSocket[] = [];

  step = (figure: string) => {
    this.figures.push(figure);
    process.stderr.write(`[multi-replica] ${figure}\n`);
  };

  /** Closed with everything else at the end. */
  track = (opened: Opened) => {
    this.sockets.push(opened.ws);
    return opened;
  };

  async start() {
    this.db = await freshDatabase();
    this.screen = await startGuestRfbServer({ alwaysShared: true });
    this.cluster = await startLoopbackKubeVirt({
      fake: this.fake,
      rfbPort: this.screen.port,
    });
    const access = {
      url: this.cluster.url,
      caData: this.cluster.caData,
      token: TOKEN,
    };
    const named = [];
    for (const name of ['a', 'b']) {
      const port = await freePort();
      named.push({
        name,
        port,
        config: replicaConfig(port, this.db.connection, access),
      });
    }
    this.lbPort = await freePort();
    this.started = Date.now();
    await this.startReplicas(named);
    this.step(`replicas a and b up after ${Date.now() - this.started} ms`);
    this.balancer = startBalancer({
      port: this.lbPort,
      replicas: this.replicas,
      dir: this.dir,
    });
    await sleep(1500);
  }

  /**
   * Both replicas at once, as a first install starts them. Every plugin
   * migrates under migrationLockDatabaseServiceFactory's lock, so none may
   * lose a race; the test asserts `restarts` is empty. A replica that lost
   * all the same starts once more, as Kubernetes would restart its pod, so
   * the other figures still come, and the figures say which plugin lost.
   */
  private async startReplicas(
    named: Array<{ name: string; port: number; config: object }>,
  ) {
    const start = (r: (typeof named)[number]) =>
      startReplica({ ...r, env: {}, dir: this.dir });
    this.replicas = named.map(start);
    const settled = await Promise.allSettled(this.replicas.map(r => r.ready));
    for (const [i, result] of settled.entries()) {
      let failure = result.status === 'rejected' ? result.reason : undefined;
      for (let restart = 1; failure; restart++) {
        const losers = migrationLosers(failure);
        if (!losers || restart > 3) throw failure;
        const lost = `replica ${named[i].name} lost a migration race (${losers}); restart ${restart}`;
        this.restarts.push(lost);
        this.step(lost);
        await sleep(1000);
        this.replicas[i] = start(named[i]);
        failure = await this.replicas[i].ready.then(
          () => undefined,
          error => error,
        );
      }
    }
  }

  async stop() {
    this.sockets.forEach(s => s.terminate());
    this.balancer?.child.kill('SIGKILL');
    for (const r of this.replicas) {
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
    }
    await this.cluster?.close();
    await this.screen?.close();
    await sleep(300);
    await this.db?.drop().catch(() => {});
    fs.rmSync(this.dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`multi-replica figures:\n  ${this.figures.join('\n  ')}`);
  }
}
