import {
  isConsoleInputFrame,
  parseConsoleDisplay,
  parseConsoleDisplayMessage,
  parseConsolePing,
  parseConsolePong,
} from './consoleControl';

describe('console control frames', () => {
  it('counts key, pointer and clipboard messages as input, nothing else', () => {
    expect(isConsoleInputFrame(Uint8Array.of(4, 1, 0, 0, 0, 0, 0, 0x61))).toBe(
      true,
    );
    expect(isConsoleInputFrame(Uint8Array.of(5, 0, 0, 10, 0, 20))).toBe(true);
    expect(isConsoleInputFrame(Uint8Array.of(6, 0, 0, 0, 0, 0, 0, 0))).toBe(
      true,
    );
    expect(
      isConsoleInputFrame(Uint8Array.of(255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0)),
    ).toBe(true);
    // FramebufferUpdateRequest, SetEncodings, SetDesktopSize, QEMU audio.
    expect(isConsoleInputFrame(Uint8Array.of(3, 1, 0, 0, 0, 0, 4, 0))).toBe(
      false,
    );
    expect(isConsoleInputFrame(Uint8Array.of(2, 0, 0, 1))).toBe(false);
    expect(isConsoleInputFrame(Uint8Array.of(251, 0))).toBe(false);
    expect(isConsoleInputFrame(Uint8Array.of(255, 1, 0, 0))).toBe(false);
    expect(isConsoleInputFrame(new Uint8Array())).toBe(false);
  });

  it('reads pings and pongs, and nothing malformed', () => {
    expect(parseConsolePing('{"type":"ping","id":3}')).toEqual({
      type: 'ping',
      id: 3,
    });
    expect(parseConsolePing('{"type":"ping","id":-1}')).toBeUndefined();
    expect(parseConsolePing('ping')).toBeUndefined();
    expect(
      parseConsolePing(`{"type":"ping","id":1,"x":"${'a'.repeat(300)}"}`),
    ).toBeUndefined();
    expect(
      parseConsolePong(
        '{"type":"pong","id":3,"idleMs":10,"idleTimeoutMs":60000,"viewers":2}',
      ),
    ).toEqual({
      type: 'pong',
      id: 3,
      idleMs: 10,
      idleTimeoutMs: 60000,
      viewers: 2,
      viewOnly: false,
      present: [],
      recording: false,
    });
    expect(parseConsolePong('{"type":"pong","id":3}')).toBeUndefined();
    expect(parseConsolePong('null')).toBeUndefined();
  });

  it('reads who is present and whether the session only watches, beyond the ping bound', () => {
    const present = Array.from({ length: 20 }, (_, i) => ({
      user: `user:default/watcher-${i}`,
      mode: i === 0 ? 'control' : 'view',
    }));
    const text = JSON.stringify({
      type: 'pong',
      id: 1,
      idleMs: 0,
      idleTimeoutMs: 1000,
      viewers: 20,
      viewOnly: true,
      present,
    });
    expect(text.length).toBeGreaterThan(256);
    expect(parseConsolePong(text)).toMatchObject({ viewOnly: true, present });
    const base =
      '"type":"pong","id":1,"idleMs":0,"idleTimeoutMs":1,"viewers":1';
    expect(parseConsolePong(`{${base},"viewOnly":"yes"}`)).toBeUndefined();
    expect(
      parseConsolePong(
        `{${base},"present":[{"user":"user:default/a","mode":"admin"}]}`,
      ),
    ).toBeUndefined();
  });

  it('reads whether the session is recorded', () => {
    const base =
      '"type":"pong","id":1,"idleMs":0,"idleTimeoutMs":1,"viewers":1';
    expect(parseConsolePong(`{${base},"recording":true}`)?.recording).toBe(
      true,
    );
    expect(parseConsolePong(`{${base},"recording":"yes"}`)).toBeUndefined();
  });
});

describe('console display messages', () => {
  it('reads which display a session shows, and why it fell back', () => {
    expect(parseConsoleDisplay('console')).toBe('console');
    expect(parseConsoleDisplay('desktop')).toBe('desktop');
    expect(parseConsoleDisplay('vnc')).toBeUndefined();
    expect(parseConsoleDisplay(null)).toBeUndefined();

    expect(
      parseConsoleDisplayMessage('{"type":"display","display":"desktop"}'),
    ).toEqual({ type: 'display', display: 'desktop' });
    expect(
      parseConsoleDisplayMessage(
        '{"type":"display","display":"console","fallback":"no greeting"}',
      ),
    ).toEqual({ type: 'display', display: 'console', fallback: 'no greeting' });
    expect(
      parseConsoleDisplayMessage(
        '{"type":"display","display":"desktop","displays":["desktop","console"]}',
      ),
    ).toEqual({
      type: 'display',
      display: 'desktop',
      displays: ['desktop', 'console'],
    });
  });

  it('reads nothing else as a display message', () => {
    for (const text of [
      '{"type":"display","display":"screen"}',
      '{"type":"display"}',
      '{"type":"display","display":"console","fallback":3}',
      '{"type":"display","display":"console","displays":["console","bios"]}',
      '{"type":"display","display":"console","displays":"console"}',
      '{"type":"pong","display":"console"}',
      'not json',
      `{"type":"display","display":"console","fallback":"${'x'.repeat(300)}"}`,
    ]) {
      expect(parseConsoleDisplayMessage(text)).toBeUndefined();
    }
  });
});
