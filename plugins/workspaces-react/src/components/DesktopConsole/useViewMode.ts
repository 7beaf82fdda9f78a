import { useCallback, useState } from 'react';

/** Fit: the desktop takes the screen area's size, or is scaled to it. 100%: pixel for pixel. */
export type ViewMode = 'fit' | 'actual';

const KEY = 'desktopmania.console.viewMode';

function stored(): ViewMode {
  try {
    return window.localStorage.getItem(KEY) === 'actual' ? 'actual' : 'fit';
  } catch {
    // Storage can be blocked by the browser's privacy settings.
    return 'fit';
  }
}

/** The view mode, remembered in this browser for the next console. */
export function useViewMode(): [ViewMode, (mode: ViewMode) => void] {
  const [mode, setMode] = useState<ViewMode>(stored);
  const choose = useCallback((next: ViewMode) => {
    setMode(next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      // Remembered for this page only.
    }
  }, []);
  return [mode, choose];
}
