import type RFB from '@novnc/novnc';

/**
 * How the console draws a CopyRect (a part of the desktop the server says
 * moved, as when a window is dragged or text scrolls). noVNC's Display
 * draws its back buffer onto itself (`native`); Chromium pays for such a
 * self-draw with a copy of the whole canvas, whatever the rectangle's size
 * (224–281 ms per copy at 1600x900 with software rendering, for 40x12
 * pixels as for the whole screen). `scratch` copies the moved rectangle
 * alone, through a canvas of its size kept for the next one: within the
 * measurement's noise of nothing, where `getImageData`/`putImageData` took
 * 7–209 ms (bench/README.md, frame-profile, `lib/frameCopyCost.ts`).
 * @public
 */
export type ConsoleCopyRectMode = 'scratch' | 'native';

/**
 * `scratch`: the window drag drew 5–6 CopyRects a frame, and their
 * self-draws took most of its frame time (issue 24; bench/README.md,
 * frame-profile).
 * @public
 */
export const DEFAULT_CONSOLE_COPY_RECT_MODE: ConsoleCopyRectMode = 'scratch';

/** The parts of noVNC's Display (core/display.js) a copy touches; noVNC keeps them private. */
interface NoVncDisplay {
  _renderQ: unknown[];
  _backbuffer: HTMLCanvasElement;
  _drawCtx: CanvasRenderingContext2D;
  _damage(x: number, y: number, w: number, h: number): void;
  copyImage(
    oldX: number,
    oldY: number,
    newX: number,
    newY: number,
    w: number,
    h: number,
    fromQueue?: boolean,
  ): void;
}

/**
 * Gives the client's Display the mode's copy. Only this instance changes:
 * noVNC is not forked, and its render queue still decides when a copy runs
 * (a copy behind an image still decoding is queued by noVNC's own method,
 * and the queue calls the instance's method back when its turn comes). A
 * client without a Display of the known shape keeps its own.
 */
export function applyCopyRectMode(
  client: RFB,
  mode: ConsoleCopyRectMode = DEFAULT_CONSOLE_COPY_RECT_MODE,
): void {
  const display = (client as unknown as { _display?: NoVncDisplay })._display;
  if (
    mode === 'native' ||
    typeof display?.copyImage !== 'function' ||
    !display._backbuffer ||
    !Array.isArray(display._renderQ)
  )
    return;
  const novncCopy = display.copyImage;
  let scratch: HTMLCanvasElement | undefined;
  let scratchCtx: CanvasRenderingContext2D | null = null;
  display.copyImage = function copyImage(
    this: NoVncDisplay,
    oldX,
    oldY,
    newX,
    newY,
    w,
    h,
    fromQueue,
  ) {
    if (this._renderQ.length !== 0 && !fromQueue) {
      novncCopy.call(this, oldX, oldY, newX, newY, w, h, fromQueue);
      return;
    }
    if (w > 0 && h > 0) {
      // Grown, never shrunk: resizing a canvas allocates it afresh.
      if (!scratch) scratch = document.createElement('canvas');
      if (scratch.width < w) scratch.width = w;
      if (scratch.height < h) scratch.height = h;
      scratchCtx ??= scratch.getContext('2d');
      const ctx = this._drawCtx;
      if (!scratchCtx) {
        novncCopy.call(this, oldX, oldY, newX, newY, w, h, true);
        return;
      }
      // Cleared, so that a part of the source outside the back buffer, or
      // never drawn, is transparent as in noVNC's self-draw, which leaves
      // the destination there as it was.
      scratchCtx.clearRect(0, 0, w, h);
      // Reset with every resize, and a copy must not blur (see noVNC's own).
      scratchCtx.imageSmoothingEnabled = false;
      ctx.imageSmoothingEnabled = false;
      scratchCtx.drawImage(this._backbuffer, oldX, oldY, w, h, 0, 0, w, h);
      ctx.drawImage(scratch, 0, 0, w, h, newX, newY, w, h);
    }
    this._damage(newX, newY, w, h);
  };
}
