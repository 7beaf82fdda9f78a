import { Config } from '@backstage/config';
import {
  asConfigError,
  configError,
  readDurationMs,
} from '@desktop-mania/config-node';
import {
  CLUSTER_HEALTH_PANELS,
  isInstantPanel,
  PanelName,
} from '@desktop-mania/plugin-cluster-health-common';
import {
  INSTANT_PANEL_DEFAULTS,
  PanelDefinition,
  RANGE_PANEL_DEFAULTS,
} from './defaultPanels';

export interface ClusterConfig {
  name: string;
  title: string;
  entityRef?: string;
  prometheus: { url: string; token?: string; headers?: Record<string, string> };
}

export interface ClusterHealthConfig {
  clusters: ClusterConfig[];
  panels: Record<PanelName, PanelDefinition>;
  cacheTtlMs: number;
  timeoutMs: number;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function duration(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
  minMs: number,
) {
  if (!config) return fallbackMs;
  return (
    readDurationMs(config, key, { fullKey: `clusterHealth.${key}`, minMs }) ??
    fallbackMs
  );
}

/**
 * Reads `clusterHealth` and fails at startup on anything the pages could not
 * use, with an `InputError` naming the key.
 */
export function readClusterHealthConfig(root: Config): ClusterHealthConfig {
  try {
    return readConfig(root);
  } catch (error) {
    throw asConfigError(error, 'clusterHealth');
  }
}

function readConfig(root: Config): ClusterHealthConfig {
  const config = root.getOptionalConfig('clusterHealth');
  const clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(
    (c, i): ClusterConfig => {
      const name = c.getString('name');
      if (!CLUSTER_NAME.test(name)) {
        throw configError(
          `clusterHealth.clusters[${i}].name`,
          `'${name}' must be lower case letters, digits and dashes`,
        );
      }
      const url = c.getString('prometheus.url');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw configError(
          `clusterHealth.clusters[${i}].prometheus.url`,
          `'${url}' is not a URL`,
        );
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw configError(
          `clusterHealth.clusters[${i}].prometheus.url`,
          `'${url}' must be an http:// or https:// URL`,
        );
      }
      const headers = c.getOptionalConfig('prometheus.headers');
      return {
        name,
        title: c.getOptionalString('title') ?? name,
        entityRef: c.getOptionalString('entityRef'),
        prometheus: {
          url,
          token: c.getOptionalString('prometheus.token'),
          headers:
            headers &&
            Object.fromEntries(
              headers.keys().map(k => [k, headers.getString(k)]),
            ),
        },
      };
    },
  );
  const seen = new Map<string, number>();
  clusters.forEach(({ name }, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw configError(
        `clusterHealth.clusters[${i}].name`,
        `'${name}' is already used at clusterHealth.clusters[${first}].name; names must be unique`,
      );
    }
    seen.set(name, i);
  });

  const overrides = config?.getOptionalConfig('panels');
  for (const name of overrides?.keys() ?? []) {
    if (!(CLUSTER_HEALTH_PANELS as readonly string[]).includes(name)) {
      throw configError(
        `clusterHealth.panels.${name}`,
        `'${name}' names no panel; panels are ${CLUSTER_HEALTH_PANELS.join(
          ', ',
        )}`,
      );
    }
  }
  const panels = Object.fromEntries(
    CLUSTER_HEALTH_PANELS.map(name => {
      const definition = isInstantPanel(name)
        ? INSTANT_PANEL_DEFAULTS[name]
        : RANGE_PANEL_DEFAULTS[name];
      const query = overrides?.getOptionalString(`${name}.query`)?.trim();
      if (query === '')
        throw configError(
          `clusterHealth.panels.${name}.query`,
          'is empty; give a PromQL query or leave the panel out',
        );
      return [name, { ...definition, query: query ?? definition.query }];
    }),
  ) as Record<PanelName, PanelDefinition>;

  return {
    clusters,
    panels,
    cacheTtlMs: duration(config, 'cacheTtl', 15_000, 0),
    timeoutMs: duration(config, 'timeout', 5_000, 1),
  };
}
