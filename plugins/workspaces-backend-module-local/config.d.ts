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
      /**
       * Allows desktops to run without the limits this machine cannot
       * enforce, instead of refusing them. Without writable cgroup memory,
       * cpu and pids controllers (as when the backend does not run as root)
       * a desktop may use all the machine's memory, CPU time and processes;
       * without loop mounts its home is a plain folder on the data disk, with
       * no size limit (diskGi is ignored), that can fill the disk the portal
       * keeps its own data on. Default false: such orders are refused with a
       * message naming what is missing. Limits the machine can enforce are
       * enforced either way.
       */
      unbounded?: boolean;
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
