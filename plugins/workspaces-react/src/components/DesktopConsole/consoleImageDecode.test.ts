import type RFB from '@novnc/novnc';
import {
  applyImageDecodeMode,
  DEFAULT_CONSOLE_IMAGE_DECODE_MODE,
} from './consoleImageDecode';

// noVNC's own Display, found beside the RFB module the package exports.
const Display = require(require
  .resolve('@novnc/novnc')
  .replace(/rfb\.js$/, 'display.js')).default;

/** What reached the back buffer, in order: a decoded image or a fill. */
let drawn: string[] = [];

class RecordingContext {
  fillStyle = '';
  imageSmoothingEnabled = true;
  constructor(readonly canvas: HTMLCanvasElement) {}
  drawImage(source: { label?: string }) {
    if (source.label) drawn.push(source.label);
  }
  fillRect(x: number, y: number) {
    drawn.push(`fill ${x},${y}`);
  }
  putImageData() {}
  getImageData(_x: number, _y: number, w: number, h: number) {
    return { data: new Uint8ClampedArray(w * h * 4), width: w, height: h };
  }
  clearRect() {}
}

/** A decoded image, named after the bytes it came from. */
class FakeBitmap {
  closed = false;
  constructor(
    readonly label: string,
    readonly width = 4,
    readonly height = 4,
  ) {}
  close() {
    this.closed = true;
  }
}

/** createImageBitmap whose decodes the test finishes, or fails, by hand. */
function fakeDecoder() {
  const pending: Array<{
    label: string;
    finish(): void;
    fail(): void;
  }> = [];
  const decode = jest.fn(async (source: Blob | ImageData) => {
    if (!(source instanceof Blob)) return new FakeBitmap('transparent');
    const label = await source.text();
    return new Promise<FakeBitmap>((resolve, reject) =>
      pending.push({
        label,
        finish: () => resolve(new FakeBitmap(label)),
        fail: () => reject(new DOMException('bad JPEG', 'InvalidStateError')),
      }),
    );
  });
  return { decode, pending };
}

const settle = () => new Promise(r => setTimeout(r, 0));
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the console’s JPEG decoding', () => {
  const proto = HTMLCanvasElement.prototype;
  const browsers = proto.getContext;
  const hadBitmap = 'createImageBitmap' in globalThis;
  let decoder: ReturnType<typeof fakeDecoder>;
  beforeAll(() => {
    proto.getContext = function getContext(this: HTMLCanvasElement) {
      return new RecordingContext(this);
    } as any;
  });
  afterAll(() => {
    proto.getContext = browsers;
  });
  beforeEach(() => {
    drawn = [];
    decoder = fakeDecoder();
    (globalThis as any).createImageBitmap = decoder.decode;
    (globalThis as any).ImageData ??= class {
      constructor(readonly width: number, readonly height: number) {}
    };
  });
  afterEach(() => {
    if (!hadBitmap) delete (globalThis as any).createImageBitmap;
  });

  function makeDisplay(mode?: 'bitmap' | 'native') {
    const display = new Display(document.createElement('canvas'));
    display.resize(16, 16);
    applyImageDecodeMode({ _display: display } as unknown as RFB, mode);
    return display;
  }

  it('keeps noVNC’s decoding by default, as measured', () => {
    expect(DEFAULT_CONSOLE_IMAGE_DECODE_MODE).toBe('native');
    expect(
      Object.prototype.hasOwnProperty.call(makeDisplay(), 'imageRect'),
    ).toBe(false);
  });

  it('decodes with createImageBitmap in bitmap mode, from the bytes, not a data URL', async () => {
    const display = makeDisplay('bitmap');
    const data = bytes('jpeg-a');
    display.imageRect(0, 0, 4, 4, 'image/jpeg', data);
    // noVNC reuses its buffer: what was queued must not change with it.
    data.fill(0);
    await settle();
    expect(decoder.decode).toHaveBeenCalledTimes(1);
    const blob = decoder.decode.mock.calls[0][0] as Blob;
    expect(blob.type).toBe('image/jpeg');
    expect(decoder.pending.map(p => p.label)).toEqual(['jpeg-a']);
    decoder.pending[0].finish();
    await settle();
    expect(drawn).toEqual(['jpeg-a']);
  });

  it('keeps the server’s order while an earlier image is still decoding', async () => {
    const display = makeDisplay('bitmap');
    display.imageRect(0, 0, 4, 4, 'image/jpeg', bytes('first'));
    display.fillRect(8, 8, 2, 2, [1, 2, 3]);
    display.imageRect(4, 0, 4, 4, 'image/jpeg', bytes('second'));
    await settle();
    // The second decodes first; nothing may be drawn before the first.
    decoder.pending[1].finish();
    await settle();
    expect(drawn).toEqual([]);
    decoder.pending[0].finish();
    await settle();
    expect(drawn).toEqual(['first', 'fill 8,8', 'second']);
    expect(display._renderQ).toHaveLength(0);
  });

  it('does not hold later rectangles back behind a JPEG that fails to decode', async () => {
    const display = makeDisplay('bitmap');
    display.imageRect(0, 0, 4, 4, 'image/jpeg', bytes('broken'));
    display.fillRect(8, 8, 2, 2, [1, 2, 3]);
    await settle();
    decoder.pending[0].fail();
    await settle();
    await settle();
    expect(drawn).toEqual(['transparent', 'fill 8,8']);
    expect(display._renderQ).toHaveLength(0);
  });

  it('leaves noVNC’s own decoding where the browser has no createImageBitmap', () => {
    delete (globalThis as any).createImageBitmap;
    expect(
      Object.prototype.hasOwnProperty.call(makeDisplay('bitmap'), 'imageRect'),
    ).toBe(false);
  });
});
