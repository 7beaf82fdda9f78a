import type { Duplex } from 'stream';
import type {
  ConsoleOptions,
  ProviderWorkspace,
  WorkspaceCreateSpec,
} from '@desktop-mania/plugin-workspaces-node';
import type { WorkspacePhase } from '@desktop-mania/plugin-workspaces-common';
import { waitFor } from './budget';
import { CLUSTER, type ConformanceRun } from './ConformanceRun';
import { leftovers } from './leftovers';

const MINUTE = 60_000;

/** Polls the provider until the desktop is in `phase` (and `also` holds). */
export function waitForPhase(
  run: ConformanceRun,
  name: string,
  phase: WorkspacePhase,
  timeoutMs: number,
  also: (w: ProviderWorkspace) => Promise<boolean> = async () => true,
) {
  return waitFor(
    `desktop '${name}' to be ${phase}`,
    async note => {
      const workspace = await run.provider.get(run.ref(name));
      if (!workspace) {
        note('its VirtualMachine is not there');
        return undefined;
      }
      note(`${workspace.status.phase}: ${workspace.status.message}`);
      if (workspace.status.phase !== phase) return undefined;
      return (await also(workspace)) ? workspace : undefined;
    },
    { timeoutMs },
  );
}

/**
 * A console once the desktop's VNC answers: right after the VMI turns
 * Running, virt-handler may not reach QEMU's socket yet.
 */
export function openConsole(
  run: ConformanceRun,
  name: string,
  options: ConsoleOptions,
  timeoutMs: number,
) {
  return waitFor(
    `the console of '${name}' to open`,
    async note => {
      try {
        // The VM console unless asked otherwise: its seat is what these cases check.
        return await run.provider.openConsole(run.ref(name), {
          display: 'console',
          ...options,
        });
      } catch (error) {
        const e = error as Error;
        if (
          e.name !== 'ConflictError' &&
          e.name !== 'ServiceUnavailableError'
        ) {
          throw error;
        }
        note(`${e.name}: ${e.message}`);
        return undefined;
      }
    },
    { timeoutMs, intervalMs: 5000 },
  );
}

/** The error a console open failed with; a console that opened instead is closed, not leaked. */
export const refusedConsole = (opening: Promise<Duplex>) =>
  opening.then(
    stream => {
      stream.destroy();
      return new Error('The console opened');
    },
    (error: Error) => error,
  );

/** Deletes a desktop through the provider and waits until nothing of it is on the cluster. */
export async function deleteAndWait(
  run: ConformanceRun,
  spec: WorkspaceCreateSpec,
  timeoutMs: number,
) {
  const ref = run.ref(spec.name);
  await run.provider.delete(ref).catch(error => {
    if ((error as Error).name !== 'NotFoundError') throw error;
  });
  return waitFor(
    `desktop '${spec.name}' and its parts to be gone`,
    async note => {
      const [still, listed, left] = await Promise.all([
        run.provider.get(ref),
        run.provider.list(CLUSTER),
        leftovers(run.admin, run.namespace, spec),
      ]);
      const inList = listed.some(w => w.name === spec.name);
      if (!still && !inList && left.length === 0) return true;
      note(
        [
          still ? `get: ${still.status.phase}` : 'get: gone',
          inList ? 'still listed' : 'not listed',
          `left: ${left.join(', ') || 'nothing'}`,
        ].join('; '),
      );
      return undefined;
    },
    { timeoutMs },
  );
}

/** How a negative case ended, for one assertion that shows all of it. */
export interface Outcome {
  /** `refused (InputError)` when the create failed, `explained` when the status says why. */
  how: string;
  /** The refusal's message, or the cause in the status. */
  said: string;
  /** What of the desktop is on the cluster after a refusal. */
  leftBehind: string[];
}

/** The cause in a desktop's status once it matches `why`; a desktop that runs instead fails. */
function waitForCause(
  run: ConformanceRun,
  name: string,
  why: RegExp,
  situation: string,
) {
  return waitFor(
    `desktop '${name}' to explain ${situation}`,
    async note => {
      const workspace = await run.provider.get(run.ref(name));
      if (!workspace) throw new Error(`The desktop '${name}' vanished`);
      const { phase, message } = workspace.status;
      note(`${phase}: ${message}`);
      if (phase === 'Running') {
        throw new Error(
          `The cluster runs desktop '${name}' despite ${situation}: ${message}`,
        );
      }
      // Only the cause counts: the sentence before it may say "size" for another reason.
      const cause = message?.split(' Cause: ')[1];
      return cause && why.test(cause) ? cause : undefined;
    },
    { timeoutMs: run.budget.upTo(5 * MINUTE) },
  );
}

/**
 * A negative case ends in one of two ways, both the portal's promise: the
 * cluster refuses the order (InputError, nothing left behind), or the
 * desktop stays short of Running and its status gives the cause. Either
 * way it is removed again.
 */
export async function refusedOrExplained(
  run: ConformanceRun,
  spec: WorkspaceCreateSpec,
  why: RegExp,
  record: string,
  situation: string,
): Promise<Outcome> {
  try {
    const refusal = await run.provider.create(spec).then(
      () => undefined,
      (error: Error) => error,
    );
    if (refusal) {
      await run.recordVmRefusal(
        `refused-${record}`,
        `The API server refusing ${situation}`,
        spec,
      );
      return {
        how: `refused (${refusal.name})`,
        said: refusal.message,
        leftBehind: await leftovers(run.admin, run.namespace, spec),
      };
    }
    const cause = await waitForCause(run, spec.name, why, situation);
    await run.recordDesktop(
      `explained-${record}`,
      `A desktop's status on ${situation}`,
      spec.name,
    );
    return { how: 'explained', said: cause, leftBehind: [] };
  } finally {
    await deleteAndWait(run, spec, run.budget.upTo(5 * MINUTE)).catch(error =>
      console.warn(`Removing '${spec.name}' failed: ${error.message}`),
    );
  }
}
