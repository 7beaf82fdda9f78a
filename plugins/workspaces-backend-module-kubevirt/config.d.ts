import type { HumanDuration } from '@backstage/types';

export interface Config {
  workspaces?: {
    /**
     * Desktops as KubeVirt VirtualMachines. Without `clusters` here, the
     * `config` clusters of `kubernetes.clusterLocatorMethods` are used.
     */
    kubevirt?: {
      /**
       * How long to wait for an API server, unless a cluster says otherwise,
       * e.g. '10s', 'PT10S' or { seconds: 10 }. Default 10 seconds.
       */
      timeout?: HumanDuration | string;
      /**
       * How long a stopping desktop may take to shut its guest down before
       * KubeVirt switches it off, e.g. '5m' (Windows installing updates needs
       * minutes). Default: the VMI's terminationGracePeriodSeconds, which the
       * preference or KubeVirt sets (30 seconds).
       */
      stopGracePeriod?: HumanDuration | string;
      /**
       * The Prometheus that scrapes the clusters' virt-handlers, asked for
       * what each desktop uses (CPU, memory, disk). Without it, and without
       * a cluster's own, desktops' use of resources is not shown.
       */
      prometheus?: {
        /** e.g. http://prometheus-operated.monitoring:9090 */
        url: string;
        /**
         * Bearer token, when Prometheus sits behind an authenticating proxy.
         * @visibility secret
         */
        token?: string;
      };
      clusters?: Array<{
        /** The name desktops and the catalog refer to the cluster by. */
        name: string;
        /** The API server, e.g. https://rke2.example.com:6443. Required for serviceAccount; kubeconfig defaults to its context's server. */
        url?: string;
        /** Default serviceAccount. */
        authProvider?: 'serviceAccount' | 'kubeconfig';
        /**
         * Token of the portal's service account. Inside the cluster, leave it
         * out to use the pod's own (rotated) token and CA.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /**
         * Base64 PEM of the API server's CA.
         * @visibility secret
         */
        caData?: string;
        /** A file with the API server's CA. */
        caFile?: string;
        /** Do not check the API server's certificate. Only for labs. */
        skipTLSVerify?: boolean;
        /** For authProvider kubeconfig: the file; default the usual KUBECONFIG lookup. */
        kubeconfigPath?: string;
        /** For authProvider kubeconfig: the context; default its current context. */
        context?: string;
        /** The namespace desktops live in. Default workspaces. */
        namespace?: string;
        /** The StorageClass of the desktops' root disks. Default longhorn-desktop. */
        storageClassName?: string;
        /** The operating systems this cluster runs. Default both. */
        os?: Array<'linux' | 'windows'>;
        /** This cluster's Prometheus, instead of `workspaces.kubevirt.prometheus`. */
        prometheus?: {
          url: string;
          /** @visibility secret */
          token?: string;
        };
        /** How long to wait for this API server. Default `workspaces.kubevirt.timeout`. */
        timeout?: HumanDuration | string;
        /**
         * Ready-to-claim desktops to keep on this cluster, per image and
         * size: disks already cloned, VMs stopped. An order of that image,
         * size and disk size takes one (its owner's account is written then)
         * instead of waiting for a clone; with none ready it clones as usual.
         * Members are nobody's desktops and count against no quota, but use
         * the cluster's storage (and, when running, its CPU and memory).
         * The StorageClass must bind volumes immediately, or the clone waits
         * for the first start.
         */
        warmPool?: Array<{
          /** The `name` of an image in `workspaces.images`. */
          image: string;
          /** The `name` of a size in `workspaces.sizes`. */
          size: string;
          /** How many members to keep; 0 empties the pool. */
          count: number;
          /** Root disk in GiB. Default: what an order gets by default. */
          diskGi?: number;
          /**
           * Keep members running instead of stopped. A claim then restarts
           * the member so that its new instance mounts the owner's Secret;
           * this saves the clone and the scheduling, not the boot, and the
           * guest must apply first-boot data again on that restart (cloud-init
           * and sysprep run once per instance only when the image allows it).
           * Default false.
           */
          running?: boolean;
        }>;
      }>;
    };
  };
}
