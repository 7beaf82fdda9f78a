/*
 * Runs the test Prometheus (node-exporter, the synthetic RKE2 cluster with its
 * history, the alert rules) until stopped with SIGINT or SIGTERM.
 * Prints the URL and, if given, writes it to a file.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-health-backend/dev/start-prometheus.ts \
 *     [url-file] [portal-address scrape-token]
 *
 * With a portal address (e.g. localhost:7007) Prometheus also scrapes the
 * portal's /api/workspaces/metrics with the token, for real desktopmania_*
 * series. HISTORY_HOURS (default 26) sets how much history is loaded; 168 fills
 * the 7d charts and takes about ten seconds longer to start.
 */
import fs from 'fs';
import {
  missingBinaries,
  startPrometheus,
} from '../src/__testUtils__/PrometheusHarness';

async function main() {
  const [urlFile, portalAddress, token] = process.argv.slice(2);
  const starting = new AbortController();
  const abort = () => starting.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  const missing = missingBinaries();
  if (missing.length)
    throw new Error(
      `Missing ${missing.join(
        ', ',
      )}: install the Debian packages prometheus and prometheus-node-exporter`,
    );
  const prometheus = await startPrometheus({
    historyHours: Number(process.env.HISTORY_HOURS ?? 26),
    intervalSeconds: 5,
    portal: portalAddress
      ? {
          address: portalAddress,
          metricsPath: '/api/workspaces/metrics',
          bearerToken: token,
        }
      : undefined,
    signal: starting.signal,
  });
  process.off('SIGTERM', abort);
  process.off('SIGINT', abort);
  const stop = () => {
    prometheus.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (urlFile) fs.writeFileSync(urlFile, prometheus.url);
  process.stdout.write(`${prometheus.url}\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
