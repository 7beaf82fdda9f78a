import type RFB from '@novnc/novnc';
import FakeRFB from './__testUtils__/fakeNovnc';
import { ConsoleChannel } from './consoleChannel';
import { applyQuality, applyView, createConsoleClient } from './consoleClient';

const socket = () => new EventTarget() as unknown as WebSocket;

function create(
  settings: Parameters<typeof createConsoleClient>[4],
  RFBClass: unknown = FakeRFB,
) {
  const target = document.createElement('div');
  const channel = new ConsoleChannel(socket());
  const client = createConsoleClient(
    RFBClass as typeof RFB,
    target,
    channel,
    'standard',
    settings,
  ) as unknown as FakeRFB;
  return { client, channel, target };
}

describe('createConsoleClient', () => {
  it('makes a shared client over the channel, on the screen element', () => {
    const { client, channel, target } = create({
      mode: 'fit',
      viewOnly: false,
    });
    expect(client).toBeInstanceOf(FakeRFB);
    expect(client.target).toBe(target);
    expect(client.channel).toBe(channel);
    expect(client.options).toEqual({ shared: true });
    expect(client.background).toBe('#1e1e1e');
  });

  it('sets the view and quality before the first frame', () => {
    const fit = create({ mode: 'fit', viewOnly: false }).client;
    expect(fit).toMatchObject({
      scaleViewport: true,
      resizeSession: true,
      viewOnly: false,
      // Broadband, the default preset.
      qualityLevel: 6,
      compressionLevel: 2,
    });
    const actual = create({
      mode: 'actual',
      viewOnly: true,
      quality: 'lowBandwidth',
    }).client;
    expect(actual).toMatchObject({
      scaleViewport: false,
      resizeSession: false,
      viewOnly: true,
      qualityLevel: 2,
      compressionLevel: 9,
    });
  });

  it('counts the frames the client draws on its channel', () => {
    const { client, channel } = create({ mode: 'fit', viewOnly: false });
    client._display.flip();
    client._display.flip();
    expect(channel.countsFrames).toBe(true);
    expect(channel.framesReceived).toBe(2);
  });

  it('makes the client’s canvases in the mode asked for', () => {
    const asked: unknown[] = [];
    const proto = HTMLCanvasElement.prototype;
    const original = proto.getContext;
    proto.getContext = function getContext(_kind: string, given?: unknown) {
      asked.push(given);
      return null;
    } as typeof original;
    // Makes its canvas as noVNC does, while it is constructed.
    class CanvasRFB extends FakeRFB {
      constructor(...args: ConstructorParameters<typeof FakeRFB>) {
        super(...args);
        document.createElement('canvas').getContext('2d');
      }
    }
    try {
      createConsoleClient(
        CanvasRFB as unknown as typeof RFB,
        document.createElement('div'),
        new ConsoleChannel(socket()),
        'opaque',
        { mode: 'fit', viewOnly: false },
      );
    } finally {
      proto.getContext = original;
    }
    expect(asked).toEqual([{ alpha: false }]);
  });
});

describe('a live client', () => {
  it('takes a new view and quality at once', () => {
    const { client } = create({ mode: 'fit', viewOnly: false });
    applyView(client as unknown as RFB, 'actual', true);
    applyQuality(client as unknown as RFB, 'lan');
    expect(client).toMatchObject({
      scaleViewport: false,
      resizeSession: false,
      viewOnly: true,
      qualityLevel: 9,
      compressionLevel: 1,
    });
  });
});
