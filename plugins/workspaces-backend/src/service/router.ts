import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { addFileRoutes } from './fileRoutes';
import { addShareRoutes } from './shareRoutes';
import { addSnapshotRoutes } from './snapshotRoutes';
import { addKeyboardLayoutRoutes } from './keyboardLayoutRoutes';
import type { WorkspaceService } from './WorkspaceService';
import type { WorkspaceMetrics } from './WorkspaceMetrics';

const ACTIONS = ['start', 'stop', 'restart'] as const;

function queryList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every(v => typeof v === 'string' && v.length > 0)) {
    throw new InputError(`${name} must be one or more non-empty strings`);
  }
  return list as string[];
}

export function createRouter(options: {
  service: WorkspaceService;
  httpAuth: HttpAuthService;
  metrics: WorkspaceMetrics;
  logger: LoggerService;
  onRequest?: express.RequestHandler;
}): express.Router {
  const { service, httpAuth, metrics } = options;
  const router = Router();
  if (options.onRequest) router.use(options.onRequest);
  router.use(express.json({ limit: '64kb' }));

  router.get('/flavors', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(service.getFlavors());
  });

  router.get('/ordering', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.ordering(credentials));
  });

  router.get('/workspaces', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const owners = queryList(req.query.owner, 'owner');
    res.json(await service.list(credentials, { owners }));
  });

  router.post('/workspaces', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const dryRun = req.query.dryRun === 'true';
    const workspace = await service.create(credentials, req.body, { dryRun });
    res.status(dryRun ? 200 : 201).json(workspace);
  });

  router.get('/workspaces/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await service.get(credentials, req.params.name));
  });

  router.get('/workspaces/:name/audit', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.auditLog(credentials, req.params.name));
  });

  for (const action of ACTIONS) {
    router.post(`/workspaces/:name/${action}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user'],
      });
      res.json(await service.runAction(credentials, req.params.name, action));
    });
  }

  addFileRoutes(router, options);
  addSnapshotRoutes(router, options);
  addShareRoutes(router, options);
  addKeyboardLayoutRoutes(router, options);

  router.post('/workspaces/:name/extend', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.extend(credentials, req.params.name, req.body));
  });

  router.get('/workspaces/:name/usage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.usage(credentials, req.params.name));
  });

  router.delete('/workspaces/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await service.delete(credentials, req.params.name);
    res.status(204).end();
  });

  router.get('/metrics', async (req, res) => {
    // Scraped with a static external-access token (backend.auth.externalAccess)
    // whose access restrictions grant workspace.metrics.read only.
    const credentials = await httpAuth.credentials(req, {
      allow: ['service'],
    });
    await service.authorizeMetrics(credentials);
    res
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  });

  return router;
}
