import { http, HttpResponse } from 'msw';
import { API } from './fixtures';
import {
  createdSecretPayload,
  dataVolumePayload,
  deletedPayload,
  vmiPayload,
} from './payloads';
import {
  alreadyExists,
  conflict,
  notFound,
  staleResourceVersion,
} from './refusals';

// As in apiServer.ts, which this file does not import so that the
// time-to-desktop benchmark can run it outside Jest.
const NS = `${API}/apis/kubevirt.io/v1/namespaces/workspaces`;
const CDI = `${API}/apis/cdi.kubevirt.io/v1beta1/namespaces/workspaces`;
const SECRETS = `${API}/api/v1/namespaces/workspaces/secrets`;
const SUB = `${API}/apis/subresources.kubevirt.io/v1/namespaces/workspaces`;

/** Simulated durations, drawn per VM; milliseconds of wall time. */
export interface FakeTimings {
  /** From VM create until CDI finished cloning its root disk. */
  cloneMs: () => number;
  /** From a start (disk ready) until the VMI is Running. */
  startMs: () => number;
}

interface Clock {
  cloneDoneAt: number;
  runningAt?: number;
}

/** RFC 7386 JSON merge patch: objects merge, null removes, the rest replaces. */
function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const out =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * `k=v`, `k`, `!k`, comma-joined: the equality and existence selectors of
 * k8s.io/apimachinery/pkg/labels/selector.go, all this module sends.
 */
function matches(selector: string | null, labels: Record<string, string>) {
  if (!selector) return true;
  return selector.split(',').every(term => {
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    const [k, v] = term.split('=');
    return v === undefined ? k in labels : labels[k] === v;
  });
}

/**
 * A stateful stand-in for an API server with KubeVirt and CDI: VMs are
 * stored and versioned, a patch pinned to a stale `resourceVersion` gets
 * the real 409, and a VM's printable status follows simulated clone and
 * start times (kubevirt/kubevirt pkg/virt-controller/watch/vm/vm.go
 * `setPrintableStatus`: Provisioning while its DataVolume is being
 * populated, Stopped when halted, Starting until the VMI runs, Running).
 */
export class FakeKubeVirt {
  readonly vms = new Map<string, any>();
  readonly secrets = new Map<string, any>();
  /** Every write, as `VERB name`, for tests to read the order of calls. */
  readonly writes: string[] = [];
  private readonly clocks = new Map<string, Clock>();
  private version = 50_000;
  private serial = 0;

  constructor(
    /** Changeable between phases, e.g. a pool filled ahead of time. */
    public timings: FakeTimings = {
      cloneMs: () => 0,
      startMs: () => 0,
    },
  ) {}

  private nextVersion() {
    this.version += 1;
    return String(this.version);
  }

  /** The VM's printable status now, as the controller would have set it. */
  printable(name: string): string {
    const vm = this.vms.get(name);
    const clock = this.clocks.get(name)!;
    const now = Date.now();
    if (now < clock.cloneDoneAt) return 'Provisioning';
    if (vm.spec.runStrategy === 'Halted') return 'Stopped';
    if (clock.runningAt === undefined) {
      clock.runningAt = now + this.timings.startMs();
    }
    return now < clock.runningAt ? 'Starting' : 'Running';
  }

  private withStatus(name: string) {
    const vm = this.vms.get(name);
    const printableStatus = this.printable(name);
    return {
      ...vm,
      status: {
        printableStatus,
        ready: printableStatus === 'Running',
        created: ['Starting', 'Running'].includes(printableStatus),
      },
    };
  }

  private start(name: string) {
    const clock = this.clocks.get(name)!;
    clock.runningAt =
      Math.max(Date.now(), clock.cloneDoneAt) + this.timings.startMs();
  }

  /** What a member of a stopped pool looks like once its clone is done. */
  isRunning(name: string) {
    return this.printable(name) === 'Running';
  }

