import {
  connectViewer,
  describeWithXvnc,
  useRealXvncDesktop,
} from './__testUtils__/realXvnc';

// A desktop's screen is shared: a second viewer joins without kicking the
// first, even one whose ClientInit does not ask to share. This starts the
// real Xvnc as the launcher does.
jest.setTimeout(30_000);

const displayBase = 9180 + Math.floor(Math.random() * 60);

describeWithXvnc('a local desktop with two viewers', () => {
  const desktop = useRealXvncDesktop('launcher-shared-', displayBase);

  it('keeps the first viewer when a second one connects without asking to share', async () => {
    const { socketPath } = await desktop.launch('one');

    const first = desktop.track((await connectViewer(socketPath, true)).socket);
    let firstClosed = false;
    first.on('close', () => (firstClosed = true));
    desktop.track((await connectViewer(socketPath, false)).socket);

    // Xvnc would close the first at once if it gave the second the screen alone.
    await new Promise(r => setTimeout(r, 500));
    expect(firstClosed).toBe(false);
    // And the first still gets its screen when it asks.
    const updated = new Promise(r => first.once('data', r));
    first.write(Buffer.from([3, 0, 0, 0, 0, 0, 0, 16, 0, 16]));
    await updated;
  });
});
