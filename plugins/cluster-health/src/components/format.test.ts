import { bytes, count, formatValue, percent } from './format';

describe('format', () => {
  it('writes ratios as percentages', () => {
    expect(percent(0.1234)).toBe('12.3 %');
    expect(percent(1)).toBe('100.0 %');
    expect(percent(undefined)).toBe('—');
    expect(percent(NaN)).toBe('—');
  });

  it('writes bytes in binary units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(52_428_800)).toBe('50.0 MiB');
    expect(bytes(2e12)).toBe('1.8 TiB');
    expect(bytes(12 * 60 * 2 ** 30)).toBe('720 GiB');
  });

  it('writes counts and rates', () => {
    expect(count(8)).toBe('8');
    expect(count(1.0119)).toBe('1.01');
    expect(count(40.25)).toBe('40.3');
    expect(formatValue(0.4, 'perSecond')).toBe('0.40/s');
    expect(formatValue(0.5, 'ratio')).toBe('50.0 %');
    expect(formatValue(1024, 'bytes')).toBe('1.0 KiB');
    expect(formatValue(3, 'count')).toBe('3');
  });
});
