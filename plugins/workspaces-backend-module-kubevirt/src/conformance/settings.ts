import path from 'path';
import { ConfigReader } from '@backstage/config';
import { readDurationMs } from '@desktop-mania/config-node';
import { quantityToBytes } from '@desktop-mania/plugin-workspaces-common';

/** What an operator chose for one conformance run, from the environment. */
export interface ConformanceSettings {
  /** A kubeconfig file; undefined means the `KUBECONFIG` list, as kubectl reads it. */
  kubeconfigFile?: string;
  /** Where the kubeconfig came from, for messages. */
  kubeconfigFrom: 'CONFORMANCE_KUBECONFIG' | 'KUBECONFIG';
  context?: string;
  /** Everything, setup included, must be done within this; cleanup has its own bound. */
  timeoutMs: number;
  /** A registry (`docker://…`) or http(s) disk image imported as the tiny golden image. */
  imageUrl: string;
  /** The imported image's disk; at least 2Gi, so that a 1 GiB desktop disk is below it. */
  imageSize: string;
  /** An existing DataSource to clone from instead of importing `imageUrl`. */
  dataSource?: { namespace: string; name: string };
  storageClass?: string;
  /** An existing VirtualMachineClusterInstancetype instead of a tiny one made for the run. */
  instancetype?: string;
  /** Where the cluster's raw answers are written as fixtures. */
  recordDir?: string;
  /** Leave the namespace and cluster-wide objects for inspection. */
  keep: boolean;
}

export type ConformancePlan =
  | { run: true; settings: ConformanceSettings }
  | { run: false; reason: string };

/** CirrOS: about 20 MB, boots in seconds, and its VNC answers like any guest's. */
export const DEFAULT_IMAGE_URL =
  'https://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img';
export const DEFAULT_TIMEOUT = '15m';

export const GI = 1024 ** 3;

/**
 * The bytes of a storage quantity such as `2Gi`, as the portal reads sizes,
 * refusing what it cannot read: a size the suite cannot compare must stop
 * the run, not pass as NaN.
 */
export function storageBytes(quantity: string): number {
  const bytes = quantityToBytes(quantity);
  if (bytes === undefined) {
    throw new Error(`'${quantity}' is not a storage quantity such as 2Gi`);
  }
  return bytes;
}

const HOW_TO_RUN =
  'set CONFORMANCE_KUBECONFIG to a kubeconfig of a cluster with KubeVirt and CDI, or run `npm run conformance` with KUBECONFIG set (docs/cluster-guide.md, "Conformance check")';

/**
 * Whether this test run is a conformance run, and with what. `KUBECONFIG`
 * alone is not enough outside `npm run conformance`: developers often have
 * it set, and an ordinary `npm test` must never create namespaces on
 * whatever cluster it points at.
 */
export function planConformance(env: NodeJS.ProcessEnv): ConformancePlan {
  const own = env.CONFORMANCE_KUBECONFIG?.trim();
  const viaScript =
    env.npm_lifecycle_event === 'conformance' && !!env.KUBECONFIG?.trim();
  if (!own && !viaScript) {
    return {
      run: false,
      reason: env.KUBECONFIG?.trim()
        ? `skipped: KUBECONFIG is set, but only \`npm run conformance\` or CONFORMANCE_KUBECONFIG runs the cluster conformance suite; ${HOW_TO_RUN}`
        : `skipped: no cluster given; ${HOW_TO_RUN}`,
    };
  }
  // npm runs the script in the package's folder; paths are meant from where it was typed.
  const here = (p: string) => path.resolve(env.INIT_CWD ?? process.cwd(), p);
  const settings = readSettings(env, own && here(own));
  if (settings.recordDir) settings.recordDir = here(settings.recordDir);
  return { run: true, settings };
}

function readSettings(
  env: NodeJS.ProcessEnv,
  kubeconfigFile: string | undefined,
): ConformanceSettings {
  const text = (name: string) => env[name]?.trim() || undefined;
  const timeoutMs = readDurationMs(
    new ConfigReader({
      timeout: text('CONFORMANCE_TIMEOUT') ?? DEFAULT_TIMEOUT,
    }),
    'timeout',
    { fullKey: 'CONFORMANCE_TIMEOUT', minMs: 60_000 },
  )!;

  let dataSource: ConformanceSettings['dataSource'];
  const named = text('CONFORMANCE_DATASOURCE');
  if (named) {
    const match = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(named);
    if (!match) {
      throw new Error(
        `CONFORMANCE_DATASOURCE must be namespace/name of a CDI DataSource, got '${named}'`,
      );
    }
    dataSource = { namespace: match[1], name: match[2] };
  }

  const imageUrl = text('CONFORMANCE_IMAGE_URL') ?? DEFAULT_IMAGE_URL;
  if (!/^(docker|https?):\/\//.test(imageUrl)) {
    throw new Error(
      `CONFORMANCE_IMAGE_URL must start with docker://, http:// or https://, got '${imageUrl}'`,
    );
  }
  const imageSize = text('CONFORMANCE_IMAGE_SIZE') ?? '2Gi';
  if (storageBytes(imageSize) < 2 * GI) {
    throw new Error(
      `CONFORMANCE_IMAGE_SIZE must be at least 2Gi so that a 1 GiB disk is below it, got '${imageSize}'`,
    );
  }

  return {
    ...(kubeconfigFile ? { kubeconfigFile } : {}),
    kubeconfigFrom: kubeconfigFile ? 'CONFORMANCE_KUBECONFIG' : 'KUBECONFIG',
    context: text('CONFORMANCE_CONTEXT'),
    timeoutMs,
    imageUrl,
    imageSize,
    dataSource,
    storageClass: text('CONFORMANCE_STORAGE_CLASS'),
    instancetype: text('CONFORMANCE_INSTANCETYPE'),
    recordDir: text('CONFORMANCE_RECORD_DIR'),
    keep: /^(1|true|yes)$/i.test(text('CONFORMANCE_KEEP') ?? ''),
  };
}
