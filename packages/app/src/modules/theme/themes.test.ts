import type { Theme } from '@material-ui/core/styles';
import { darkTheme, desktopManiaPageTheme, lightTheme } from './themes';

describe('Desktop Mania themes', () => {
  it.each([
    ['light', lightTheme],
    ['dark', darkTheme],
  ])('give every page of the %s theme the same header', (_name, unified) => {
    const theme = unified.getTheme('v4') as Theme;
    // The catalog, plugin pages, the scaffolder, APIs, and entity pages by type.
    for (const themeId of ['home', 'tool', 'apis', 'service', 'linux'])
      expect(theme.getPageTheme({ themeId }).backgroundImage).toBe(
        desktopManiaPageTheme.backgroundImage,
      );
  });

  it('lets sidebar labels wrap rather than cut them', () => {
    const theme = lightTheme.getTheme('v4') as Theme;
    expect((theme.overrides as any)?.BackstageSidebarItem?.label).toMatchObject(
      { whiteSpace: 'normal', textOverflow: 'clip' },
    );
  });
});
