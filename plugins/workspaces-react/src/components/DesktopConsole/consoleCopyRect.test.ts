import type RFB from '@novnc/novnc';
import {
  applyCopyRectMode,
  DEFAULT_CONSOLE_COPY_RECT_MODE,
} from './consoleCopyRect';

// noVNC's own Display, found beside the RFB module the package exports.
const Display = require(require
  .resolve('@novnc/novnc')
  .replace(/rfb\.js$/, 'display.js')).default;

const W = 16;
const H = 12;

// Every draw, to tell a copy through a scratch canvas from a self-draw.
let draws: Array<{ source: HTMLCanvasElement; target: HTMLCanvasElement }> = [];
const contexts = new WeakMap<HTMLCanvasElement, PixelContext>();

/**
 * A 2D context over an RGBA array, as much of one as noVNC's Display and
 * the copy use. jsdom draws nothing. drawImage blends as source-over does
 * with opaque and transparent pixels, and reads its source before writing,
 * as a browser does when a canvas is drawn onto itself.
 */
class PixelContext {
  pixels = new Uint8ClampedArray(0);
  private size = '';
  fillStyle = '';
  imageSmoothingEnabled = true;
  constructor(readonly canvas: HTMLCanvasElement) {}
  /** The pixels, cleared when the canvas's size changed, as a browser clears them. */
  buffer() {
    const size = `${this.canvas.width}x${this.canvas.height}`;
    if (size !== this.size) {
      this.size = size;
      this.pixels = new Uint8ClampedArray(
        this.canvas.width * this.canvas.height * 4,
      );
    }
    return this.pixels;
  }
  private index(x: number, y: number) {
    return x >= 0 && y >= 0 && x < this.canvas.width && y < this.canvas.height
      ? (y * this.canvas.width + x) * 4
      : -1;
  }
  getImageData(x: number, y: number, w: number, h: number) {
    const data = new Uint8ClampedArray(w * h * 4);
    const px = this.buffer();
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const at = this.index(x + i, y + j);
        if (at >= 0) data.set(px.subarray(at, at + 4), (j * w + i) * 4);
      }
    return { data, width: w, height: h };
  }
  putImageData(
    img: { data: Uint8ClampedArray; width: number },
    x: number,
    y: number,
  ) {
    const px = this.buffer();
    const h = img.data.length / 4 / img.width;
    for (let j = 0; j < h; j++)
      for (let i = 0; i < img.width; i++) {
        const at = this.index(x + i, y + j);
        const from = (j * img.width + i) * 4;
        if (at >= 0) px.set(img.data.subarray(from, from + 4), at);
      }
  }
  fillRect(x: number, y: number, w: number, h: number) {
    const [r, g, b] = /(\d+),(\d+),(\d+)/
      .exec(this.fillStyle)!
      .slice(1)
      .map(Number);
    const rgba = new Uint8ClampedArray(w * h * 4).map(
      (_, k) => [r, g, b, 255][k % 4],
    );
    this.putImageData({ data: rgba, width: w }, x, y);
  }
  clearRect(x: number, y: number, w: number, h: number) {
    this.putImageData(
      { data: new Uint8ClampedArray(w * h * 4), width: w },
      x,
      y,
    );
  }
  drawImage(source: HTMLCanvasElement, ...a: number[]) {
    const [sx, sy, sw, sh, dx, dy, dw, dh] =
      a.length === 8
        ? a
        : [
            0,
            0,
            source.width,
            source.height,
            a[0],
            a[1],
            source.width,
            source.height,
          ];
    if (sw !== dw || sh !== dh) throw new Error('only 1:1 draws');
    draws.push({ source, target: this.canvas });
    const read = contextOf(source).getImageData(sx, sy, sw, sh).data;
    const px = this.buffer();
    for (let j = 0; j < sh; j++)
      for (let i = 0; i < sw; i++) {
        const at = this.index(dx + i, dy + j);
        const from = (j * sw + i) * 4;
        // A source pixel outside its canvas is transparent and leaves the destination.
        const inside =
          sx + i >= 0 &&
          sy + j >= 0 &&
          sx + i < source.width &&
          sy + j < source.height;
        if (at < 0 || !inside || read[from + 3] === 0) continue;
        if (read[from + 3] !== 255)
          throw new Error('only opaque pixels blend here');
        px.set(read.subarray(from, from + 4), at);
      }
  }
}

function contextOf(canvas: HTMLCanvasElement) {
  if (!contexts.has(canvas)) contexts.set(canvas, new PixelContext(canvas));
  return contexts.get(canvas)!;
}

/** noVNC's Display at W×H with every pixel a colour of its own, on a client. */
function makeDisplay(mode?: 'scratch' | 'native') {
  const target = document.createElement('canvas');
  const display = new Display(target);
  display.resize(W, H);
  const pattern = new Uint8ClampedArray(W * H * 4).map((_, k) =>
    k % 4 === 3 ? 255 : (k * 37 + (k >> 2)) % 256,
  );
  display._drawCtx.putImageData({ data: pattern, width: W }, 0, 0);
  applyCopyRectMode({ _display: display } as unknown as RFB, mode);
  draws = [];
  return display;
}

const pixelsOf = (display: any) =>
  Array.from(contextOf(display._backbuffer).buffer());

