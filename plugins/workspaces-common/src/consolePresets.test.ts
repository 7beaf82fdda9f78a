import {
  CONSOLE_QUALITY_PRESETS,
  consoleQualityPreset,
  DEFAULT_CONSOLE_QUALITY_PRESET,
} from './consolePresets';

describe('console quality presets', () => {
  it('offers LAN, Broadband and Low bandwidth, with levels noVNC accepts', () => {
    expect(CONSOLE_QUALITY_PRESETS.map(p => p.title)).toEqual([
      'LAN',
      'Broadband',
      'Low bandwidth',
    ]);
    for (const p of CONSOLE_QUALITY_PRESETS) {
      for (const level of [p.qualityLevel, p.compressionLevel]) {
        expect(Number.isInteger(level)).toBe(true);
        expect(level).toBeGreaterThanOrEqual(0);
        expect(level).toBeLessThanOrEqual(9);
      }
    }
  });

  it('trades picture for data from one preset to the next', () => {
    const [lan, broadband, low] = CONSOLE_QUALITY_PRESETS;
    expect(lan.qualityLevel).toBeGreaterThan(broadband.qualityLevel);
    expect(broadband.qualityLevel).toBeGreaterThan(low.qualityLevel);
    expect(low.compressionLevel).toBeGreaterThan(broadband.compressionLevel);
  });

  it('defaults to Broadband, which keeps noVNC’s own levels', () => {
    expect(DEFAULT_CONSOLE_QUALITY_PRESET).toBe('broadband');
    expect(consoleQualityPreset(undefined)).toMatchObject({
      id: 'broadband',
      qualityLevel: 6,
      compressionLevel: 2,
    });
  });

  it('finds a preset by id and falls back to the default for unknown values', () => {
    expect(consoleQualityPreset('lowBandwidth').title).toBe('Low bandwidth');
    expect(consoleQualityPreset('ultra').id).toBe('broadband');
    expect(consoleQualityPreset(7).id).toBe('broadband');
  });
});