  handlers() {
    const vmList = (selector: string | null) =>
      [...this.vms.keys()]
        .map(n => this.withStatus(n))
        .filter(vm => matches(selector, vm.metadata.labels ?? {}));
    return [
      http.get(`${NS}/virtualmachines`, ({ request }) =>
        HttpResponse.json({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineList',
          metadata: { resourceVersion: String(this.version) },
          items: vmList(new URL(request.url).searchParams.get('labelSelector')),
        }),
      ),
      http.post(`${NS}/virtualmachines`, async ({ request }) => {
        const body: any = await request.json();
        const name = body.metadata.name;
        if (this.vms.has(name)) {
          return HttpResponse.json(
            alreadyExists('virtualmachines', 'kubevirt.io', name),
            { status: 409 },
          );
        }
        this.serial += 1;
        const vm = {
          ...body,
          metadata: {
            ...body.metadata,
            uid: `uid-${name}`,
            resourceVersion: this.nextVersion(),
            generation: 1,
            // Serial-ordered, so oldest-first stays stable within a second.
            creationTimestamp: new Date(
              Date.UTC(2026, 10, 20) + this.serial * 1000,
            ).toISOString(),
          },
        };
        this.vms.set(name, vm);
        this.clocks.set(name, {
          cloneDoneAt: Date.now() + this.timings.cloneMs(),
        });
        if (vm.spec.runStrategy !== 'Halted') this.start(name);
        this.writes.push(`POST vm ${name}`);
        return HttpResponse.json(this.withStatus(name), { status: 201 });
      }),
      http.get(`${NS}/virtualmachines/:name`, ({ params }) => {
        const name = params.name as string;
        return this.vms.has(name)
          ? HttpResponse.json(this.withStatus(name))
          : HttpResponse.json(
              notFound('virtualmachines', 'kubevirt.io', name),
              {
                status: 404,
              },
            );
      }),
      http.patch(`${NS}/virtualmachines/:name`, async ({ params, request }) => {
        const name = params.name as string;
        // Read the body first: the check and the write below must not be
        // split by an await, as the API server's are one transaction.
        const patch: any = await request.json();
        const current = this.vms.get(name);
        if (!current) {
          return HttpResponse.json(
            notFound('virtualmachines', 'kubevirt.io', name),
            { status: 404 },
          );
        }
        const pinned = patch.metadata?.resourceVersion;
        if (
          pinned !== undefined &&
          pinned !== current.metadata.resourceVersion
        ) {
          this.writes.push(`409 vm ${name}`);
          return HttpResponse.json(
            staleResourceVersion('virtualmachines', 'kubevirt.io', name),
            { status: 409 },
          );
        }
        const next = mergePatch(current, patch);
        next.metadata.resourceVersion = this.nextVersion();
        this.vms.set(name, next);
        if (
          current.spec.runStrategy === 'Halted' &&
          next.spec.runStrategy !== 'Halted'
        ) {
          this.start(name);
        }
        this.writes.push(`PATCH vm ${name}`);
        return HttpResponse.json(this.withStatus(name));
      }),
      http.delete(
        `${NS}/virtualmachines/:name`,
        async ({ params, request }) => {
          const name = params.name as string;
          const text = await request.text();
          const vm = this.vms.get(name);
          if (!vm) {
            return HttpResponse.json(
              notFound('virtualmachines', 'kubevirt.io', name),
              { status: 404 },
            );
          }
          const uid = text ? JSON.parse(text).preconditions?.uid : undefined;
          if (uid && uid !== vm.metadata.uid) {
            // store.go `Delete` checks preconditions in GuaranteedUpdate.
            return HttpResponse.json(
              conflict(
                'virtualmachines',
                name,
                `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${vm.metadata.uid}`,
              ),
              { status: 409 },
            );
          }
          const gone = this.withStatus(name);
          this.vms.delete(name);
          // The garbage collector takes what the VM owns.
          for (const [n, s] of this.secrets) {
            if (s.metadata.ownerReferences?.some((o: any) => o.name === name)) {
              this.secrets.delete(n);
            }
          }
          this.writes.push(`DELETE vm ${name}`);
          return HttpResponse.json({
            ...gone,
            metadata: {
              ...gone.metadata,
              deletionTimestamp: new Date().toISOString(),
            },
          });
        },
      ),
      http.get(`${NS}/virtualmachineinstances`, () =>
        HttpResponse.json({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceList',
          metadata: { resourceVersion: String(this.version) },
          items: [...this.vms.keys()]
            .filter(n => this.isRunning(n))
            .map(n => ({
              ...vmiPayload(n, 'rke2-worker-1', '10.42.0.8'),
              metadata: {
                ...vmiPayload(n, 'rke2-worker-1', '10.42.0.8').metadata,
                labels: this.vms.get(n).spec.template.metadata.labels,
              },
            })),
        }),
      ),
      http.get(`${NS}/virtualmachineinstances/:name`, ({ params }) => {
        const name = params.name as string;
        return this.vms.has(name) && this.isRunning(name)
          ? HttpResponse.json(vmiPayload(name, 'rke2-worker-1', '10.42.0.8'))
          : HttpResponse.json(
              notFound('virtualmachineinstances', 'kubevirt.io', name),
              { status: 404 },
            );
      }),
      http.get(`${CDI}/datavolumes/:name`, ({ params }) => {
        const name = params.name as string;
        return HttpResponse.json(
          dataVolumePayload(name, {
            phase: 'CloneInProgress',
            progress: '45.20%',
          }),
        );
      }),
      http.post(SECRETS, async ({ request }) => {
        const body: any = await request.json();
        const name = body.metadata.name;
        if (this.secrets.has(name)) {
          return HttpResponse.json(alreadyExists('secrets', '', name), {
            status: 409,
          });
        }
        const created = createdSecretPayload(body, `uid-${name}`);
        this.secrets.set(name, created);
        this.writes.push(`POST secret ${name}`);
        return HttpResponse.json(created, { status: 201 });
      }),
      http.patch(`${SECRETS}/:name`, async ({ params, request }) => {
        const name = params.name as string;
        const patch: any = await request.json();
        const current = this.secrets.get(name);
        if (!current) {
          return HttpResponse.json(notFound('secrets', '', name), {
            status: 404,
          });
        }
        const next = mergePatch(current, patch);
        next.metadata.resourceVersion = this.nextVersion();
        this.secrets.set(name, next);
        this.writes.push(`PATCH secret ${name}`);
        return HttpResponse.json(next);
      }),
      http.delete(`${SECRETS}/:name`, ({ params }) => {
        const name = params.name as string;
        if (!this.secrets.delete(name)) {
          return HttpResponse.json(notFound('secrets', '', name), {
            status: 404,
          });
        }
        this.writes.push(`DELETE secret ${name}`);
        return HttpResponse.json(deletedPayload('secrets', name));
      }),
      http.put(`${SUB}/virtualmachines/:name/:action`, ({ params }) => {
        const name = params.name as string;
        const action = params.action as string;
        if (!this.vms.has(name)) {
          return HttpResponse.json(
            notFound('virtualmachines', 'kubevirt.io', name),
            { status: 404 },
          );
        }
        // virt-api turns a start of a Halted VM into runStrategy Always
        // (kubevirt/kubevirt pkg/virt-api/rest/lifecycle.go `StartVMRequestHandler`).
        if (action === 'start' || action === 'restart') {
          const vm = this.vms.get(name);
          if (vm.spec.runStrategy === 'Halted') vm.spec.runStrategy = 'Always';
          this.start(name);
        }
        this.writes.push(`PUT ${action} ${name}`);
        return new HttpResponse(null, { status: 202 });
      }),
    ];
  }
}
