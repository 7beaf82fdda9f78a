export interface Config {
  workspaces?: {
    /**
     * The local desktop provider: Linux desktops run as sandboxed processes
     * on the backend's machine. On as soon as this block exists.
     */
    local?: {
      /** Set to false to keep the block but run no local desktops. Default true. */
      enabled?: boolean;
      /**
       * Where each desktop's state, home folder and VNC socket live. Relative
       * paths are relative to the backend's working directory. At most 53
       * characters long, because unix socket paths are short. Default
       * data/desktops.
       */
      dataDir?: string;
      /** The cluster name people order local desktops on. Default local. */
      clusterName?: string;
      /** The first X display number desktops may take. Default 20. */
      displayBase?: number;
      /**
       * When the backend runs as root, each desktop runs as its own user id,
       * the first free one from this number. Default 1900000000, above what
       * distributions and systemd hand out. Backends sharing a machine need
       * ranges apart.
       */
      uidBase?: number;
      /** TigerVNC's X server. Default /usr/bin/Xvnc. */
      xvncPath?: string;
      /** bubblewrap. Default /usr/bin/bwrap. */
      bwrapPath?: string;
      /** A window manager that takes openbox's --startup option. Default /usr/bin/openbox. */
      windowManagerPath?: string;
      /**
       * The command line the window manager starts once the desktop is up.
       * Default /usr/bin/xterm -maximized -title terminal -fa Monospace -fs 11.
       */
      terminalCommand?: string;
    };
  };
}
