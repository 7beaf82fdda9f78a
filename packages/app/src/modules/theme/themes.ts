import {
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
  type UnifiedTheme,
} from '@backstage/theme';

/**
 * The one header of the portal. Backstage picks a header per page (`home`
 * for the catalog, `tool` for plugin pages, the entity's type on entity
 * pages), so headers changed colour from page to page. Every page theme id
 * falls back to the default, and this is the only one defined.
 */
export const desktopManiaPageTheme = genPageTheme({
  // Dark enough for the white title; the sidebar logo's teal, deepened.
  colors: ['#00474F', '#00796B'],
  shape: shapes.wave,
});

function desktopManiaTheme(
  palette: typeof palettes.light | typeof palettes.dark,
): UnifiedTheme {
  return createUnifiedTheme({
    palette,
    defaultPageTheme: 'home',
    pageTheme: { home: desktopManiaPageTheme },
    components: {
      // Sidebar labels wrap instead of ending in an ellipsis ("My workspa…"):
      // a label in full on two lines beats half a label on one.
      BackstageSidebarItem: {
        styleOverrides: {
          label: {
            width: 'auto',
            whiteSpace: 'normal',
            overflow: 'visible',
            textOverflow: 'clip',
            lineHeight: 1.2,
          },
        },
      },
    },
  });
}

export const lightTheme = desktopManiaTheme(palettes.light);
export const darkTheme = desktopManiaTheme(palettes.dark);
