/**
 * JSON schemas for the custom resources in deploy/ whose projects publish no
 * schema we can load offline: CloudNativePG and its Barman Cloud plugin, RKE2's
 * Helm controller and Longhorn. Each covers the fields these manifests may
 * use, written from the projects' API types (cloudnative-pg api/v1,
 * plugin-barman-cloud api/v1, helm-controller pkg/apis/helm.cattle.io/v1,
 * longhorn-manager k8s/pkg/apis/longhorn/v1beta2). Every object is closed, so
 * a misspelt or unknown field fails instead of being ignored by the operator.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int: Schema = { type: 'integer' };
const strings: Schema = { type: 'array', items: str };
const stringMap: Schema = { type: 'object', additionalProperties: str };
/** A Kubernetes quantity: "20Gi", "500m", 2. */
const quantity: Schema = {
  anyOf: [
    { type: 'string', pattern: '^[0-9.]+([EPTGMK]i?|[mkMGTPE]|e[0-9]+)?$' },
    { type: 'number' },
  ],
};

function closed(
  properties: Record<string, Schema>,
  required: string[] = [],
): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const metadata = closed(
  {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
    namespace: str,
    labels: stringMap,
    annotations: stringMap,
  },
  ['name'],
);

function resource(spec: Schema, requiredSpec = true): Schema {
  return closed(
    { apiVersion: str, kind: str, metadata, spec },
    requiredSpec
      ? ['apiVersion', 'kind', 'metadata', 'spec']
      : ['apiVersion', 'kind', 'metadata'],
  );
}

const localRef = closed({ name: str }, ['name']);
const secretKeyRef = closed({ name: str, key: str }, ['name', 'key']);
const resources = closed({
  requests: { type: 'object', additionalProperties: quantity },
  limits: { type: 'object', additionalProperties: quantity },
});

// --- CloudNativePG (postgresql.cnpg.io/v1) ---

const storage = closed({
  storageClass: str,
  size: quantity,
  resizeInUseVolumes: bool,
  pvcTemplate: { type: 'object' },
});

const pluginRef = closed(
  { name: str, enabled: bool, isWALArchiver: bool, parameters: stringMap },
  ['name'],
);

const cnpgCluster = resource(
  closed({
    description: str,
    instances: { type: 'integer', minimum: 1 },
    imageName: str,
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    primaryUpdateStrategy: { enum: ['unsupervised', 'supervised'] },
    primaryUpdateMethod: { enum: ['switchover', 'restart'] },
    storage,
    walStorage: storage,
    affinity: closed({
      enablePodAntiAffinity: bool,
      podAntiAffinityType: { enum: ['preferred', 'required'] },
      topologyKey: str,
      nodeSelector: stringMap,
      tolerations: { type: 'array', items: { type: 'object' } },
    }),
    postgresql: closed({ parameters: stringMap, pg_hba: strings }),
    resources,
    bootstrap: closed({
      initdb: closed({
        database: str,
        owner: str,
        secret: localRef,
        postInitSQL: strings,
      }),
      recovery: closed({
        source: str,
        database: str,
        owner: str,
        secret: localRef,
        recoveryTarget: closed({
          targetTime: str,
          targetLSN: str,
          targetName: str,
          targetXID: str,
          targetImmediate: bool,
          exclusive: bool,
        }),
      }),
    }),
    plugins: { type: 'array', items: pluginRef },
    externalClusters: {
      type: 'array',
      items: closed({ name: str, plugin: pluginRef }, ['name']),
    },
  }),
);

const cnpgScheduledBackup = resource(
  closed(
    {
      // robfig/cron with seconds: six fields, unlike a CronJob's five.
      schedule: { type: 'string', pattern: '^\\S+( \\S+){5}$' },
      cluster: localRef,
      suspend: bool,
      immediate: bool,
      backupOwnerReference: { enum: ['none', 'self', 'cluster'] },
      target: { enum: ['primary', 'prefer-standby'] },
      method: { enum: ['barmanObjectStore', 'volumeSnapshot', 'plugin'] },
      pluginConfiguration: closed({ name: str, parameters: stringMap }, [
        'name',
      ]),
      online: bool,
    },
    ['schedule', 'cluster'],
  ),
);

// --- Barman Cloud plugin (barmancloud.cnpg.io/v1) ---

const compression = { enum: ['bzip2', 'gzip', 'lz4', 'snappy', 'xz', 'zstd'] };

const barmanObjectStore = resource(
  closed(
    {
      retentionPolicy: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
      configuration: closed(
        {
          destinationPath: str,
          endpointURL: str,
          endpointCA: secretKeyRef,
          s3Credentials: closed({
            accessKeyId: secretKeyRef,
            secretAccessKey: secretKeyRef,
            region: secretKeyRef,
            sessionToken: secretKeyRef,
            inheritFromIAMRole: bool,
          }),
          wal: closed({
            compression,
            maxParallel: { type: 'integer', minimum: 1 },
            encryption: str,
          }),
          data: closed({
            compression: { enum: ['bzip2', 'gzip', 'lz4', 'snappy'] },
            jobs: { type: 'integer', minimum: 1 },
            immediateCheckpoint: bool,
            encryption: str,
          }),
          tags: stringMap,
          historyTags: stringMap,
        },
        ['destinationPath'],
      ),
      instanceSidecarConfiguration: closed({
        env: { type: 'array' },
        resources,
        retentionPolicyIntervalSeconds: int,
      }),
    },
    ['configuration'],
  ),
);

