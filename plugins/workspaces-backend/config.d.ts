import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Desktop Mania: what people may order and how desktops are run. */
  workspaces?: {
    /** The cluster new desktops go to when an order names none. */
    defaultCluster?: string;
    /** Images people may order desktops from. Nothing else can be ordered. */
    images?: Array<{
      name: string;
      title?: string;
      os: 'linux' | 'windows';
      description?: string;
      /** The account created inside the desktop; by default one named after the person. */
      defaultUser?: string;
      /** KubeVirt: the admin-curated DataSource the root disk is cloned from. */
      dataSource?: { name: string; namespace?: string };
      /** KubeVirt: the cluster preference, e.g. ubuntu or windows.11.virtio. */
      preference?: string;
      /**
       * What the image needs. Only sizes with at least this `cpu` and
       * `memory` are offered with it, and disks below `diskGi` are refused.
       * With KubeVirt, cover what the preference requires (the KubeVirt
       * module checks the common preferences at start) and the size of the
       * DataSource's disk, which CDI cannot clone into anything smaller.
       */
      minimum?: {
        cpu?: number;
        /** A Kubernetes quantity, e.g. 4Gi. */
        memory?: string;
        diskGi?: number;
      };
    }>;
    /** Sizes people may order. */
    sizes?: Array<{
      name: string;
      title?: string;
      description?: string;
      cpu?: number;
      memory?: string;
      /** KubeVirt: the cluster instancetype, e.g. u1.medium. */
      instancetype?: string;
      /** Local provider: screen geometry, e.g. 1280x800. */
      geometry?: string;
      /** Local provider: the most processes the desktop may run. */
      maxProcesses?: number;
    }>;
    limits?: {
      diskGi?: { min?: number; max?: number; default?: number };
      lifetimeHours?: { min?: number; max?: number; default?: number };
      /** How many desktops one owner (person or group) may hold. */
      maxPerOwner?: number;
    };
    lifecycle?: {
      /** Running desktops with no console input for this long are stopped. */
      idleStopAfter?: HumanDuration | string;
      /** What happens when a desktop's lifetime ends. Default stop. */
      expiryAction?: 'stop' | 'delete';
      /**
       * A desktop still being created or deleted after this long was left
       * half done by a crash: housekeeping finishes or rolls it back against
       * what the provider reports. Work from before the backend started is
       * settled at startup whatever its age. Default 2 minutes.
       */
      reconcileAfter?: HumanDuration | string;
    };
    console?: {
      /** Sessions without input for this long are closed. Default 30 minutes. */
      idleTimeout?: HumanDuration | string;
      /** Concurrent console sessions one person may hold. Default 4. */
      maxSessionsPerUser?: number;
      /** Origins allowed to open consoles. Default: the origin of app.baseUrl. */
      allowedOrigins?: string[];
      /**
       * How long a console seat stays taken after the replica relaying it
       * stopped renewing it (it crashed or lost the database). Replicas renew
       * every second; default 30 seconds.
       */
      lease?: HumanDuration | string;
    };
    /** Named snapshots owners take of their desktops. */
    snapshots?: {
      /** The most snapshots one desktop may hold. Default 5. */
      maxPerWorkspace?: number;
    };
    /**
     * Console session recording, off unless `images` or `ownerGroups` lists
     * something: what the desktop sends the browser is written to a file
     * per session (format in the common package's recordingFormat), which
     * admins and the desktop's owner can play back. People see a banner
     * while their session is recorded.
     */
    recording?: {
      /** Sessions on desktops of these images (names of workspaces.images) are recorded. */
      images?: string[];
      /** Sessions on desktops these groups own are recorded, e.g. group:default/contractors. */
      ownerGroups?: string[];
      /**
       * The folder the files go to; default data/recordings under the
       * backend's working directory. Every replica must see the same
       * folder (a shared volume).
       */
      dir?: string;
      /** Recording of a session stops (marked truncated) beyond this many bytes, or a quantity such as 500Mi. Default 1Gi. */
      maxBytesPerSession?: number | string;
      /** Nothing more is recorded while the folder holds this much. Default 50Gi. */
      maxTotalBytes?: number | string;
      /** Recordings older than this are deleted, file and metadata. At least an hour; default 30 days. */
      retention?: HumanDuration | string;
    };
    /** Uploads into and downloads from desktops' homes. */
    files?: {
      /** The largest file one upload may carry, in MiB. Default 100. */
      maxUploadMi?: number;
    };
  };
}
