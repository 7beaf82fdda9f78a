import { workspaceHoldsCompute, workspacePhaseGroup } from './phases';
import type { WorkspacePhase } from './types';

const ALL: WorkspacePhase[] = [
  'Provisioning',
  'Starting',
  'Running',
  'Stopping',
  'Stopped',
  'Failed',
  'Terminating',
  'Unknown',
];

describe('desktop phases', () => {
  it('puts every phase in exactly one group', () => {
    expect(
      Object.fromEntries(ALL.map(p => [p, workspacePhaseGroup(p)])),
    ).toEqual({
      Provisioning: 'transitional',
      Starting: 'transitional',
      Running: 'running',
      Stopping: 'transitional',
      Stopped: 'stopped',
      Failed: 'failed',
      Terminating: 'transitional',
      Unknown: 'unknown',
    });
  });

  it('treats a phase a newer provider invents as unknown', () => {
    expect(workspacePhaseGroup('Hibernating' as WorkspacePhase)).toBe(
      'unknown',
    );
  });

  it('says which phases still hold compute', () => {
    expect(ALL.filter(workspaceHoldsCompute)).toEqual([
      'Provisioning',
      'Starting',
      'Running',
      'Stopping',
      'Failed',
      'Unknown',
    ]);
  });
});
