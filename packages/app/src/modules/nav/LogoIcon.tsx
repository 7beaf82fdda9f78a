import DesktopWindowsIcon from '@material-ui/icons/DesktopWindows';

/** A desktop, for the collapsed sidebar. */
export const LogoIcon = () => (
  <DesktopWindowsIcon style={{ color: '#7df3e1', fontSize: 28 }} />
);
