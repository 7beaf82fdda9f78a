import type { WorkspaceMetrics } from '../service/WorkspaceMetrics';

/**
 * One console session as Prometheus sees it, from the moment its desktop is
 * asked to open. The relay counts bytes in plain numbers on its hot path;
 * they reach Prometheus in batches, through `flush`.
 */
export function sessionMetrics(metrics: WorkspaceMetrics) {
  const started = Date.now();
  let countedTo = 0;
  let countedFrom = 0;
  const flush = (bytesToDesktop: number, bytesFromDesktop: number) => {
    metrics.bytesRelayed.inc(
      { direction: 'to_desktop' },
      bytesToDesktop - countedTo,
    );
    metrics.bytesRelayed.inc(
      { direction: 'from_desktop' },
      bytesFromDesktop - countedFrom,
    );
    countedTo = bytesToDesktop;
    countedFrom = bytesFromDesktop;
  };
  return {
    flush,
    /** Whole seconds since the desktop was asked to open. */
    seconds: () => Math.round((Date.now() - started) / 1000),
    /** The session is relaying, or about to. */
    begin: () => metrics.sessionsActive.inc(),
    end(code: number, bytesToDesktop: number, bytesFromDesktop: number) {
      metrics.sessionsActive.dec();
      metrics.sessionsTotal.inc({
        outcome: code === 1000 || code === 1001 ? 'normal' : String(code),
      });
      metrics.sessionDuration.observe((Date.now() - started) / 1000);
      flush(bytesToDesktop, bytesFromDesktop);
    },
  };
}
