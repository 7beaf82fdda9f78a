/**
 * Reads the browser-to-desktop RFB stream of a view-only console session
 * and lets through only what watching needs: the handshake, pixel format,
 * encodings, update requests, continuous updates and fences. Keys, pointer,
 * clipboard, resizes and power (XVP) requests are dropped here, in the
 * proxy, so a modified browser cannot type into a desktop it may only watch.
 *
 * Message layouts follow the RFB protocol (RFC 6143 section 7.5 and the
 * community extensions in rfbproto). The stream is parsed by position, not
 * by websocket frame: a message may be split over frames or several may
 * share one, so state carries over between chunks.
 */

/** Thrown when the stream cannot be followed; ends the session. */
export class RfbFilterError extends Error {
  name = 'RfbFilterError';
}

type State = 'version' | 'security' | 'vncAuth' | 'clientInit' | 'messages';

type Step =
  | {
      kind: 'forward';
      length: number;
      rewrite?: (m: Buffer) => void;
      /** The state once this message has passed in full. */
      then?: State;
    }
  | { kind: 'drop'; length: number };

const SECURITY_NONE = 1;
const SECURITY_VNC_AUTH = 2;
// Far above the few dozen encodings noVNC announces; bounds what is buffered.
const MAX_ENCODINGS = 1024;

/**
 * Steps of the client's normal messages by type, given the bytes at hand
 * (the header is read only once it is complete).
 */
function messageStep(buf: Buffer, at: number): Step | undefined {
  const have = buf.length - at;
  const type = buf[at];
  const need = (n: number) => have >= n;
  switch (type) {
    case 0: // SetPixelFormat
      return { kind: 'forward', length: 20 };
    case 2: {
      // SetEncodings: type, padding, u16 count, then s32 each
      if (!need(4)) return undefined;
      const count = buf.readUInt16BE(at + 2);
      if (count > MAX_ENCODINGS) {
        throw new RfbFilterError(`SetEncodings announced ${count} encodings`);
      }
      return { kind: 'forward', length: 4 + 4 * count };
    }
    case 3: // FramebufferUpdateRequest
      return { kind: 'forward', length: 10 };
    case 4: // KeyEvent
      return { kind: 'drop', length: 8 };
    case 5: // PointerEvent
      return { kind: 'drop', length: 6 };
    case 6: {
      // ClientCutText: type, 3 padding, s32 length, text. The extended
      // clipboard sends a negative length whose magnitude is the size.
      if (!need(8)) return undefined;
      return { kind: 'drop', length: 8 + Math.abs(buf.readInt32BE(at + 4)) };
    }
    case 150: // EnableContinuousUpdates
      return { kind: 'forward', length: 10 };
    case 248: {
      // Fence: type, 3 padding, u32 flags, u8 length, payload
      if (!need(9)) return undefined;
      return { kind: 'forward', length: 9 + buf[at + 8] };
    }
    case 250: // XVP: shutdown, reboot or reset of the machine
      return { kind: 'drop', length: 4 };
    case 251: {
      // SetDesktopSize: type, pad, u16 w, u16 h, u8 screens, pad, 16 each
      if (!need(8)) return undefined;
      return { kind: 'drop', length: 8 + 16 * buf[at + 6] };
    }
    case 255: {
      // QEMU client message, by subtype
      if (!need(2)) return undefined;
      const subtype = buf[at + 1];
      if (subtype === 0) return { kind: 'drop', length: 12 }; // extended key
      if (subtype === 1) {
        // Audio: u16 operation; set-format (2) carries 6 more bytes
        if (!need(4)) return undefined;
        return {
          kind: 'forward',
          length: buf.readUInt16BE(at + 2) === 2 ? 10 : 4,
        };
      }
      throw new RfbFilterError(`Unknown QEMU client message ${subtype}`);
    }
    default:
      throw new RfbFilterError(`Unknown RFB client message type ${type}`);
  }
}

/** One view-only session's filter; feed it every binary frame in order. */
export class RfbClientFilter {
  private state: State = 'version';
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a dropped message still to come. */
  private skip = 0;
  /** Messages dropped so far, for tests and the session's audit line. */
  dropped = 0;

  /**
   * Takes the next chunk from the browser and answers what may reach the
   * desktop (possibly nothing). Throws RfbFilterError, with a one-line
   * reason, on a stream it cannot follow.
   */
  push(chunk: Buffer): Buffer {
    const buf =
      this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - at);
        at += n;
        this.skip -= n;
        if (this.skip > 0) break;
      }
      if (at >= buf.length) break;
      const step = this.step(buf, at);
      if (!step) break;
      if (step.kind === 'drop') {
        this.dropped += 1;
        this.skip = step.length;
        continue;
      }
      if (buf.length - at < step.length) break;
      const message = Buffer.from(buf.subarray(at, at + step.length));
      step.rewrite?.(message);
      out.push(message);
      at += step.length;
      if (step.then) this.state = step.then;
    }
    this.pending = Buffer.from(buf.subarray(at));
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  private step(buf: Buffer, at: number): Step | undefined {
    switch (this.state) {
      case 'version': {
        if (buf.length - at < 12) return undefined;
        const version = /^RFB (\d{3})\.(\d{3})\n$/.exec(
          buf.toString('latin1', at, at + 12),
        );
        if (!version) throw new RfbFilterError('Malformed RFB ProtocolVersion');
        const [major, minor] = [Number(version[1]), Number(version[2])];
        // 3.3 lets the server pick the security type unseen by this stream.
        if (major < 3 || (major === 3 && minor < 7)) {
          throw new RfbFilterError(
            `View-only consoles need RFB 3.7 or later, not ${major}.${minor}`,
          );
        }
        return { kind: 'forward', length: 12, then: 'security' };
      }
      case 'security': {
        const type = buf[at];
        if (type !== SECURITY_NONE && type !== SECURITY_VNC_AUTH) {
          throw new RfbFilterError(
            `View-only consoles support RFB security None and VNC only, not ${type}`,
          );
        }
        return {
          kind: 'forward',
          length: 1,
          then: type === SECURITY_NONE ? 'clientInit' : 'vncAuth',
        };
      }
      case 'vncAuth':
        // The DES response to the server's 16-byte challenge.
        return { kind: 'forward', length: 16, then: 'clientInit' };
      case 'clientInit':
        // Shared, so watching never disconnects the people already there.
        return {
          kind: 'forward',
          length: 1,
          then: 'messages',
          rewrite: m => {
            m[0] = 1;
          },
        };
      default:
        return messageStep(buf, at);
    }
  }
}
