/**
 * Picture quality against bandwidth for the console: one vocabulary for the
 * Desktop tab's menu and the benchmarks that measure what each costs. The
 * levels are the RFB client's (noVNC `qualityLevel` and `compressionLevel`,
 * 0–9), which it asks the desktop for as Tight encoding pseudo-encodings.
 * @public
 */
export interface ConsoleQualityPreset {
  /** What the browser stores, e.g. `broadband`. */
  id: ConsoleQualityPresetId;
  /** As the menu shows it. */
  title: string;
  /** When to choose it, as the menu's hint says. */
  description: string;
  /** JPEG quality the desktop may use for photo-like areas; 9 is the sharpest. */
  qualityLevel: number;
  /** How hard the desktop compresses; higher costs it more CPU for fewer bytes. */
  compressionLevel: number;
}

/** @public */
export type ConsoleQualityPresetId = 'lan' | 'broadband' | 'lowBandwidth';

/** The presets on offer, sharpest first. @public */
export const CONSOLE_QUALITY_PRESETS: readonly ConsoleQualityPreset[] = [
  {
    id: 'lan',
    title: 'LAN',
    description: 'Sharpest picture, most data: for the office network',
    qualityLevel: 9,
    compressionLevel: 1,
  },
  {
    // noVNC's own defaults, so choosing nothing changes nothing.
    id: 'broadband',
    title: 'Broadband',
    description: 'Balanced picture and data: for most connections',
    qualityLevel: 6,
    compressionLevel: 2,
  },
  {
    id: 'lowBandwidth',
    title: 'Low bandwidth',
    description: 'Least data, softer images: for mobile or slow links',
    qualityLevel: 2,
    compressionLevel: 9,
  },
];

/** The preset a console uses until the person chooses another. @public */
export const DEFAULT_CONSOLE_QUALITY_PRESET: ConsoleQualityPresetId =
  'broadband';

/** The preset with this id, or the default for anything else (an old or tampered stored value). @public */
export function consoleQualityPreset(id: unknown): ConsoleQualityPreset {
  return (
    CONSOLE_QUALITY_PRESETS.find(p => p.id === id) ??
    CONSOLE_QUALITY_PRESETS.find(p => p.id === DEFAULT_CONSOLE_QUALITY_PRESET)!
  );
}
