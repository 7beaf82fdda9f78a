export { DesktopConsole, type ConsoleState } from './DesktopConsole';
export { keysymFor } from './keysyms';
