import { normalizeGrantee, parseShareRequest } from './shares';

const NOW = new Date('2026-12-01T10:00:00Z');

describe('parseShareRequest', () => {
  it('accepts a mode and an end within 30 days, as a UTC instant', () => {
    expect(
      parseShareRequest(
        { mode: 'view', expiresAt: '2026-12-01T12:00:00+01:00' },
        NOW,
      ),
    ).toEqual({ mode: 'view', expiresAt: '2026-12-01T11:00:00.000Z' });
    expect(
      parseShareRequest(
        { mode: 'control', expiresAt: '2026-12-31T10:00:00Z' },
        NOW,
      ).mode,
    ).toBe('control');
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ mode: 'admin', expiresAt: '2026-12-02T00:00:00Z' }, /^mode: /],
    [{ mode: 'view' }, /^expiresAt: expected/],
    [{ mode: 'view', expiresAt: 'tomorrow' }, /^expiresAt: expected/],
    [{ mode: 'view', expiresAt: '2026-12-02T00:00' }, /^expiresAt: expected/],
    [{ mode: 'view', expiresAt: '2026-13-45T00:00:00Z' }, /not a real time/],
    [{ mode: 'view', expiresAt: '2026-12-01T09:59:59Z' }, /in the future/],
    [{ mode: 'view', expiresAt: '2026-12-31T10:00:01Z' }, /at most 30 days/],
  ])('refuses %j with one line naming the field', (body, message) => {
    let error: Error | undefined;
    try {
      parseShareRequest(body, NOW);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });
});

describe('normalizeGrantee', () => {
  it('takes full user and group refs, lower-cased', () => {
    expect(normalizeGrantee('user:default/Bob')).toBe('user:default/bob');
    expect(normalizeGrantee('group:team/Ops')).toBe('group:team/ops');
  });

  it('refuses anything else', () => {
    for (const ref of [
      'bob',
      'user:bob',
      'component:default/x',
      'user:default/',
      'user:default/a b',
    ]) {
      expect(normalizeGrantee(ref)).toBeUndefined();
    }
  });
});
