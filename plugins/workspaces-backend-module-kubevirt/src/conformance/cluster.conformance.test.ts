// Over 300 lines on purpose: the cases share one run (namespace, image, desktop) in order, and a second Jest file would set up a second run.
/**
 * The KubeVirt provider against a real cluster, as the portal's service
 * account: run after installing (docs/cluster-guide.md, "Conformance
 * check"). Without a cluster it is skipped and says why.
 */
import type { ConsoleOptions } from '@desktop-mania/plugin-workspaces-node';
import { RFB_VERSION } from '@internal/test-support';
import { KUBEVIRT_PROVIDER_RBAC_RULES } from '../rbac';
import { ConsoleViewer } from './__testUtils__/consoleViewer';
import { mayI, notGranted } from './accounts';
import { CLUSTER, ConformanceRun } from './ConformanceRun';
import {
  deleteAndWait,
  openConsole,
  refusedConsole,
  refusedOrExplained,
  waitForPhase,
} from './desktops';
import { leftovers } from './leftovers';
import { rawRequest, rawVncAnswer } from './rawAnswers';
import { GI, planConformance } from './settings';

const plan = planConformance(process.env);
if (!plan.run) {
  // Jest drops the console output of a file whose tests are all skipped, and
  // lists skipped tests only by title: one test that runs prints the reason.
  describe('KubeVirt cluster conformance', () => {
    it(`is ${plan.reason}`, () => {
      console.info(`KubeVirt cluster conformance ${plan.reason}`);
      expect(plan.reason).toMatch(/^skipped: /);
    });
  });
}

const MINUTE = 60_000;
// The run's own budget bounds every wait; Jest's timeout is only the backstop.
const TEST_TIMEOUT = plan.run ? plan.settings.timeoutMs + MINUTE : 5_000;
const CLEANUP_TIMEOUT = 5 * MINUTE;
const DESK = 'conformance-desk';
const RFB_TIMEOUT = 30_000;

const suite = plan.run ? describe : describe.skip;
const title = plan.run
  ? 'KubeVirt cluster conformance'
  : `KubeVirt cluster conformance (${plan.reason})`;

