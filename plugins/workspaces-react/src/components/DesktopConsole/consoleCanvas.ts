import type { ConsolePreference } from './useConsolePreference';

/**
 * How the console's canvases are made. `opaque` gives noVNC's visible
 * canvas and its back buffer 2D contexts without an alpha channel: a
 * desktop has no transparent pixels, and an opaque canvas lets Chromium
 * copy the back buffer onto the screen and paint it without blending every
 * pixel. `standard` is the browser's default context, as noVNC makes it.
 * @public
 */
export type ConsoleCanvasMode = 'opaque' | 'standard';

/**
 * The mode a console uses unless the person stored another. `standard`:
 * on the loaded two-core test machine `opaque` was faster in two runs of
 * three and slower in the third (issue 24; bench/README.md, frame-profile),
 * so it stays a choice until a quiet machine shows it pays.
 * @public
 */
export const DEFAULT_CONSOLE_CANVAS_MODE: ConsoleCanvasMode = 'standard';

/** The person's mode: key `canvas` in the console preferences' bucket. */
export const CANVAS_MODE_PREFERENCE: ConsolePreference<ConsoleCanvasMode> = {
  key: 'canvas',
  values: ['standard', 'opaque'],
  fallback: DEFAULT_CONSOLE_CANVAS_MODE,
};

/** The 2D context options of a mode; undefined leaves the browser's defaults. */
export function canvasContextOptions(
  mode: ConsoleCanvasMode,
): CanvasRenderingContext2DSettings | undefined {
  return mode === 'opaque' ? { alpha: false } : undefined;
}

/**
 * Runs `make` (noVNC's RFB constructor, which makes both canvases and
 * their contexts) with the mode's options given to every 2D context made
 * meanwhile without options of its own. noVNC takes no context options,
 * and a canvas keeps the options of its first context, so they must be
 * there when noVNC asks; the browser's own method is back before `make`
 * returns or throws. noVNC's cursor canvas gets its context later, and
 * keeps its transparency.
 */
export function withCanvasMode<T>(mode: ConsoleCanvasMode, make: () => T): T {
  const options = canvasContextOptions(mode);
  if (!options) return make();
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  proto.getContext = function getContext(
    this: HTMLCanvasElement,
    kind: string,
    given?: unknown,
  ) {
    return (original as Function).call(
      this,
      kind,
      kind === '2d' && given === undefined ? options : given,
    );
  } as typeof original;
  try {
    return make();
  } finally {
    proto.getContext = original;
  }
}
