/*
 * Runs Prometheus and node-exporter for this machine, for the portal the
 * start command (scripts/start.sh) runs, until stopped with SIGINT or
 * SIGTERM. No synthetic history (that is start-prometheus.ts, for tests):
 * node-exporter's view of this machine, the portal's own metrics and the
 * cluster health alert rules.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-health-backend/dev/start-local-prometheus.ts \
 *     --data-dir data/prometheus --url-file data/prometheus/url \
 *     [--port 9090] [--exporter-port 9100] \
 *     [--portal localhost:7007 --token-file data/prometheus/scrape-token] \
 *     [--prometheus /usr/bin/prometheus] \
 *     [--node-exporter /usr/bin/prometheus-node-exporter]
 *
 * Both listen on 127.0.0.1, on the port asked for when it is free and on any
 * free port when not. The URL goes to --url-file as soon as the port is
 * chosen, so the start command hands it to the portal while Prometheus opens
 * its storage. The series stay in <data-dir>/tsdb across restarts (15 days,
 * 1 GB at most); Prometheus's and node-exporter's own messages go to
 * <data-dir>/prometheus.log and <data-dir>/prometheus-node-exporter.log.
 */
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { freePort } from '../src/__testUtils__/PrometheusHarness';
import { ALERT_RULES } from '../src/__testUtils__/syntheticCluster';

const say = (line: string) =>
  process.stderr.write(`[local prometheus] ${line}\n`);

/** The port asked for when it is free on loopback, else any free one. */
function portOr(wanted: number): Promise<number> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(freePort()));
    server.listen(wanted, '127.0.0.1', () =>
      server.close(() => resolve(wanted)),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise(resolve => {
    // Prometheus writes its head block out on SIGTERM; give it a while.
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The last lines of the log, on one line. */
function tail(file: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return text.split('\n').slice(-3).join(' | ').slice(-600) || '(nothing)';
  } catch {
    return '(nothing)';
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'url-file': { type: 'string' },
      port: { type: 'string', default: '9090' },
      'exporter-port': { type: 'string', default: '9100' },
      portal: { type: 'string' },
      'token-file': { type: 'string' },
      prometheus: { type: 'string', default: '/usr/bin/prometheus' },
      'node-exporter': {
        type: 'string',
        default: '/usr/bin/prometheus-node-exporter',
      },
    },
  });
  if (!values['data-dir'] || !values['url-file']) {
    throw new Error('--data-dir and --url-file are required');
  }
  const dir = path.resolve(values['data-dir']);
  const urlFile = path.resolve(values['url-file']);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map(stopChild));
    fs.rmSync(urlFile, { force: true });
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));

  const exporterPort = await portOr(Number(values['exporter-port']));
  const port = await portOr(Number(values.port));
  const url = `http://localhost:${port}`;

  const scrapeConfigs: object[] = [
    {
      job_name: 'node-exporter',
      static_configs: [
        {
          targets: [`127.0.0.1:${exporterPort}`],
          // The same series whichever port node-exporter got this time.
          labels: { instance: os.hostname() },
        },
      ],
    },
  ];
  if (values.portal) {
    scrapeConfigs.push({
      job_name: 'desktop-mania',
      metrics_path: '/api/workspaces/metrics',
      ...(values['token-file']
        ? {
            authorization: {
              credentials_file: path.resolve(values['token-file']),
            },
          }
        : {}),
      static_configs: [{ targets: [values.portal] }],
    });
  }
  fs.writeFileSync(path.join(dir, 'rules.yml'), ALERT_RULES);
  // JSON is YAML, and needs no quoting rules of its own.
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `${JSON.stringify(
      {
        global: { scrape_interval: '15s', evaluation_interval: '15s' },
        rule_files: ['rules.yml'],
        scrape_configs: scrapeConfigs,
      },
      null,
      2,
    )}\n`,
  );
  fs.writeFileSync(`${urlFile}.new`, url);
  fs.renameSync(`${urlFile}.new`, urlFile);

  const launch = (name: string, command: string, args: string[]) => {
    const logFile = path.join(dir, `${path.basename(command)}.log`);
    const log = fs.openSync(logFile, 'w');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    children.push(child);
    child.on('error', error => {
      say(`could not start ${name}: ${error.message}`);
      void stop(1);
    });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      say(
        `${name} stopped (${signal ?? `exit code ${code}`}): ${tail(logFile)}`,
      );
      void stop(1);
    });
  };
  launch('node-exporter', values['node-exporter'], [
    `--web.listen-address=127.0.0.1:${exporterPort}`,
    '--log.level=warn',
    // Debian enables it; without systemd it only fills the log with errors.
    '--no-collector.systemd',
  ]);
  launch('Prometheus', values.prometheus, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    '--storage.tsdb.retention.time=15d',
    '--storage.tsdb.retention.size=1GB',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);

  const until = Date.now() + 120_000;
  while (!stopping) {
    const ready = await fetch(`${url}/-/ready`).then(
      r => r.ok,
      () => false,
    );
    if (ready) {
      say(
        `Prometheus for this machine at ${url}, scraping node-exporter (127.0.0.1:${exporterPort})${
          values.portal ? ` and the portal (${values.portal})` : ''
        }; data in ${dir}`,
      );
      return;
    }
    if (Date.now() > until) {
      say(
        `Prometheus was not ready within 2 minutes: ${tail(
          path.join(dir, `${path.basename(values.prometheus)}.log`),
        )}`,
      );
      return;
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

main().catch(error => {
  say(`${error.message ?? error}`);
  process.exit(1);
});
