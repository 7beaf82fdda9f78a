import { mockApis } from '@backstage/test-utils';
import {
  CANVAS_MODE_PREFERENCE,
  DEFAULT_CONSOLE_CANVAS_MODE,
  withCanvasMode,
} from './consoleCanvas';
import {
  CONSOLE_PREFERENCES_BUCKET,
  readConsolePreference,
} from './useConsolePreference';

describe('the console canvas mode', () => {
  const proto = HTMLCanvasElement.prototype;
  const browsers = proto.getContext;
  let getContext: jest.Mock;

  beforeEach(() => {
    getContext = jest.fn(() => ({}));
    proto.getContext = getContext as any;
  });
  afterAll(() => {
    proto.getContext = browsers;
  });

  const contextOf = (kind: string, options?: unknown) =>
    (document.createElement('canvas').getContext as Function)(kind, options);

  it('keeps the standard canvases unless the person stored the opaque mode', async () => {
    const storage = mockApis.storage();
    const bucket = storage.forBucket(CONSOLE_PREFERENCES_BUCKET);
    expect(DEFAULT_CONSOLE_CANVAS_MODE).toBe('standard');
    await expect(
      readConsolePreference(storage, CANVAS_MODE_PREFERENCE),
    ).resolves.toBe('standard');
    await bucket.set('canvas', 'opaque');
    await expect(
      readConsolePreference(storage, CANVAS_MODE_PREFERENCE),
    ).resolves.toBe('opaque');
    await bucket.set('canvas', 'tampered');
    await expect(
      readConsolePreference(storage, CANVAS_MODE_PREFERENCE),
    ).resolves.toBe('standard');
  });

  it('gives 2D contexts made while noVNC constructs no alpha channel', () => {
    withCanvasMode('opaque', () => {
      contextOf('2d');
      contextOf('2d', { willReadFrequently: true });
      contextOf('webgl');
    });
    expect(getContext.mock.calls).toEqual([
      ['2d', { alpha: false }],
      ['2d', { willReadFrequently: true }],
      ['webgl', undefined],
    ]);
  });

  it('leaves contexts made afterwards, such as the cursor’s, as the browser makes them', () => {
    withCanvasMode('opaque', () => undefined);
    contextOf('2d');
    expect(proto.getContext).toBe(getContext);
    expect(getContext.mock.calls).toEqual([['2d', undefined]]);
  });

  it('puts the browser’s method back when the constructor throws', () => {
    expect(() =>
      withCanvasMode('opaque', () => {
        throw new Error('bad URL');
      }),
    ).toThrow('bad URL');
    expect(proto.getContext).toBe(getContext);
  });

  it('changes nothing in the standard mode', () => {
    const made = withCanvasMode('standard', () => {
      expect(proto.getContext).toBe(getContext);
      contextOf('2d');
      return 'client';
    });
    expect(made).toBe('client');
    expect(getContext.mock.calls).toEqual([['2d', undefined]]);
  });
});
