import {
  isConsoleInputFrame,
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
    });
    expect(parseConsolePong('{"type":"pong","id":3}')).toBeUndefined();
    expect(parseConsolePong('null')).toBeUndefined();
  });
});
