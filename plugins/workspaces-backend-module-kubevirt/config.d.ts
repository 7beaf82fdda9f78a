export interface Config {
  workspaces?: {
    /** Desktops as KubeVirt VirtualMachines. Without clusters here, the Kubernetes plugin's config clusters are used. */
    kubevirt?: {
      clusters?: Array<{
        name: string;
        /** The API server, e.g. https://rke2.example.com:6443. */
        url?: string;
        /** Default serviceAccount. */
        authProvider?: 'serviceAccount' | 'kubeconfig';
        /**
         * Token of the portal's service account; inside the cluster the pod's own is used.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /** @visibility secret */
        caData?: string;
        caFile?: string;
        skipTLSVerify?: boolean;
        kubeconfigPath?: string;
        context?: string;
        /** Namespace the desktops live in. Default workspaces. */
        namespace?: string;
        /** StorageClass of the desktops' root disks. Default longhorn-desktop. */
        storageClassName?: string;
        /** Operating systems this cluster runs. Default both. */
        os?: Array<'linux' | 'windows'>;
        /** How long to wait for the API server, in milliseconds. Default 10000. */
        timeoutMs?: number;
      }>;
    };
  };
}
