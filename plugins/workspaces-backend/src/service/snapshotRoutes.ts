import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type express from 'express';
import type { WorkspaceService } from './WorkspaceService';

/**
 * Named snapshots of a desktop. People only: the service checks
 * `workspace.lifecycle` on the desktop (`workspace.read` to list) before its
 * provider is asked.
 */
export function addSnapshotRoutes(
  router: express.Router,
  options: { service: WorkspaceService; httpAuth: HttpAuthService },
) {
  const { service, httpAuth } = options;
  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });
  const base = '/workspaces/:name/snapshots';

  router.get(base, async (req, res) => {
    const credentials = await user(req);
    res.json(await service.snapshots.list(credentials, req.params.name));
  });

  router.post(base, async (req, res) => {
    const credentials = await user(req);
    res
      .status(201)
      .json(
        await service.snapshots.take(credentials, req.params.name, req.body),
      );
  });

  router.post(`${base}/:snapshot/restore`, async (req, res) => {
    const credentials = await user(req);
    res.json(
      await service.snapshots.restore(
        credentials,
        req.params.name,
        req.params.snapshot,
      ),
    );
  });

  router.patch(`${base}/:snapshot`, async (req, res) => {
    const credentials = await user(req);
    res.json(
      await service.snapshots.setKeep(
        credentials,
        req.params.name,
        req.params.snapshot,
        req.body,
      ),
    );
  });

  router.delete(`${base}/:snapshot`, async (req, res) => {
    const credentials = await user(req);
    await service.snapshots.delete(
      credentials,
      req.params.name,
      req.params.snapshot,
    );
    res.status(204).end();
  });
}
