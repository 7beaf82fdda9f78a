import { actorName, formatDuration } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [5_000, '0:05'],
    [760_000, '12:40'],
    [3_723_000, '1:02:03'],
  ])('shows %s ms as %s', (ms, shown) => {
    expect(formatDuration(ms)).toBe(shown);
  });
});

describe('actorName', () => {
  it('drops the default namespace and kind, keeps others', () => {
    expect(actorName('user:default/alice')).toBe('alice');
    expect(actorName('user:ops/bob')).toBe('ops/bob');
  });
});
