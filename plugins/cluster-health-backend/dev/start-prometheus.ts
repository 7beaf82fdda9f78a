/*
 * Runs the test Prometheus (node-exporter plus a backfilled RKE2 history) until
 * killed, writing its URL to the file given as the first argument. The browser
 * tests point the portal at it.
 */
import fs from 'fs';
import { startPrometheus } from '../src/__testUtils__/PrometheusHarness';

const [urlFile, backendMetrics, token] = process.argv.slice(2);
startPrometheus({
  extraTargets: backendMetrics ? [{ job: 'desktop-mania', target: backendMetrics, path: '/api/workspaces/metrics', bearerToken: token }] : [],
}).then(
  prometheus => {
    fs.writeFileSync(urlFile, prometheus.url);
    const stop = () => {
      prometheus.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  error => {
    console.error(error);
    process.exit(1);
  },
);
