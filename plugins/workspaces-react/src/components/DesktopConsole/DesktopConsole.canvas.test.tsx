import { mockApis } from '@backstage/test-utils';
import { FakeWebSocket, renderConsole } from './__testUtils__/consoleFakes';
import { CONSOLE_PREFERENCES_BUCKET } from './useConsolePreference';

// noVNC makes its canvases' 2D contexts in its constructor; this stand-in
// does the same, so the test sees the options the console gets them made with.
jest.mock('@novnc/novnc', () => {
  const fake = jest.requireActual('./__testUtils__/fakeNovnc');
  class CanvasRFB extends fake.default {
    constructor(...args: any[]) {
      super(...args);
      document.createElement('canvas').getContext('2d');
    }
  }
  return { __esModule: true, ...fake, default: CanvasRFB };
});

// This machine is shared and slow; rendering the whole console takes a while.
jest.setTimeout(30_000);

describe('the console’s canvases', () => {
  const proto = HTMLCanvasElement.prototype;
  const browsers = proto.getContext;
  let getContext: jest.Mock;

  beforeAll(() => {
    (global as any).WebSocket = FakeWebSocket;
  });
  beforeEach(() => {
    getContext = jest.fn(() => ({}));
    proto.getContext = getContext as any;
  });
  afterAll(() => {
    proto.getContext = browsers;
  });

  it('are the browser’s standard ones by default', async () => {
    await renderConsole();
    expect(getContext.mock.calls).toEqual([['2d']]);
    expect(proto.getContext).toBe(getContext);
  });

  it('are opaque where the person stored that mode', async () => {
    const storage = mockApis.storage({
      data: { [CONSOLE_PREFERENCES_BUCKET]: { canvas: 'opaque' } },
    });
    await renderConsole({}, {}, storage);
    expect(getContext).toHaveBeenCalledWith('2d', { alpha: false });
    expect(proto.getContext).toBe(getContext);
  });
});
