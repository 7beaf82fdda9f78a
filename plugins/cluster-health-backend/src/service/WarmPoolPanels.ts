import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  clusterHealthReadPermission,
  InstantSample,
} from '@desktop-mania/plugin-cluster-health-common';
import express from 'express';
import Router from 'express-promise-router';
import { AnswerCache } from './AnswerCache';
import { PrometheusClient } from './PrometheusClient';
import type { ClusterHealthConfig } from './readClusterHealthConfig';

/** One warm pool of a cluster, as the portal's metrics report it. */
export interface WarmPoolRow {
  image: string;
  size: string;
  ready: number;
  preparing: number;
  target: number;
  claimsLastHour: number;
  missesLastHour: number;
}

/** What `GET /clusters/:cluster/warm-pool` answers. */
export interface WarmPoolAnswer {
  pools: WarmPoolRow[];
  fetchedAt: string;
  stale: boolean;
  error?: string;
}

/**
 * The PromQL over the KubeVirt module's `desktopmania_warm_pool_*`, for the
 * desktops' cluster of the same name as the health page's. Members come
 * from whichever replica refilled last (the refill runs on one at a time);
 * claims and misses add up over replicas.
 */
export function warmPoolQueries(cluster: string) {
  const c = `cluster=${JSON.stringify(cluster)}`;
  const latest =
    'desktopmania_warm_pool_refreshed_timestamp_seconds == scalar(max(desktopmania_warm_pool_refreshed_timestamp_seconds))';
  return {
    members: `max by (image, size, state) (desktopmania_warm_pool_members{${c}} and on (instance) (${latest}))`,
    target: `max by (image, size) (desktopmania_warm_pool_target{${c}})`,
    claims: `sum by (image, size) (increase(desktopmania_warm_pool_claims_total{${c}}[1h]))`,
    misses: `sum by (image, size) (increase(desktopmania_warm_pool_misses_total{${c}}[1h]))`,
  };
}

/** Folds the four answers into one row per pool. */
export function warmPoolRows(answers: {
  members: InstantSample[];
  target: InstantSample[];
  claims: InstantSample[];
  misses: InstantSample[];
}): WarmPoolRow[] {
  const rows = new Map<string, WarmPoolRow>();
  const row = ({ labels }: InstantSample) => {
    const key = `${labels.image}/${labels.size}`;
    let found = rows.get(key);
    if (!found) {
      found = {
        image: labels.image ?? '',
        size: labels.size ?? '',
        ready: 0,
        preparing: 0,
        target: 0,
        claimsLastHour: 0,
        missesLastHour: 0,
      };
      rows.set(key, found);
    }
    return found;
  };
  for (const s of answers.members) {
    if (s.labels.state === 'ready') row(s).ready = s.value;
    else row(s).preparing = s.value;
  }
  for (const s of answers.target) row(s).target = s.value;
  // increase() extrapolates; whole orders read better.
  for (const s of answers.claims) row(s).claimsLastHour = Math.round(s.value);
  for (const s of answers.misses) row(s).missesLastHour = Math.round(s.value);
  return [...rows.values()].sort((a, b) =>
    `${a.image}/${a.size}`.localeCompare(`${b.image}/${b.size}`),
  );
}

/** Answers the warm-pool section per cluster, cached like the panels. */
export class WarmPoolPanels {
  private readonly clients: Map<string, PrometheusClient>;
  private readonly cache: AnswerCache;

  constructor(
    config: ClusterHealthConfig,
    options: { now?: () => number } = {},
  ) {
    this.clients = new Map(
      config.clusters.map((c, i) => [
        c.name,
        new PrometheusClient({
          ...c.prometheus,
          timeoutMs: config.timeoutMs,
          configKey: `clusterHealth.clusters[${i}].prometheus.url`,
        }),
      ]),
    );
    this.cache = new AnswerCache({
      ttlMs: config.cacheTtlMs,
      now: options.now,
    });
  }

  async answer(cluster: string): Promise<WarmPoolAnswer> {
    const client = this.clients.get(cluster);
    if (!client) {
      throw new NotFoundError(`No cluster named '${cluster}' is configured`);
    }
    const q = warmPoolQueries(cluster);
    const answer = await this.cache.get(`${cluster}/warm-pool`, async () => {
      const [members, target, claims, misses] = await Promise.all([
        client.instant(q.members),
        client.instant(q.target),
        client.instant(q.claims),
        client.instant(q.misses),
      ]);
      return warmPoolRows({ members, target, claims, misses });
    });
    return {
      pools: answer.data,
      fetchedAt: answer.fetchedAt,
      stale: answer.stale,
      ...(answer.error ? { error: answer.error } : {}),
    };
  }
}

/** `GET /clusters/:cluster/warm-pool`, for those who may read cluster health. */
export function createWarmPoolRouter(options: {
  warmPool: WarmPoolPanels;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const router = Router();
  router.get('/clusters/:cluster/warm-pool', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await options.permissions.authorize(
      [{ permission: clusterHealthReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Cluster health is for platform owners');
    }
    res.json(await options.warmPool.answer(req.params.cluster));
  });
  return router;
}
