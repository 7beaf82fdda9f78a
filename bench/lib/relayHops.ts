/*
 * Timestamps a console relay's hops, for the input-latency benchmark: when
 * the browser's socket yields bytes, when a key reaches the desktop's socket,
 * when the desktop's answer arrives and when it goes out to the browser. The
 * same wrapper runs in the portal backend (through relayProbePreload.cjs) and
 * in the bare relay (bareRelay.ts), so their hops compare one to one. Times
 * are on the wall clock (timeOrigin + now), as the browser page's are.
 */
import fs from 'fs';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import type { Duplex } from 'stream';
import type { relayToBrowser } from '../../plugins/workspaces-backend/src/console/relay';

type RelayOptions = Parameters<typeof relayToBrowser>[0];

export type HopKind = 'in' | 'key' | 'data' | 'send';

export interface HopEvent {
  t: number;
  /** Which variant the session belongs to, e.g. `portal proxy, unbatched`. */
  session: string;
  kind: HopKind;
}

export interface HopDump {
  events: HopEvent[];
  /** The process's event-loop delay over the run, ms. */
  loopDelay: { p50: number; p99: number; max: number; mean: number };
}

const now = () => performance.timeOrigin + performance.now();
const events: HopEvent[] = [];
// 1 ms is the finest resolution the histogram's timer offers.
const loop = monitorEventLoopDelay({ resolution: 1 });

// noVNC sends a key as RFB's KeyEvent (type 4) or, where the server offers
// it as TigerVNC does, QEMU's extended key event (type 255, subtype 0).
const isKey = (b: Buffer) => b[0] === 4 || (b[0] === 255 && b[1] === 0);

/**
 * How the relay sends what the desktop wrote: `batched` as the product does;
 * `unbatched` each chunk as its own message at once (maxMessage 1), as the
 * relay did before it batched per event-loop pass; `held` every chunk held
 * until the pass ends (sendAtOnce 0), as it did before small updates went
 * out at once.
 */
export type RelayMode = 'batched' | 'unbatched' | 'held';

export const RELAY_MODES: RelayMode[] = ['batched', 'unbatched', 'held'];

const MODE_OPTIONS: Record<RelayMode, Partial<RelayOptions>> = {
  batched: {},
  unbatched: { maxMessage: 1 },
  held: { sendAtOnce: 0 },
};

/** Returns the relay's options with every hop timestamped under `session`. */
export function instrumentRelay(
  options: RelayOptions,
  session: string,
  mode: RelayMode,
): RelayOptions {
  const record = (kind: HopKind) => events.push({ t: now(), session, kind });
  // Ahead of ws's own listener, which relays a message before it returns.
  // A second listener only observes: the stream is flowing already, and a
  // socket ws has paused stays paused.
  (options.socket as unknown as Duplex).prependListener('data', () =>
    record('in'),
  );
  const upstream = options.upstream;
  const write = upstream.write.bind(upstream) as (...a: unknown[]) => boolean;
  upstream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk) && isKey(chunk)) record('key');
    return write(chunk, ...rest);
  }) as typeof upstream.write;
  const ws = options.ws;
  const send = ws.send.bind(ws);
  const wrappedWs = Object.create(ws, {
    send: {
      value: (data: Buffer, opts: { fin: boolean }, cb?: () => void) => {
        if (opts.fin) record('send');
        send(data, opts as never, cb);
      },
    },
  });
  return {
    ...options,
    ws: wrappedWs,
    ...MODE_OPTIONS[mode],
    onChunk: chunk => {
      record('data');
      options.onChunk(chunk);
    },
  };
}

/** Writes the events and the loop delay since the last dump to `file`, and starts afresh. */
export function dumpHops(file: string) {
  const ms = (ns: number) => ns / 1e6;
  const dump: HopDump = {
    events,
    loopDelay: {
      p50: ms(loop.percentile(50)),
      p99: ms(loop.percentile(99)),
      max: ms(loop.max),
      mean: ms(loop.mean),
    },
  };
  // Renamed into place, so the benchmark never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(dump));
  fs.renameSync(`${file}.tmp`, file);
  events.length = 0;
  loop.reset();
}

/** Dumps on SIGUSR2 to `file`: the benchmark asks before its keys and after. */
export function dumpHopsOnSignal(file: string) {
  loop.enable();
  process.on('SIGUSR2', () => dumpHops(file));
}
