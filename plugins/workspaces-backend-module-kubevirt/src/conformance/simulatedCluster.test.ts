/**
 * Runs the cluster conformance suite itself against a simulated cluster, so
 * its own logic (setup, every case, recordings, cleanup) is checked on a
 * machine without one. The import order matters: the environment first.
 */
import fs from 'fs';
import {
  SIMULATED_KUBECONFIG,
  SIMULATED_RECORD_DIR,
  SIMULATION_DIR,
} from './__testUtils__/simulatedClusterEnv';
import './cluster.conformance.test';
import { startSimulatedCluster } from './__testUtils__/simulatedCluster';

let cluster: Awaited<ReturnType<typeof startSimulatedCluster>>;

beforeAll(async () => {
  cluster = await startSimulatedCluster();
  cluster.writeKubeconfig(SIMULATED_KUBECONFIG);
});

// Registered after the suite, so it runs once the suite's afterAll has torn the run down.
it('leaves nothing on the cluster, and has recorded every answer', () => {
  expect([...cluster.store.keys()]).toEqual([]);
  expect(fs.readdirSync(SIMULATED_RECORD_DIR).sort()).toEqual([
    'explained-below-source.json',
    'explained-exceeded-quota.json',
    'explained-missing-datasource.json',
    'refused-below-preference.json',
    'running.json',
    'start-while-running.json',
    'stopped.json',
    'version.json',
    'vnc-not-running.json',
    'vnc-seat-taken.json',
  ]);
});

afterAll(async () => {
  await cluster.close();
  fs.rmSync(SIMULATION_DIR, { recursive: true, force: true });
});
