import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CLUSTER_HEALTH_RANGES,
  clusterHealthReadPermission,
} from '@desktop-mania/plugin-cluster-health-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ClusterHealthService } from './ClusterHealthService';

const noQuery = z.object({}).strict();
const panelQuery = z
  .object({ range: z.enum(CLUSTER_HEALTH_RANGES).optional() })
  .strict();

function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(i =>
          i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
        )
        .join('; '),
    );
  }
  return parsed.data;
}

/**
 * The browser names a cluster, a panel and a range; it never sends PromQL.
 * Every route needs `cluster-health.read`.
 */
export function createRouter(options: {
  service: ClusterHealthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { service, httpAuth, permissions } = options;
  const router = Router();

  router.use(async (req, _res, next) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: clusterHealthReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Cluster health is for platform owners');
    }
    next();
  });

  router.get('/clusters', async (req, res) => {
    parseQuery(noQuery, req.query);
    res.json(service.listClusters());
  });

  router.get('/clusters/:cluster/overview', async (req, res) => {
    parseQuery(noQuery, req.query);
    res.json(await service.overview(req.params.cluster));
  });

  router.get('/clusters/:cluster/panels/:panel', async (req, res) => {
    const { range } = parseQuery(panelQuery, req.query);
    const { cluster, panel } = req.params;
    res.json(
      range
        ? await service.rangePanel(cluster, panel, range)
        : await service.instantPanel(cluster, panel),
    );
  });

  router.get('/clusters/:cluster/alerts', async (req, res) => {
    parseQuery(noQuery, req.query);
    res.json(await service.alerts(req.params.cluster));
  });

  return router;
}
