import type { WorkspacePhase } from './types';

/**
 * What a phase means for a person and for the lifecycle rules:
 * - `running`: the desktop can be used;
 * - `transitional`: it is on its way somewhere, and will report again soon;
 * - `stopped`: it holds no compute, and can be started;
 * - `failed`: it cannot run until someone acts on its message;
 * - `unknown`: its cluster could not be asked; nothing is known.
 *
 * @public
 */
export type WorkspacePhaseGroup =
  | 'running'
  | 'transitional'
  | 'stopped'
  | 'failed'
  | 'unknown';

const GROUPS: Record<WorkspacePhase, WorkspacePhaseGroup> = {
  Running: 'running',
  Provisioning: 'transitional',
  Starting: 'transitional',
  Stopping: 'transitional',
  Terminating: 'transitional',
  Stopped: 'stopped',
  Failed: 'failed',
  Unknown: 'unknown',
};

/**
 * The group of a phase. Every consumer (status badges, polling, lifecycle
 * rules, housekeeping) asks this instead of listing phases itself.
 *
 * @public
 */
export function workspacePhaseGroup(
  phase: WorkspacePhase,
): WorkspacePhaseGroup {
  return GROUPS[phase] ?? 'unknown';
}

/**
 * Whether a desktop in this phase may hold compute that expiry or an idle
 * stop should give back: anything not already stopped or being deleted. An
 * `Unknown` desktop counts, because its cluster may still run it, and so does
 * a `Failed` one: KubeVirt reports a VM paused on an I/O error as failed
 * while it still holds its node, and stopping a failed desktop leaves it
 * cleanly stopped.
 *
 * @public
 */
export function workspaceHoldsCompute(phase: WorkspacePhase): boolean {
  return !['Stopped', 'Terminating'].includes(phase);
}