/** What a copy must leave: the source rectangle, as it was, at the destination. */
function copied(
  before: number[],
  ox: number,
  oy: number,
  nx: number,
  ny: number,
  w: number,
  h: number,
) {
  const after = [...before];
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const [sx, sy, dx, dy] = [ox + i, oy + j, nx + i, ny + j];
      if (sx < 0 || sy < 0 || sx >= W || sy >= H) continue;
      if (dx < 0 || dy < 0 || dx >= W || dy >= H) continue;
      for (let c = 0; c < 4; c++)
        after[(dy * W + dx) * 4 + c] = before[(sy * W + sx) * 4 + c];
    }
  return after;
}

describe('the console’s CopyRect', () => {
  const proto = HTMLCanvasElement.prototype;
  const browsers = proto.getContext;
  beforeAll(() => {
    proto.getContext = function getContext(this: HTMLCanvasElement) {
      return contextOf(this);
    } as any;
  });
  afterAll(() => {
    proto.getContext = browsers;
  });

  it('is the scratch copy by default', () => {
    expect(DEFAULT_CONSOLE_COPY_RECT_MODE).toBe('scratch');
    const display = makeDisplay();
    expect(Object.prototype.hasOwnProperty.call(display, 'copyImage')).toBe(
      true,
    );
  });

  it.each([
    ['to a place of its own', [1, 1, 9, 6, 5, 4]],
    ['a scroll up (overlapping)', [0, 3, 0, 0, W, H - 3]],
    ['a scroll down (overlapping)', [0, 0, 0, 3, W, H - 3]],
    ['a drag down and right (overlapping)', [2, 2, 4, 3, 8, 6]],
    ['with a source partly outside the desktop', [12, 9, 1, 1, 8, 6]],
  ])('moves the pixels %s as noVNC’s own copy would', (_, rect) => {
    const [ox, oy, nx, ny, w, h] = rect;
    for (const mode of ['scratch', 'native'] as const) {
      const display = makeDisplay(mode);
      // Leaves pixels in the scratch canvas, as earlier copies would.
      display.copyImage(0, 0, 0, 0, W, H);
      const before = pixelsOf(display);
      display.copyImage(ox, oy, nx, ny, w, h);
      expect(pixelsOf(display)).toEqual(copied(before, ox, oy, nx, ny, w, h));
    }
  });

  it('never draws the back buffer onto itself, which costs a copy of the whole canvas', () => {
    const display = makeDisplay();
    display.copyImage(0, 3, 0, 0, W, H - 3);
    display.copyImage(1, 1, 2, 2, 3, 3);
    expect(draws.length).toBe(4);
    expect(draws.some(d => d.source === d.target)).toBe(false);
    const native = makeDisplay('native');
    native.copyImage(1, 1, 2, 2, 3, 3);
    expect(draws).toEqual([
      { source: native._backbuffer, target: native._backbuffer },
    ]);
  });

  it('marks the destination as damaged, and the next flip shows exactly that', () => {
    const display = makeDisplay();
    display.flip();
    draws = [];
    display.copyImage(1, 1, 9, 6, 5, 4);
    expect(display._damageBounds).toEqual({
      left: 9,
      top: 6,
      right: 14,
      bottom: 10,
    });
    const shown = contextOf(display._target);
    const before = Array.from(shown.buffer());
    display.flip();
    const after = pixelsOf(display);
    const expected = [...before];
    for (let y = 6; y < 10; y++)
      for (let x = 9; x < 14; x++)
        for (let c = 0; c < 4; c++)
          expected[(y * W + x) * 4 + c] = after[(y * W + x) * 4 + c];
    expect(Array.from(shown.buffer())).toEqual(expected);
  });

  it('waits in noVNC’s render queue behind drawing not yet ready, and keeps its order', async () => {
    const display = makeDisplay();
    let ready: () => void = () => {};
    const frame = {
      ready: false,
      promise: new Promise<void>(r => {
        ready = r;
      }),
      frame: Object.assign(document.createElement('canvas'), {
        width: 2,
        height: 2,
      }),
    };
    Object.assign(frame.frame, { codedWidth: 2, codedHeight: 2, close() {} });
    contextOf(frame.frame).fillStyle = 'rgb(1,2,3)';
    contextOf(frame.frame).fillRect(0, 0, 2, 2);
    display.videoFrame(0, 0, 2, 2, frame);
    const before = pixelsOf(display);
    // The copy takes the frame's pixels along, so it must run after it.
    display.copyImage(0, 0, 10, 8, 2, 2);
    expect(display._renderQ.map((a: any) => a.type)).toEqual(['frame', 'copy']);
    expect(pixelsOf(display)).toEqual(before);
    frame.ready = true;
    ready();
    await display.flush();
    expect(display._renderQ).toEqual([]);
    const px = pixelsOf(display);
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [10, 8],
      [11, 9],
    ])
      expect(px.slice((y * W + x) * 4, (y * W + x) * 4 + 4)).toEqual([
        1, 2, 3, 255,
      ]);
  });

  it('leaves noVNC’s copy alone in the native mode, and a client without a Display', () => {
    const display = makeDisplay('native');
    expect(Object.prototype.hasOwnProperty.call(display, 'copyImage')).toBe(
      false,
    );
    const bare = { _display: { flip() {} } };
    expect(() => applyCopyRectMode(bare as unknown as RFB)).not.toThrow();
    expect(bare._display).toEqual({ flip: expect.any(Function) });
  });
});
