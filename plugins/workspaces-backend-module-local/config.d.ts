export interface Config {
  workspaces?: {
    /** The local desktop provider. Desktops run on the backend's machine. */
    local?: {
      /** Set to false to keep the block but not run local desktops. */
      enabled?: boolean;
      /** Where each desktop's home folder, state and VNC socket live. */
      dataDir: string;
      /** The cluster name local desktops are ordered on. Default local. */
      clusterName?: string;
      /** The first X display number to use. Default 20. */
      displayBase?: number;
      xvncPath?: string;
      bwrapPath?: string;
      windowManagerPath?: string;
      terminalPath?: string;
    };
  };
}
