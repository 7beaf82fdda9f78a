import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';

/** Prometheus metrics of desktops and console sessions, served at /metrics. */
export class WorkspaceMetrics {
  readonly registry = new Registry();

  readonly workspaces = new Gauge({
    name: 'desktopmania_workspaces',
    help: 'Desktops by cluster and phase, as of the last housekeeping pass',
    labelNames: ['cluster', 'phase'] as const,
    registers: [this.registry],
  });

  readonly sessionsActive = new Gauge({
    name: 'desktopmania_console_sessions_active',
    help: 'Console sessions being relayed now',
    registers: [this.registry],
  });

  readonly sessionsTotal = new Counter({
    name: 'desktopmania_console_sessions_total',
    help: 'Console sessions ended, by close reason class',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly bytesRelayed = new Counter({
    name: 'desktopmania_console_bytes_total',
    help: 'Bytes relayed by the console proxy',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  readonly sessionDuration = new Histogram({
    name: 'desktopmania_console_session_duration_seconds',
    help: 'How long console sessions lasted',
    buckets: [1, 10, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'desktopmania_backend_',
    });
  }

  setWorkspaces(workspaces: Workspace[]) {
    this.workspaces.reset();
    for (const w of workspaces) {
      this.workspaces.inc({ cluster: w.cluster, phase: w.status.phase });
    }
  }
}
