import { shareExpiry } from './shareTerms';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const HOUR = 3_600_000;

describe('shareExpiry', () => {
  it('counts the offered durations from now', () => {
    expect(shareExpiry('1h', '', NOW)).toEqual({
      expiresAt: '2026-11-30T11:00:00.000Z',
    });
    expect(shareExpiry('7d', '', NOW)).toEqual({
      expiresAt: '2026-12-07T10:00:00.000Z',
    });
  });

  it('takes a chosen date in the person’s own time zone', () => {
    const local = new Date(NOW + 2 * 24 * HOUR);
    const value = `${local.getFullYear()}-${String(
      local.getMonth() + 1,
    ).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}T${String(
      local.getHours(),
    ).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
    expect(shareExpiry('date', value, NOW)).toEqual({
      expiresAt: local.toISOString(),
    });
  });

  it('refuses a missing, past or too distant date in one line', () => {
    expect(shareExpiry('date', '', NOW)).toEqual({
      error: 'Choose the date the share ends',
    });
    expect(shareExpiry('date', '2026-11-29T10:00', NOW)).toEqual({
      error: 'The end must be in the future',
    });
    expect(shareExpiry('date', '2027-01-15T10:00', NOW)).toEqual({
      error: 'A share may last at most 30 days',
    });
  });
});
