import type { Duplex } from 'stream';
import type { WebSocket } from 'ws';
import {
  CONSOLE_CLOSE_CODES,
  isConsoleInputFrame,
} from '@desktop-mania/plugin-workspaces-common';
import { closeCodeFor } from './consoleAdmission';
import { RfbClientFilter } from './rfbClientFilter';

/** Ends a console session with a close code and the reason the browser reads. */
type Finish = (code: number, reason: string) => void;

/**
 * Relays the browser's frames to the desktop: binary frames are RFB, text
 * frames the console page's control channel, which never reaches the
 * desktop. A desktop that reads slowly stops the reading from the browser
 * instead of growing memory.
 */
export function relayToDesktop(options: {
  ws: WebSocket;
  upstream: Duplex;
  /**
   * Passes the browser's RFB through a parser that drops keys, pointer and
   * clipboard; parsed here, not in the browser, so a watcher cannot send
   * input.
   */
  viewOnly: boolean;
  onText(text: string): void;
  /** A frame a person caused; a watcher's still shows someone is there. */
  onInput(): void;
  /** Sees every chunk written to the desktop: byte counts. */
  onChunk(chunk: Buffer): void;
  fail: Finish;
}) {
  const { ws, upstream, onText, onInput, onChunk, fail } = options;
  const filter = options.viewOnly ? new RfbClientFilter() : undefined;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      onText(data.toString('utf8'));
      return;
    }
    if (isConsoleInputFrame(data)) onInput();
    let toDesktop = data;
    if (filter) {
      try {
        toDesktop = filter.push(data);
      } catch (error) {
        fail(1008, `View-only console: ${(error as Error).message}`);
        return;
      }
      if (toDesktop.length === 0) return;
    }
    onChunk(toDesktop);
    if (!upstream.write(toDesktop)) {
      ws.pause();
      upstream.once('drain', () => ws.resume());
    }
  });
}

/**
 * Ends the session when the desktop's stream ends. Providers end it with an
 * error that says why (stopped, taken over, migrating), so the browser
 * learns it as a close code.
 */
export function finishWithDesktop(upstream: Duplex, finish: Finish) {
  upstream.on('end', () => finish(1000, 'The desktop closed the connection'));
  upstream.on('close', () => finish(1000, 'The desktop closed the connection'));
  upstream.on('error', error => {
    const code = closeCodeFor(error);
    finish(
      code,
      code === CONSOLE_CLOSE_CODES.upstreamFailed
        ? `Desktop connection failed: ${error.message}`
        : error.message,
    );
  });
}
