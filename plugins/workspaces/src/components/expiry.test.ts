import { expiresIn } from './expiry';

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
