import fs from 'fs';
import os from 'os';
import path from 'path';

/**
 * Points the conformance suite at the simulated cluster. It reads its
 * settings when its module loads, so this module must be imported before
 * it; the kubeconfig itself is written once the simulated server listens
 * (`writeKubeconfig` of `startSimulatedCluster`).
 */
export const SIMULATION_DIR = fs.mkdtempSync(
  path.join(os.tmpdir(), 'conformance-simulated-'),
);
export const SIMULATED_KUBECONFIG = path.join(SIMULATION_DIR, 'kubeconfig');
export const SIMULATED_RECORD_DIR = path.join(SIMULATION_DIR, 'answers');

Object.assign(process.env, {
  CONFORMANCE_KUBECONFIG: SIMULATED_KUBECONFIG,
  CONFORMANCE_TIMEOUT: '3m',
  CONFORMANCE_RECORD_DIR: SIMULATED_RECORD_DIR,
});
for (const name of [
  'CONFORMANCE_CONTEXT',
  'CONFORMANCE_DATASOURCE',
  'CONFORMANCE_IMAGE_URL',
  'CONFORMANCE_IMAGE_SIZE',
  'CONFORMANCE_INSTANCETYPE',
  'CONFORMANCE_STORAGE_CLASS',
  'CONFORMANCE_KEEP',
]) {
  delete process.env[name];
}
