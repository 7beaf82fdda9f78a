import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { readDurationMs } from './readDurationMs';

const read = (value: JsonValue, minMs?: number) =>
  readDurationMs(new ConfigReader({ d: value }), 'd', {
    fullKey: 'top.d',
    minMs,
  });

describe('readDurationMs', () => {
  it('reads every form Backstage accepts', () => {
    expect(read('30s')).toBe(30_000);
    expect(read('PT1M')).toBe(60_000);
    expect(read({ minutes: 2 })).toBe(120_000);
  });

  it('is undefined when not set', () => {
    expect(
      readDurationMs(new ConfigReader({}), 'd', { fullKey: 'top.d' }),
    ).toBeUndefined();
  });

  it('names the key and shows the value it could not read', () => {
    expect(() => read('soon')).toThrow(
      `Invalid config at 'top.d': expected a duration such as '30s', 'PT30S' or { seconds: 30 }, got "soon"`,
    );
  });

  it('refuses durations below the minimum', () => {
    expect(() => read({ seconds: 0 }, 1)).toThrow(
      "Invalid config at 'top.d': must be longer than zero, got 0 ms",
    );
    expect(() => read({ seconds: -1 })).toThrow(
      "Invalid config at 'top.d': must not be negative, got -1000 ms",
    );
    expect(() => read('1s', 5000)).toThrow(
      "Invalid config at 'top.d': must be at least 5000 ms, got 1000 ms",
    );
    expect(read({ seconds: 0 })).toBe(0);
  });
});
