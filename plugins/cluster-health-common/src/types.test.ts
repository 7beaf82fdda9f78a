import {
  CLUSTER_HEALTH_PANELS,
  INSTANT_PANELS,
  RANGE_PANELS,
  isInstantPanel,
  isPanelFailure,
  isRangePanel,
} from './types';

describe('panel names', () => {
  it('names every panel once', () => {
    expect(new Set(CLUSTER_HEALTH_PANELS).size).toBe(
      INSTANT_PANELS.length + RANGE_PANELS.length,
    );
  });

  it('tells instant panels from range panels and from anything else', () => {
    expect(isInstantPanel('nodesReady')).toBe(true);
    expect(isRangePanel('nodesReady')).toBe(false);
    expect(isRangePanel('cpuOverTime')).toBe(true);
    expect(isInstantPanel('cpuOverTime')).toBe(false);
    expect(isInstantPanel('up{job="apiserver"}')).toBe(false);
    expect(isRangePanel('constructor')).toBe(false);
  });

  it('tells a failed panel from an answer, even an empty one', () => {
    expect(
      isPanelFailure({ panel: 'p', title: 'P', stale: false, error: 'down' }),
    ).toBe(true);
    expect(
      isPanelFailure({
        panel: 'p',
        title: 'P',
        stale: false,
        data: [],
        fetchedAt: 'x',
      }),
    ).toBe(false);
    expect(isPanelFailure(undefined)).toBe(false);
  });
});
