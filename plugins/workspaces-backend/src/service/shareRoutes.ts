import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type express from 'express';
import type { WorkspaceService } from './WorkspaceService';

/**
 * Sharing a desktop with people and groups. People only: managing shares
 * needs `workspace.lifecycle` on the desktop (which grantees never hold),
 * and what is shared with the caller is looked up by their own claims.
 */
export function addShareRoutes(
  router: express.Router,
  options: { service: WorkspaceService; httpAuth: HttpAuthService },
) {
  const { service, httpAuth } = options;
  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });
  const base = '/workspaces/:name/shares';

  router.get(base, async (req, res) => {
    const credentials = await user(req);
    res.json(await service.sharing.list(credentials, req.params.name));
  });

  router.put(`${base}/:grantee`, async (req, res) => {
    const credentials = await user(req);
    res.json(
      await service.sharing.put(
        credentials,
        req.params.name,
        req.params.grantee,
        req.body,
      ),
    );
  });

  router.delete(`${base}/:grantee`, async (req, res) => {
    const credentials = await user(req);
    await service.sharing.remove(
      credentials,
      req.params.name,
      req.params.grantee,
    );
    res.status(204).end();
  });

  router.get('/shared-with-me', async (req, res) => {
    const credentials = await user(req);
    res.json(await service.sharing.sharedWithMe(credentials));
  });
}
