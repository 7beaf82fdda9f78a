export { DesktopConsole } from './DesktopConsole';
export type { ConsoleState } from './useConsoleConnection';
export { keysymFor } from './keysyms';
