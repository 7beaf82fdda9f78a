import { Duplex, PassThrough } from 'stream';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';

/**
 * An in-memory provider for tests of the lifecycle rules: it records every
 * call so a test can assert that a refused request never reached a cluster.
 *
 * @public
 */
export class FakeProvider implements WorkspaceProvider {
  readonly id = 'fake';
  readonly calls: Array<{ op: string; name?: string }> = [];
  readonly machines = new Map<string, ProviderWorkspace>();
  failNext: Partial<Record<string, Error>> = {};
  unreachable = false;
  console?: (ref: WorkspaceRef, options?: ConsoleOptions) => Promise<Duplex>;

  constructor(
    private readonly cluster = 'test',
    private readonly os: WorkspaceOs[] = ['linux', 'windows'],
  ) {}

  getClusters(): Array<{ name: string; os: WorkspaceOs[] }> {
    return [{ name: this.cluster, os: this.os }];
  }

  private check(op: string, name?: string) {
    this.calls.push({ op, name });
    if (this.unreachable) {
      const e = new Error(`cluster ${this.cluster} is unreachable`);
      e.name = 'ServiceUnavailableError';
      throw e;
    }
    const failure = this.failNext[op];
    if (failure) {
      delete this.failNext[op];
      throw failure;
    }
  }

  async create(spec: WorkspaceCreateSpec) {
    this.check('create', spec.name);
    if (this.machines.has(spec.name)) {
      throw new ConflictError(`${spec.name} exists`);
    }
    const machine: ProviderWorkspace = {
      name: spec.name,
      cluster: spec.cluster,
      namespace: 'workspaces',
      owner: spec.owner,
      status: { phase: 'Starting', ready: false },
    };
    this.machines.set(spec.name, machine);
    return machine;
  }

  async get(ref: WorkspaceRef) {
    this.check('get', ref.name);
    return this.machines.get(ref.name);
  }

  async list() {
    this.check('list');
    return [...this.machines.values()];
  }

  private machine(ref: WorkspaceRef) {
    const m = this.machines.get(ref.name);
    if (!m) throw new NotFoundError(`${ref.name} not found`);
    return m;
  }

  async start(ref: WorkspaceRef) {
    this.check('start', ref.name);
    this.machine(ref).status = { phase: 'Running', ready: true };
  }

  async stop(ref: WorkspaceRef) {
    this.check('stop', ref.name);
    this.machine(ref).status = { phase: 'Stopped', ready: false };
  }

  async restart(ref: WorkspaceRef) {
    this.check('restart', ref.name);
    this.machine(ref).status = { phase: 'Running', ready: true };
  }

  async delete(ref: WorkspaceRef) {
    this.check('delete', ref.name);
    this.machine(ref);
    this.machines.delete(ref.name);
  }

  async openConsole(ref: WorkspaceRef, options?: ConsoleOptions) {
    this.check('openConsole', ref.name);
    if (this.console) return this.console(ref, options);
    this.machine(ref);
    return new PassThrough();
  }
}
