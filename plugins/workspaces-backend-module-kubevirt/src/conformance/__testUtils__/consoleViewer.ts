import type { Duplex } from 'stream';
import {
  RFB_VERSION,
  RfbClient,
  socketTransport,
} from '@internal/test-support';

/**
 * A viewer on a desktop's console: the shared RFB client, plus what a run
 * against a real cluster needs on top. Every wait is bounded, so a silent
 * console fails the case instead of hanging it; and the viewer keeps how
 * the console ended, because the provider ends one with the error that says
 * why (another viewer took the seat, the desktop stopped).
 */
export class ConsoleViewer {
  private readonly client: RfbClient;
  private endedWith?: Error | 'end';
  private readonly ending: Promise<void>;

  constructor(readonly stream: Duplex) {
    this.client = new RfbClient(socketTransport(stream));
    this.ending = new Promise(resolve => {
      const finish = (how: Error | 'end') => {
        // The error arrives before `close`; it is the one that explains.
        this.endedWith ??= how;
        resolve();
      };
      stream.on('error', finish);
      stream.on('end', () => finish('end'));
      stream.on('close', () => finish('end'));
    });
  }

  /**
   * The RFB handshake up to ServerInit, so that the session is a real
   * viewer's that holds the seat, not a socket that merely opened. Resolves
   * with the version the server spoke.
   */
  async handshake(timeoutMs: number): Promise<string> {
    const ended = this.ending.then(() => {
      throw new Error(
        `The console ended during the RFB handshake: ${
          this.endedWith === 'end' ? 'closed' : this.endedWith?.message
        }`,
      );
    });
    const timeout = deadline(timeoutMs, () => {
      const spoke = this.client.version;
      return `The console did not finish the RFB handshake within ${timeoutMs} ms${
        spoke && spoke !== RFB_VERSION
          ? ` (it speaks ${JSON.stringify(spoke)})`
          : ''
      }`;
    });
    try {
      await Promise.race([this.client.handshake(), ended, timeout.expired]);
      return this.client.version;
    } finally {
      timeout.cancel();
    }
  }

  /**
   * How the console ended: its error, or undefined for a clean end. Rejects
   * when it is still open after `timeoutMs`.
   */
  async ended(timeoutMs: number): Promise<Error | undefined> {
    const timeout = deadline(
      timeoutMs,
      () => `The console was still open after ${timeoutMs} ms`,
    );
    try {
      await Promise.race([this.ending, timeout.expired]);
    } finally {
      timeout.cancel();
    }
    return this.endedWith === 'end' ? undefined : this.endedWith;
  }

  close() {
    this.client.close();
  }
}

function deadline(ms: number, message: () => string) {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return { expired, cancel: () => clearTimeout(timer) };
}
