/*
 * The frame profile's table: per workload and variant, the median over the
 * rounds of frames per second, main-thread ms per frame and Mbit/s, with
 * ratios to "before" measured in the same run, and the profile's split of
 * a frame's main-thread time. Medians, because other work on the machine
 * slows single rounds down by several times.
 */

export interface FrameResult {
  frames: number;
  fps: number;
  msPerFrame: number;
  mbit: number;
  encodings: Record<string, number>;
  selfMsPerFrame: Record<string, number>;
  /** The one-minute load average when the round ended. */
  load: number;
  /** How noVNC scales the canvas, and the size it gives it. */
  scale: string;
  /** The live client's quality, view, CopyRect and canvas settings. */
  settings?: string;
}

export function median(values: number[]) {
  const s = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median round of a variant, field by field. */
export function summarise(rounds: FrameResult[]) {
  const keys = (pick: (r: FrameResult) => Record<string, number>) => [
    ...new Set(rounds.flatMap(r => Object.keys(pick(r)))),
  ];
  const medianOf = (pick: (r: FrameResult) => Record<string, number>) =>
    Object.fromEntries(
      keys(pick).map(k => [k, median(rounds.map(r => pick(r)[k] ?? 0))]),
    );
  return {
    rounds: rounds.length,
    fps: median(rounds.map(r => r.fps)),
    msPerFrame: median(rounds.map(r => r.msPerFrame)),
    mbit: median(rounds.map(r => r.mbit)),
    encodingsPerFrame: medianOf(r =>
      Object.fromEntries(
        Object.entries(r.encodings).map(([k, v]) => [
          k,
          v / Math.max(1, r.frames),
        ]),
      ),
    ),
    selfMsPerFrame: medianOf(r => r.selfMsPerFrame),
    loads: rounds.map(r => r.load.toFixed(1)).join(' '),
    scales: [...new Set(rounds.map(r => r.scale))].join('; '),
    settings: [...new Set(rounds.map(r => r.settings ?? '?'))].join('; '),
  };
}

const ratio = (a: number, b?: number) =>
  b === undefined || !b ? '' : (a / b).toFixed(2);

/** Table rows, with ratios against the "before" variant of each workload. */
export function reportRows(
  results: Record<string, Record<string, FrameResult[]>>,
) {
  const rows = [];
  const notes: string[] = [];
  for (const [workload, byVariant] of Object.entries(results)) {
    const base = byVariant.before?.length
      ? summarise(byVariant.before)
      : undefined;
    for (const [name, rounds] of Object.entries(byVariant)) {
      if (!rounds.length) continue;
      const r = summarise(rounds);
      const top = Object.entries(r.selfMsPerFrame)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join('; ');
      rows.push({
        workload,
        variant: name,
        rounds: r.rounds,
        fps: r.fps.toFixed(1),
        'fps ×': ratio(r.fps, base?.fps),
        'main ms/frame': r.msPerFrame.toFixed(1),
        'ms/frame ×': ratio(r.msPerFrame, base?.msPerFrame),
        'Mbit/s': r.mbit.toFixed(1),
        'rects/frame': Object.entries(r.encodingsPerFrame)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', '),
        loads: r.loads,
      });
      notes.push(
        `${workload}, ${name}: self ms/frame ${top}; canvas scale ${r.scales}; ${r.settings}`,
      );
    }
  }
  return { rows, notes };
}