suite(title, () => {
  let run: ConformanceRun;
  let created = false;
  let viewer: ConsoleViewer | undefined;

  const needDesktop = () => {
    if (!created) {
      throw new Error(`No desktop to act on: creating '${DESK}' failed above`);
    }
    return run.ref(DESK);
  };

  /** A viewer on the desktop's console, once it opens. */
  const view = async (options: ConsoleOptions, timeoutMs: number) =>
    new ConsoleViewer(await openConsole(run, DESK, options, timeoutMs));

  /** How the desktop's VNC answers the portal with a seat asked to be kept, when recording. */
  const recordVnc = (file: string, what: string) =>
    run.recordAnswer(file, what, portal =>
      rawVncAnswer(portal, run.namespace, DESK, true),
    );

  const refusedOrExplainedBy = (why: RegExp) => ({
    how: expect.stringMatching(/^(refused \(InputError\)|explained)$/),
    said: expect.stringMatching(why),
    leftBehind: [],
  });

  beforeAll(async () => {
    run = new ConformanceRun(
      (plan as Extract<typeof plan, { run: true }>).settings,
    );
    await run.setUp();
  }, TEST_TIMEOUT);

  afterAll(async () => {
    viewer?.close();
    await run?.tearDown(CLEANUP_TIMEOUT);
  }, CLEANUP_TIMEOUT + MINUTE);

  it(
    'gives the portal service account what the provider needs and nothing more',
    async () => {
      const { portal, namespace } = run;
      expect(
        await notGranted(portal, namespace, KUBEVIRT_PROVIDER_RBAC_RULES),
      ).toEqual([]);

      // The first-boot Secrets hold passwords: the portal writes them but never reads them.
      const beyond: Array<[string, string, string, string]> = [
        [namespace, '', 'secrets', 'get'],
        [namespace, '', 'secrets', 'list'],
        [namespace, '', 'pods', 'create'],
        // It patches VMs (the expiry annotation), never replaces them whole.
        [namespace, 'kubevirt.io', 'virtualmachines', 'update'],
        [namespace, 'cdi.kubevirt.io', 'datavolumes', 'delete'],
        [namespace, 'rbac.authorization.k8s.io', 'roles', 'create'],
        ['default', 'kubevirt.io', 'virtualmachines', 'create'],
      ];
      const granted: string[] = [];
      for (const [ns, group, resource, verb] of beyond) {
        if (await mayI(portal, ns, group, resource, verb)) {
          granted.push(`${verb} ${group || 'core'}/${resource} in ${ns}`);
        }
      }
      // Anything here comes from bindings to all service accounts or all authenticated users.
      expect(granted).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'creates a desktop that reaches Running',
    async () => {
      const spec = run.spec(DESK);
      const workspace = await run.provider.create(spec);
      created = true;
      expect(workspace).toMatchObject({
        name: DESK,
        cluster: CLUSTER,
        namespace: run.namespace,
        owner: spec.owner,
      });
      const running = await waitForPhase(
        run,
        DESK,
        'Running',
        run.budget.remainingMs(),
      );
      expect(running.status.phase).toBe('Running');
      const listed = await run.provider.list(CLUSTER);
      expect(listed.map(w => w.name)).toContain(DESK);
      await run.recordDesktop('running', 'A desktop that runs', DESK);
    },
    TEST_TIMEOUT,
  );

  it(
    `serves its console: the first 12 bytes are ${JSON.stringify(RFB_VERSION)}`,
    async () => {
      needDesktop();
      viewer = await view(
        { preserveSession: true },
        run.budget.upTo(3 * MINUTE),
      );
      expect(await viewer.handshake(RFB_TIMEOUT)).toBe(RFB_VERSION);
    },
    TEST_TIMEOUT,
  );

  it(
    "serves the desktop's own display beside the console, without taking its seat",
    async () => {
      const ref = needDesktop();
      if (!viewer) throw new Error('No first console: the console case failed');
      const stream = await run.provider
        .openConsole(ref, { display: 'desktop', preserveSession: true })
        .catch((error: Error) => error);
      // An image without the in-guest VNC server falls back to the VM
      // console, whose seat the first viewer holds.
      if (stream instanceof Error && stream.name === 'ConsoleInUseError') {
        console.warn(
          "Not checking the desktop's own display: the image runs no VNC server on port 5900",
        );
        return;
      }
      if (stream instanceof Error) throw stream;
      const desktop = new ConsoleViewer(stream);
      try {
        expect(stream.consoleDisplay).toMatchObject({ display: 'desktop' });
        expect(await desktop.handshake(RFB_TIMEOUT)).toBe(RFB_VERSION);
        await expect(viewer.ended(3000)).rejects.toThrow(/still open/);
      } finally {
        desktop.close();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps the first viewer when a second console asks with preserveSession',
    async () => {
      const ref = needDesktop();
      if (!viewer) throw new Error('No first console: the console case failed');
      const preserves = (await run.provider.get(ref))?.status
        .consolePreservesSession;
      if (!preserves) {
        console.warn(
          `Not checking preserveSession: KubeVirt ${run.kubevirtVersion} predates v1.7.0 and ignores it, so every connect takes the seat`,
        );
        return;
      }
      expect(
        await refusedConsole(
          run.provider.openConsole(ref, {
            preserveSession: true,
            display: 'console',
          }),
        ),
      ).toMatchObject({ name: 'ConsoleInUseError' });
      // A refused second viewer must not have cost the first its seat.
      await expect(viewer.ended(3000)).rejects.toThrow(/still open/);
      await recordVnc(
        'vnc-seat-taken',
        'Opening the VNC console with preserveSession=true while someone is connected',
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'hands the seat over on takeover, ending the first console with ConsoleInUseError',
    async () => {
      needDesktop();
      if (!viewer) throw new Error('No first console: the console case failed');
      const first = viewer;
      viewer = undefined;
      const taker = await view(
        { preserveSession: false },
        run.budget.upTo(MINUTE),
      );
      try {
        expect(await taker.handshake(RFB_TIMEOUT)).toBe(RFB_VERSION);
        await expect(first.ended(MINUTE)).resolves.toMatchObject({
          name: 'ConsoleInUseError',
        });
      } finally {
        taker.close();
        first.close();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'stops it: Stopped, an open console closes saying so, a new one is refused',
    async () => {
      const ref = needDesktop();
      const watcher = await view(
        { preserveSession: false },
        run.budget.upTo(MINUTE),
      );
      try {
        await watcher.handshake(RFB_TIMEOUT);
        await run.provider.stop(ref);
        await expect(
          watcher.ended(run.budget.upTo(5 * MINUTE)),
        ).resolves.toMatchObject({ name: 'ConflictError' });
      } finally {
        watcher.close();
      }
      await waitForPhase(run, DESK, 'Stopped', run.budget.upTo(5 * MINUTE));
      expect(
        await refusedConsole(
          run.provider.openConsole(ref, { display: 'console' }),
        ),
      ).toMatchObject({ name: 'ConflictError' });
      await run.recordDesktop('stopped', 'A stopped desktop', DESK);
      await recordVnc(
        'vnc-not-running',
        'Opening the VNC console of a stopped desktop',
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'starts it again',
    async () => {
      const ref = needDesktop();
      await run.provider.start(ref);
      const running = await waitForPhase(
        run,
        DESK,
        'Running',
        run.budget.upTo(10 * MINUTE),
      );
      expect(running.status.phase).toBe('Running');
    },
    TEST_TIMEOUT,
  );

  it(
    'restarts it onto a new instance',
    async () => {
      const ref = needDesktop();
      await run.recordAnswer(
        'start-while-running',
        "KubeVirt refusing to start a running desktop (the provider's start on a Failed one restarts instead)",
        portal =>
          rawRequest(
            portal,
            'PUT',
            `/apis/subresources.kubevirt.io/v1/namespaces/${run.namespace}/virtualmachines/${DESK}/start`,
            {},
          ),
      );
      const before = await run.admin.vmiUid(run.namespace, DESK);
      expect(before).toBeDefined();
      await run.provider.restart(ref);
      let after: string | undefined;
      await waitForPhase(
        run,
        DESK,
        'Running',
        run.budget.upTo(10 * MINUTE),
        async () => {
          after = await run.admin.vmiUid(run.namespace, DESK);
          return after !== undefined && after !== before;
        },
      );
      expect(after).not.toBe(before);
    },
    TEST_TIMEOUT,
  );

  it(
    'deletes it, leaving no VM, instance, disk or Secret',
    async () => {
      needDesktop();
      await expect(
        deleteAndWait(run, run.spec(DESK), run.budget.upTo(5 * MINUTE)),
      ).resolves.toBe(true);
      created = false;
    },
    TEST_TIMEOUT,
  );

  it(
    "refuses a size below what the image's preference requires",
    async () => {
      const spec = run.spec('below-preference', {
        preference: run.demandingPreference,
      });
      await expect(run.provider.create(spec)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/preference/i),
      });
      // The provider undoes its first-boot Secret when the VM is refused.
      expect(await leftovers(run.admin, run.namespace, spec)).toEqual([]);
      await run.recordVmRefusal(
        'refused-below-preference',
        "The API server refusing a size below the preference's requirements",
        spec,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses or explains a disk below the size of its source',
    async () => {
      const smallest = Math.min(
        run.source.requestBytes,
        run.source.capacityBytes,
      );
      if (smallest <= GI) {
        console.warn(
          `Not checking a disk below the source: ${run.source.namespace}/${
            run.source.name
          } holds ${(smallest / GI).toFixed(
            1,
          )} GiB, and no desktop disk is smaller than 1 GiB`,
        );
        return;
      }
      expect(
        await refusedOrExplained(
          run,
          run.spec('below-source', { diskGi: 1 }),
          /smaller|size/i,
          'below-source',
          'a 1 GiB disk below its source',
        ),
      ).toEqual(refusedOrExplainedBy(/smaller|size/i));
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses or explains a missing DataSource',
    async () => {
      expect(
        await refusedOrExplained(
          run,
          run.spec('missing-source', {
            dataSource: { name: 'no-such-image', namespace: run.namespace },
          }),
          /not found/i,
          'missing-datasource',
          'a DataSource that does not exist',
        ),
      ).toEqual(refusedOrExplainedBy(/not found/i));
    },
    TEST_TIMEOUT,
  );

  it(
    'explains an exceeded ResourceQuota',
    async () => {
      const removeQuota = await run.admin.exhaustStorageQuota(
        run.namespace,
        'conformance-storage',
        run.budget.upTo(2 * MINUTE),
      );
      try {
        // Nothing refuses the order itself: the quota bites when CDI makes the disk.
        expect(
          await refusedOrExplained(
            run,
            run.spec('over-quota'),
            /exceeded quota/i,
            'exceeded-quota',
            'a storage ResourceQuota that is used up',
          ),
        ).toMatchObject({
          how: 'explained',
          said: expect.stringMatching(/exceeded quota/i),
        });
      } finally {
        await removeQuota();
      }
    },
    TEST_TIMEOUT,
  );
});
