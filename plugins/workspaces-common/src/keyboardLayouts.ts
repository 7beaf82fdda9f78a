/**
 * The keyboard layouts a person may choose for a desktop: one vocabulary for
 * the browser's menu, the backend's validation and the providers, which set
 * the XKB layout (and variant) named here.
 * @public
 */
export interface KeyboardLayout {
  /** What the browser stores and the API takes, e.g. `de`. */
  id: string;
  /** As the menu shows it, e.g. `German`. */
  title: string;
  /** The XKB layout, e.g. `de` or `ch`. */
  xkbLayout: string;
  /** The XKB variant of that layout, where the layout's default is not it. */
  xkbVariant?: string;
}

/** The layouts on offer, the desktop's default first. @public */
export const KEYBOARD_LAYOUTS: readonly KeyboardLayout[] = [
  { id: 'us', title: 'English (US)', xkbLayout: 'us' },
  { id: 'gb', title: 'English (UK)', xkbLayout: 'gb' },
  { id: 'de', title: 'German', xkbLayout: 'de' },
  { id: 'fr', title: 'French', xkbLayout: 'fr' },
  { id: 'es', title: 'Spanish', xkbLayout: 'es' },
  { id: 'it', title: 'Italian', xkbLayout: 'it' },
  { id: 'pt', title: 'Portuguese', xkbLayout: 'pt' },
  { id: 'nl', title: 'Dutch', xkbLayout: 'nl' },
  { id: 'ch', title: 'Swiss German', xkbLayout: 'ch' },
  { id: 'ch-fr', title: 'Swiss French', xkbLayout: 'ch', xkbVariant: 'fr' },
  { id: 'se', title: 'Swedish', xkbLayout: 'se' },
  { id: 'pl', title: 'Polish', xkbLayout: 'pl' },
  { id: 'jp', title: 'Japanese', xkbLayout: 'jp' },
];

/** The layout a desktop starts with. @public */
export const DEFAULT_KEYBOARD_LAYOUT = 'us';

/** The layout with this id, or undefined when there is none. @public */
export function findKeyboardLayout(id: unknown): KeyboardLayout | undefined {
  return typeof id === 'string'
    ? KEYBOARD_LAYOUTS.find(layout => layout.id === id)
    : undefined;
}

/** The body of `PUT /workspaces/:name/keyboard-layout`. @public */
export interface KeyboardLayoutRequest {
  layout: string;
}
