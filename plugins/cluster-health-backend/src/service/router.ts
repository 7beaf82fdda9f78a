import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { clusterHealthReadPermission } from '@desktop-mania/plugin-cluster-health-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ClusterHealthService } from './ClusterHealthService';

/** Only named panels and ranges come in: the browser never sends PromQL. */
export function createRouter(options: {
  service: ClusterHealthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { service, httpAuth, permissions } = options;
  const router = Router();

  router.use(async (req, _res, next) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission: clusterHealthReadPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Cluster health is for platform owners');
    }
    next();
  });

  router.get('/clusters', async (_req, res) => {
    res.json(service.listClusters());
  });
  router.get('/clusters/:cluster/overview', async (req, res) => {
    res.json(await service.overview(req.params.cluster));
  });
  router.get('/clusters/:cluster/panels/:panel', async (req, res) => {
    const range = req.query.range;
    res.json(
      range === undefined
        ? await service.instantPanel(req.params.cluster, req.params.panel)
        : await service.rangePanel(req.params.cluster, req.params.panel, String(range)),
    );
  });
  router.get('/clusters/:cluster/alerts', async (req, res) => {
    res.json(await service.alerts(req.params.cluster));
  });
  return router;
}
