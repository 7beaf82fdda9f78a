import type RFB from '@novnc/novnc';

/**
 * How the console decodes a JPEG rectangle (the Tight encoding's photo
 * mode, which the quality presets let the server choose for image-rich
 * areas). noVNC's Display base64-encodes the JPEG into a `data:` URL on
 * the main thread and lets an `<img>` decode it (`native`). `bitmap` hands
 * the bytes to `createImageBitmap`, which decodes them off the main thread
 * without the base64 round trip.
 * @public
 */
export type ConsoleImageDecodeMode = 'bitmap' | 'native';

/**
 * `native`: in Chromium with software rendering, the full-screen change
 * workload (JPEG rectangles) drew 32.9 fps with noVNC's decoding against
 * 9.3 and 14.2 with `bitmap` in the same run: building the Blob alone took
 * 14 ms a frame, more than the base64 it saves (bench/README.md,
 * frame-profile, 2026-11-30 13:10). `bitmap` stays an option for a browser
 * with GPU decoding, where it is yet to be measured.
 * @public
 */
export const DEFAULT_CONSOLE_IMAGE_DECODE_MODE: ConsoleImageDecodeMode =
  'native';

/** A decoded image as noVNC's render queue takes a video frame (core/display.js, `videoFrame`). */
interface QueuedFrame {
  ready: boolean;
  frame?: ImageBitmap;
  promise: Promise<void>;
}

/** The parts of noVNC's Display an image touches; noVNC keeps them private. */
interface NoVncDisplay {
  imageRect(
    x: number,
    y: number,
    w: number,
    h: number,
    mime: string,
    data: Uint8Array,
  ): void;
  videoFrame(x: number, y: number, w: number, h: number, f: QueuedFrame): void;
}

/**
 * Gives the client's Display the mode's image decoding. Only this instance
 * changes, and the decoded image goes through noVNC's render queue as a
 * video frame does, so rectangles still land in the order the server sent
 * them. A browser without `createImageBitmap`, or a client without a
 * Display of the known shape, keeps noVNC's own.
 */
export function applyImageDecodeMode(
  client: RFB,
  mode: ConsoleImageDecodeMode = DEFAULT_CONSOLE_IMAGE_DECODE_MODE,
): void {
  const display = (client as unknown as { _display?: NoVncDisplay })._display;
  if (
    mode === 'native' ||
    typeof createImageBitmap !== 'function' ||
    typeof display?.imageRect !== 'function' ||
    typeof display.videoFrame !== 'function'
  )
    return;
  display.imageRect = function imageRect(
    this: NoVncDisplay,
    x,
    y,
    w,
    h,
    mime,
    data,
  ) {
    // noVNC's queue cannot hold an empty image either.
    if (w === 0 || h === 0) return;
    const queued: QueuedFrame = { ready: false, promise: Promise.resolve() };
    // The Blob copies the bytes now: noVNC reuses its receive buffer.
    queued.promise = createImageBitmap(new Blob([data], { type: mime }))
      // A JPEG the browser cannot decode must not hold every later
      // rectangle back: a transparent image leaves the area as it was.
      .catch(() => createImageBitmap(new ImageData(w, h)))
      .then(bitmap => {
        queued.frame = bitmap;
        queued.ready = true;
      });
    this.videoFrame(x, y, w, h, queued);
  };
}
