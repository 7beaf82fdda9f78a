import { CONSOLE_CLOSE_CODES } from '@desktop-mania/plugin-workspaces-common';
import { afterClose } from './consoleReconnects';

const close = (over: Partial<Parameters<typeof afterClose>[0]>) =>
  afterClose({
    code: 1006,
    userClosed: false,
    connectedFor: 60_000,
    moves: 0,
    earlyDrops: 0,
    attempts: 0,
    maxReconnectDelayMs: 30_000,
    ...over,
  });

describe('afterClose', () => {
  it('stays closed when the person disconnected, whatever the code', () => {
    expect(close({ userClosed: true, code: 1006 })).toEqual({
      kind: 'disconnected',
      reason: 'you disconnected',
    });
  });

  it('backs off exponentially up to the cap on a dropped connection', () => {
    expect(close({ attempts: 0 })).toEqual({
      kind: 'backoff',
      reason: 'the connection dropped',
      delayMs: 1000,
    });
    expect(close({ attempts: 3 })).toMatchObject({ delayMs: 8000 });
    expect(close({ attempts: 10 })).toMatchObject({ delayMs: 30_000 });
  });

  it('does not retry a refusal a retry cannot fix, and keeps its reason', () => {
    expect(
      close({ code: CONSOLE_CLOSE_CODES.forbidden, reason: 'not yours' }),
    ).toEqual({ kind: 'disconnected', reason: 'not yours' });
    expect(close({ code: CONSOLE_CLOSE_CODES.inUse })).toMatchObject({
      kind: 'inUse',
    });
  });

  it('follows a moving desktop at once, five times at most', () => {
    const code = CONSOLE_CLOSE_CODES.migrating;
    expect(close({ code, moves: 4 })).toMatchObject({ kind: 'move' });
    expect(close({ code, moves: 5 })).toMatchObject({ kind: 'disconnected' });
  });

  it('joins again when the desktop drops a viewer as it joins, three times', () => {
    expect(close({ code: 1000, connectedFor: 500 })).toMatchObject({
      kind: 'rejoin',
    });
    expect(close({ code: 1000, connectedFor: undefined })).toMatchObject({
      kind: 'rejoin',
    });
    expect(close({ code: 1000, connectedFor: 500, earlyDrops: 3 })).toEqual({
      kind: 'disconnected',
      reason: 'closed with code 1000',
    });
    expect(close({ code: 1000, connectedFor: 60_000 })).toMatchObject({
      kind: 'disconnected',
    });
  });
});
