/**
 * A stand-in for noVNC's RFB client that records what the console asks of
 * it. Test files install it with
 * `jest.mock('@novnc/novnc', () => require('./__testUtils__/fakeNovnc'))`:
 * a mock factory is hoisted above the imports, so it can only require.
 */
// `any`, as the tests reach into whatever the console set on a client.
export const rfbInstances: any[] = [];

export default class FakeRFB extends EventTarget {
  /** The clipboard tests need a canvas to press keys on, as noVNC has one. */
  static addsCanvas = false;
  viewOnly = false;
  scaleViewport = false;
  resizeSession = false;
  background = '';
  qualityLevel = -1;
  compressionLevel = -1;
  sent: Array<[number, string | null, boolean | undefined]> = [];
  pasted: string[] = [];
  keys: string[] = [];
  ctrlAltDel = 0;
  disconnected = false;
  flips = 0;
  // What the console counts framebuffer updates by.
  _display = { flip: () => (this.flips += 1) };
  constructor(
    readonly target: HTMLElement,
    readonly channel: any,
    readonly options?: any,
  ) {
    super();
    rfbInstances.push(this);
    if (FakeRFB.addsCanvas) {
      // noVNC hears keys on its canvas inside the screen's element.
      const canvas = document.createElement('canvas');
      canvas.tabIndex = -1;
      target.appendChild(canvas);
      canvas.addEventListener('keydown', e => this.keys.push(e.key));
    }
  }
  sendKey(keysym: number, code: string | null, down?: boolean) {
    this.sent.push([keysym, code, down]);
  }
  clipboardPasteFrom(text: string) {
    this.pasted.push(text);
  }
  sendCtrlAltDel() {
    this.ctrlAltDel += 1;
  }
  focus() {}
  disconnect() {
    this.disconnected = true;
    this.channel.close(1000, '');
  }
}
