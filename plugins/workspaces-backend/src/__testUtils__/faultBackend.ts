/*
 * A workspaces backend in a process of its own, for the fault suite to kill
 * with SIGKILL and start again. It is the real plugin with the test
 * organisation's permissions, on the database the suite names (a SQLite file
 * or PostgreSQL, so records outlive the process), with a provider whose
 * machines live in a JSON file, as a cluster's outlive the backend, and whose
 * creates and deletes take long enough to be killed in the middle of.
 *
 * Run with the Backstage TypeScript loader; it reads FAULT_BACKEND (see
 * FaultBackendOptions) and tells its parent over IPC when it listens and
 * what it publishes.
 */
import fs from 'fs';
import { Duplex } from 'stream';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import type {
  ProviderWorkspace,
  WorkspaceCreateSpec,
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';
import knexFactory from 'knex';
import { PROVIDER_DELAY_MS, type FaultBackendOptions } from './faultProcess';
import {
  startWorkspacesTestBackend,
  WORKSPACES_TEST_CONFIG,
} from './testBackend';

/**
 * Machines that outlive the backend. A machine whose name starts with
 * `lost-` only exists once its create is done; any other exists as soon as
 * the create starts, as a cluster object does before it is ready.
 */
class FileProvider implements WorkspaceProvider {
  readonly id = 'file';

  constructor(private readonly file: string) {}

  getClusters() {
    return [{ name: 'test', os: ['linux' as const, 'windows' as const] }];
  }

  private read(): Record<string, ProviderWorkspace> {
    return fs.existsSync(this.file)
      ? JSON.parse(fs.readFileSync(this.file, 'utf8'))
      : {};
  }

  /**
   * Two backend processes share the file. Without the lock, one's rename
   * could find the other's temporary file already moved (a 500 for a good
   * order), or write back a copy read before the other's change.
   */
  private change(apply: (m: Record<string, ProviderWorkspace>) => void) {
    const lock = `${this.file}.lock`;
    for (;;) {
      try {
        fs.closeSync(fs.openSync(lock, 'wx'));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
      }
    }
    try {
      const machines = this.read();
      apply(machines);
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(machines));
      fs.renameSync(tmp, this.file);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }

  private machine(ref: WorkspaceRef): ProviderWorkspace {
    const machine = this.read()[ref.name];
    if (!machine) throw new NotFoundError(`no machine ${ref.name}`);
    return machine;
  }

  async create(spec: WorkspaceCreateSpec) {
    const machine: ProviderWorkspace = {
      name: spec.name,
      cluster: spec.cluster,
      namespace: 'faults',
      owner: spec.owner,
      status: { phase: 'Running', ready: true },
    };
    const save = () => this.change(m => (m[spec.name] = machine));
    if (!spec.name.startsWith('lost-')) save();
    await new Promise(resolve => setTimeout(resolve, PROVIDER_DELAY_MS));
    save();
    return machine;
  }

  async get(ref: WorkspaceRef) {
    return this.read()[ref.name];
  }

  async list() {
    return Object.values(this.read());
  }

  async start(ref: WorkspaceRef) {
    this.machine(ref);
  }

  async stop(ref: WorkspaceRef) {
    this.machine(ref);
  }

  async restart(ref: WorkspaceRef) {
    this.machine(ref);
  }

  async delete(ref: WorkspaceRef) {
    this.machine(ref);
    await new Promise(resolve => setTimeout(resolve, PROVIDER_DELAY_MS));
    this.change(m => delete m[ref.name]);
  }

  /** A screen that accepts everything and never speaks. */
  async openConsole(ref: WorkspaceRef) {
    this.machine(ref);
    return new Duplex({
      read() {},
      write(_chunk, _encoding, done) {
        done();
      },
    });
  }
}

async function main() {
  const options: FaultBackendOptions = JSON.parse(process.env.FAULT_BACKEND!);
  const backend = await startWorkspacesTestBackend({
    knex: knexFactory(options.database),
    providers: [new FileProvider(options.machinesFile)],
    config: {
      ...WORKSPACES_TEST_CONFIG,
      workspaces: {
        ...WORKSPACES_TEST_CONFIG.workspaces,
        limits: {
          ...WORKSPACES_TEST_CONFIG.workspaces.limits,
          maxPerOwner: options.maxPerOwner,
        },
        // A killed process's console seats come free when their lease runs
        // out; a short lease has it out before the next process starts.
        console: { lease: '1s' },
      },
    },
    // Info and up on stdout, where the suite reads what reconciliation logs.
    features: [mockServices.rootLogger.factory({ level: 'info' })],
    onPublished: event => process.send?.({ type: 'event', event }),
  });
  const { port } = backend.server.address() as { port: number };
  process.send?.({ type: 'ready', port });
}

main().catch(error => {
  process.stderr.write(`fault backend failed to start: ${error.stack}\n`);
  process.exit(1);
});
