import { Duplex } from 'stream';
import WebSocket from 'ws';
import type { ConsoleStream } from '@desktop-mania/plugin-workspaces-node';

export interface VncStreamOptions {
  /** How often to ping KubeVirt; a ping unanswered by the next one ends the stream. */
  keepaliveMs: number;
  /**
   * Asked when the socket closes without the portal closing it: the error
   * to end the stream with, or undefined to end it cleanly.
   */
  explainEnd(transportError?: Error): Promise<Error | undefined>;
}

/**
 * The raw RFB bytes of KubeVirt's VNC websocket as a stream, with the
 * socket's backpressure. It ends with the error `explainEnd` gives, so the
 * console proxy can tell the browser why the desktop went away.
 */
export class VncStream extends Duplex {
  /** Which display the bytes come from: set by whoever opened it. */
  consoleDisplay?: ConsoleStream['consoleDisplay'];
  private opened = false;
  private answered = true;
  private transportError?: Error;
  private keepalive?: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: VncStreamOptions,
  ) {
    super({ allowHalfOpen: false });
    // KubeVirt speaks first (its RFB version): listen before the socket opens.
    socket.on('message', (data: Buffer) => {
      if (!this.push(data)) socket.pause();
    });
    socket.once('open', () => this.onOpen());
    socket.on('pong', () => {
      this.answered = true;
    });
    socket.on('error', error => {
      this.transportError ??= error;
    });
    socket.on('close', () => this.onClose());
  }

  private onOpen() {
    this.opened = true;
    // virt-api streams VNC raw, without pings of its own
    // (kubevirt/kubevirt pkg/virt-api/rest/streamer.go `NewRawStreamer`), and
    // proxies on the way drop quiet connections. virt-handler answers pings.
    this.keepalive = setInterval(() => {
      // A paused socket reads no pongs: a slow browser is not a dead desktop.
      if (this.socket.isPaused) return;
      if (!this.answered) {
        this.transportError ??= new Error(
          `KubeVirt did not answer a ping within ${this.options.keepaliveMs} ms`,
        );
        this.socket.terminate();
        return;
      }
      this.answered = false;
      this.socket.ping();
    }, this.options.keepaliveMs);
    this.keepalive.unref();
  }

  private onClose() {
    clearInterval(this.keepalive);
    // Closed by the portal, or before it opened (the opener reports that).
    if (this.destroyed || this.writableEnded || !this.opened) return;
    this.options
      .explainEnd(this.transportError)
      .catch(error => error as Error)
      .then(error => {
        if (this.destroyed) return;
        if (error) this.destroy(error);
        else this.push(null);
      });
  }

  _read() {
    this.socket.resume();
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    if (this.socket.readyState !== WebSocket.OPEN) {
      // The socket is gone and the stream ends once it is known why.
      callback();
      return;
    }
    // The callback runs once the frame is on the wire: that is the backpressure.
    this.socket.send(chunk, { binary: true }, () => callback());
  }

  _final(callback: () => void) {
    this.socket.close(1000);
    callback();
  }

  _destroy(error: Error | null, callback: (error: Error | null) => void) {
    clearInterval(this.keepalive);
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.terminate();
    callback(error);
  }
}