// --- RKE2's Helm controller (helm.cattle.io/v1) ---

const failurePolicy = { enum: ['abort', 'reinstall', 'retry'] };
const valuesSecrets = {
  type: 'array',
  items: closed(
    {
      name: str,
      keys: { type: 'array', items: str, minItems: 1 },
      ignoreUpdates: bool,
    },
    ['name', 'keys'],
  ),
};

const helmChart = resource(
  closed(
    {
      targetNamespace: str,
      createNamespace: bool,
      chart: str,
      version: str,
      repo: str,
      repoCA: str,
      set: {
        type: 'object',
        additionalProperties: { type: ['string', 'integer'] },
      },
      values: { type: 'object' },
      valuesContent: str,
      valuesSecrets,
      bootstrap: bool,
      takeOwnership: bool,
      chartContent: str,
      jobImage: str,
      backOffLimit: int,
      timeout: str,
      failurePolicy,
      authSecret: localRef,
      insecureSkipTLSVerify: bool,
      plainHTTP: bool,
    },
    ['chart'],
  ),
);

const helmChartConfig = resource(
  closed({
    values: { type: 'object' },
    valuesContent: str,
    valuesSecrets,
    failurePolicy,
  }),
);

// --- Longhorn (longhorn.io/v1beta2) ---

const recurringJob = resource(
  closed(
    {
      name: str,
      groups: strings,
      task: {
        enum: [
          'snapshot',
          'snapshot-force-create',
          'snapshot-cleanup',
          'snapshot-delete',
          'backup',
          'backup-force-create',
          'filesystem-trim',
          'system-backup',
        ],
      },
      cron: str,
      retain: { type: 'integer', minimum: 0 },
      retainAge: str,
      retentionPolicy: { enum: ['count-based', 'age-based'] },
      concurrency: { type: 'integer', minimum: 1 },
      labels: stringMap,
      parameters: stringMap,
    },
    ['task', 'cron'],
  ),
);

// A Setting has no spec: its value sits beside the metadata. Only the
// settings deploy/ changes are known here, each with the values
// longhorn-manager accepts (types/setting.go).
const longhornSetting = closed(
  {
    apiVersion: str,
    kind: str,
    metadata: closed(
      {
        name: { enum: ['node-drain-policy'] },
        namespace: { const: 'longhorn-system' },
        labels: stringMap,
        annotations: stringMap,
      },
      ['name', 'namespace'],
    ),
    value: {
      enum: [
        'block-for-eviction',
        'block-for-eviction-if-contains-last-replica',
        'block-if-contains-last-replica',
        'allow-if-replica-is-stopped',
        'always-allow',
      ],
    },
  },
  ['apiVersion', 'kind', 'metadata', 'value'],
);

// --- CSI snapshots (snapshot.storage.k8s.io/v1), which RKE2 installs ---

// kubernetes-csi/external-snapshotter client/apis/volumesnapshot/v1/types.go
// `VolumeSnapshotClass`: no spec, its fields beside the metadata.
const volumeSnapshotClass = closed(
  {
    apiVersion: str,
    kind: str,
    metadata,
    driver: str,
    deletionPolicy: { enum: ['Delete', 'Retain'] },
    parameters: stringMap,
  },
  ['apiVersion', 'kind', 'metadata', 'driver', 'deletionPolicy'],
);

/** Schemas by `apiVersion/kind`. */
export const OPERATOR_SCHEMAS: Record<string, Schema> = {
  'postgresql.cnpg.io/v1/Cluster': cnpgCluster,
  'postgresql.cnpg.io/v1/ScheduledBackup': cnpgScheduledBackup,
  'barmancloud.cnpg.io/v1/ObjectStore': barmanObjectStore,
  'helm.cattle.io/v1/HelmChart': helmChart,
  'helm.cattle.io/v1/HelmChartConfig': helmChartConfig,
  'longhorn.io/v1beta2/RecurringJob': recurringJob,
  'longhorn.io/v1beta2/Setting': longhornSetting,
  'snapshot.storage.k8s.io/v1/VolumeSnapshotClass': volumeSnapshotClass,
};

/**
 * /etc/rancher/rke2/config.yaml: the options deploy/rke2 sets (from
 * `rke2 server --help` and `rke2 agent --help`). A key RKE2 does not know
 * fails here; RKE2 itself would refuse to start.
 */
export const RKE2_CONFIG_SCHEMA: Schema = closed(
  {
    server: { type: 'string', pattern: '^https://\\S+:9345$' },
    token: str,
    'tls-san': { type: 'array', items: str, minItems: 1 },
    'cluster-init': bool,
    'write-kubeconfig-mode': { type: 'string', pattern: '^0[0-7]{3}$' },
    'node-taint': strings,
    'node-label': strings,
    'ingress-controller': { enum: ['ingress-nginx', 'traefik', 'none'] },
    cni: { enum: ['canal', 'calico', 'cilium', 'flannel', 'none'] },
    disable: strings,
    'etcd-expose-metrics': bool,
    'etcd-snapshot-schedule-cron': str,
    'etcd-snapshot-retention': int,
    'kube-controller-manager-arg': strings,
    'kube-scheduler-arg': strings,
    'kube-apiserver-arg': strings,
    'kubelet-arg': strings,
  },
  ['token'],
);
