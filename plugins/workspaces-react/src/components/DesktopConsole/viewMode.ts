import type { ConsolePreference } from './useConsolePreference';

/** Fit: the desktop takes the screen area's size, or is scaled to it. 100%: pixel for pixel. */
export type ViewMode = 'fit' | 'actual';

export const VIEW_MODE_PREFERENCE: ConsolePreference<ViewMode> = {
  key: 'viewMode',
  values: ['fit', 'actual'],
  fallback: 'fit',
};
