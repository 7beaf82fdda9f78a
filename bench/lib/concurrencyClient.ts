/*
 * One client process of the concurrency benchmark: opens its share of the
 * sessions (through the portal with the frame client, or straight to the
 * synthetic server as the baseline), then asks each for one tile 30 times a
 * second and times each answer from request to last byte. Answers are
 * counted, not parsed: the synthetic server answers a request for a raw
 * tile with exactly 16 + w*h*4 bytes, so the client does little besides
 * reading its sockets, and several such processes keep up with 1,000
 * sessions. Its own event-loop delay is reported beside the latencies, so a
 * slow client shows instead of passing for a slow proxy.
 * Driven over IPC by console-concurrency.ts.
 */
import net from 'net';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import {
  RfbClient,
  socketTransport,
  type Transport,
} from '@internal/test-support';
import { openRawWebSocket } from './rawWebSocket';

export interface ConcurrencyClientOptions {
  mode: 'direct' | 'proxy';
  sessions: number;
  /** The synthetic server's port (direct), or the console's url, protocols and origin (proxy). */
  port?: number;
  url?: string;
  protocols?: string[];
  origin?: string;
  tile: number;
  perSecond: number;
}

export type ConcurrencyClientMessage =
  | { opened: number; failed: number }
  | {
      result: {
        latenciesMs: number[];
        bytes: number;
        stalled: number;
        dropped: number;
        loopDelayP99Ms: number;
      };
    };

interface Session {
  transport: Transport;
  sentAt: number;
  received: number;
  waiting: boolean;
  stopped: boolean;
}

const STALL_MS = 5000;

async function open(options: ConcurrencyClientOptions) {
  let transport: Transport & { onClose?(l: () => void): void };
  if (options.mode === 'direct') {
    const socket = net.connect(options.port!, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    transport = {
      ...socketTransport(socket),
      onClose: l => socket.once('close', l),
    };
  } else {
    transport = await openRawWebSocket(
      options.url!,
      options.protocols!,
      options.origin,
    );
  }
  await new RfbClient(transport).handshake();
  return transport;
}

async function main() {
  const options: ConcurrencyClientOptions = JSON.parse(process.argv[2]);
  const expected = 16 + options.tile * options.tile * 4;
  const period = 1000 / options.perSecond;
  const request = Buffer.alloc(10);
  request[0] = 3;
  request.writeUInt16BE(options.tile, 6);
  request.writeUInt16BE(options.tile, 8);

  const sessions: Session[] = [];
  const latencies: number[] = [];
  let bytes = 0;
  let dropped = 0;
  let stalled = 0;
  let failed = 0;
  let running = false;
  let closing = false;

  const send = (s: Session) => {
    if (s.stopped || !running) return;
    s.sentAt = performance.now();
    s.waiting = true;
    s.transport.send(request);
  };

  const track = (transport: Transport & { onClose?(l: () => void): void }) => {
    const s: Session = {
      transport,
      sentAt: 0,
      received: 0,
      waiting: false,
      stopped: false,
    };
    transport.onData(d => {
      s.received += d.length;
      if (!s.waiting || s.received < expected) return;
      const now = performance.now();
      if (running) {
        latencies.push(now - s.sentAt);
        bytes += expected;
      }
      s.received -= expected;
      s.waiting = false;
      setTimeout(() => send(s), Math.max(0, s.sentAt + period - now));
    });
    transport.onClose?.(() => {
      if (!closing && !s.stopped) dropped++;
      s.stopped = true;
    });
    sessions.push(s);
  };

  // Opened a few at a time: the portal admits each with a database write.
  const queue = Array.from({ length: options.sessions }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (queue.shift() !== undefined) {
        try {
          track(await open(options));
        } catch {
          failed++;
        }
      }
    }),
  );
  process.send!({ opened: sessions.length, failed });

  const loop = monitorEventLoopDelay({ resolution: 5 });
  process.on('message', (m: { run?: { seconds: number }; close?: true }) => {
    if (m.run) {
      running = true;
      loop.enable();
      // Spread over one period so the sessions do not tick in step.
      sessions.forEach((s, i) =>
        setTimeout(() => send(s), (i / sessions.length) * period),
      );
      const watchdog = setInterval(() => {
        const now = performance.now();
        for (const s of sessions) {
          if (!s.stopped && s.waiting && now - s.sentAt > STALL_MS) {
            stalled++;
            s.stopped = true;
          }
        }
      }, 1000);
      setTimeout(() => {
        running = false;
        loop.disable();
        clearInterval(watchdog);
        process.send!({
          result: {
            latenciesMs: latencies,
            bytes,
            stalled,
            dropped,
            loopDelayP99Ms: loop.percentile(99) / 1e6,
          },
        });
      }, m.run.seconds * 1000);
    }
    if (m.close) {
      closing = true;
      sessions.forEach(s => s.transport.close());
      setTimeout(() => process.exit(0), 500);
    }
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
