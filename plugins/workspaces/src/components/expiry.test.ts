import { expiresIn, extensionBlockedBy } from './expiry';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('expiresIn', () => {
  it.each([
    [at(35 * 60_000), 'in 35 min'],
    [at(20_000), 'in 1 min'],
    [at(4 * 3_600_000 + 10 * 60_000), 'in 4 h'],
    [at(30 * 3_600_000), 'in 30 h'],
    [at(3 * 86_400_000), 'in 3 days'],
    [at(0), 'expired'],
    [at(-60_000), 'expired'],
    [undefined, 'never'],
    ['not a date', '—'],
  ])('%s reads %s', (expiresAt, words) => {
    expect(expiresIn(expiresAt, NOW)).toBe(words);
  });
});

describe('extensionBlockedBy', () => {
  const ordered = {
    createdAt: '2026-11-29T10:00:00Z',
    expiresAt: '2026-11-30T10:00:00Z',
  };

  it('allows what stays within the longest lifetime after the order', () => {
    expect(extensionBlockedBy(ordered, 24 * 7, 720, NOW)).toBeUndefined();
    expect(extensionBlockedBy(ordered, 24 * 29, 720, NOW)).toBeUndefined();
  });

  it('says why when the extension would go past it', () => {
    expect(extensionBlockedBy(ordered, 24 * 30, 720, NOW)).toMatch(
      /^Desktops live at most 30 days after the order; this one must go by /,
    );
    expect(extensionBlockedBy(ordered, 8, 30, NOW)).toMatch(
      /^Desktops live at most 30 h after the order/,
    );
    expect(
      extensionBlockedBy({ createdAt: ordered.createdAt }, 4, 720, NOW),
    ).toBe('The desktop never expires');
  });

  it('counts from now once the desktop expired', () => {
    const expired = { ...ordered, expiresAt: '2026-11-29T11:00:00Z' };
    // Now is 12:00: 4 h more ends at 16:00, past a 5 h lifetime (15:00).
    expect(extensionBlockedBy(expired, 4, 5, NOW)).toBeDefined();
    expect(extensionBlockedBy(expired, 4, 6, NOW)).toBeUndefined();
  });
});
