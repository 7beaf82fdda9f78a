import { extendedExpiry } from './extendExpiry';

const createdAt = new Date('2026-11-29T10:00:00Z');
const record = {
  name: 'alice-desk',
  createdAt,
  expiresAt: new Date('2026-11-29T14:00:00Z'),
};

describe('extendedExpiry', () => {
  it('counts from the expiry, or from now once it has passed', () => {
    const before = new Date('2026-11-29T12:00:00Z');
    expect(extendedExpiry(record, { hours: 4 }, 720, before)).toEqual(
      new Date('2026-11-29T18:00:00Z'),
    );
    const after = new Date('2026-11-30T09:00:00Z');
    expect(extendedExpiry(record, { hours: 4 }, 720, after)).toEqual(
      new Date('2026-11-30T13:00:00Z'),
    );
  });

  it('names the longest lifetime and when it ends', () => {
    const now = new Date('2026-11-29T12:00:00Z');
    expect(() => extendedExpiry(record, { hours: 24 * 30 }, 720, now)).toThrow(
      'Cannot extend past 30 days after the order (2026-12-29 10:00 UTC)',
    );
    expect(() => extendedExpiry(record, { hours: 30 }, 30, now)).toThrow(
      'Cannot extend past 30 hours after the order (2026-11-30 16:00 UTC)',
    );
    expect(extendedExpiry(record, { hours: 20 }, 30, now)).toEqual(
      new Date('2026-11-30T10:00:00Z'),
    );
  });

  it('refuses hours that are not a positive number, and desktops that never expire', () => {
    for (const body of [
      {},
      { hours: 0 },
      { hours: -4 },
      { hours: '4' },
      null,
    ]) {
      expect(() => extendedExpiry(record, body, 720)).toThrow(
        'hours: expected a number of hours greater than 0',
      );
    }
    expect(() =>
      extendedExpiry({ ...record, expiresAt: undefined }, { hours: 4 }, 720),
    ).toThrow("The desktop 'alice-desk' never expires");
  });
});
