import { pipeline } from 'stream/promises';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { Recordings } from '../recording/Recordings';

/**
 * Console recordings, for people: the desktop's owner and admins
 * (`workspace.recording.read`); anyone else who may not see the desktop
 * gets a 404, so recordings of other people's desktops do not leak.
 */
export function createRecordingRouter(options: {
  recordings: Recordings;
  httpAuth: HttpAuthService;
}): express.Router {
  const { recordings, httpAuth } = options;
  const router = Router();
  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  router.get('/workspaces/:name/recordings', async (req, res) => {
    res.json(await recordings.list(await user(req), req.params.name));
  });

  router.get('/recordings/:id', async (req, res) => {
    res.json(await recordings.get(await user(req), req.params.id));
  });

  router.get('/recordings/:id/content', async (req, res) => {
    const { recording, size, stream } = await recordings.content(
      await user(req),
      req.params.id,
    );
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${recording.workspace}-${recording.id}.dmrec"`,
      'Cache-Control': 'private, no-store',
    });
    // A file still being written is served as far as it is on disk now.
    await pipeline(stream, res);
  });

  return router;
}
