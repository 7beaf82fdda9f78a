import { pipeline } from 'stream';
import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type express from 'express';
import type { WorkspaceService } from './WorkspaceService';

function pathOf(req: express.Request): string {
  const { path } = req.query;
  if (path === undefined) return '';
  if (typeof path !== 'string')
    throw new InputError('path: must be one string');
  return path;
}

/** `attachment` with the name both as plain ASCII and, exactly, as RFC 5987. */
function attachment(fileName: string) {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(
    fileName,
  )}`;
}

/**
 * Listing, download and upload of files in a desktop's home. People only:
 * the service checks `workspace.files` and `workspace.connect` on the
 * desktop before its provider is asked.
 */
export function addFileRoutes(
  router: express.Router,
  options: {
    service: WorkspaceService;
    httpAuth: HttpAuthService;
    logger: LoggerService;
  },
) {
  const { service, httpAuth, logger } = options;

  router.get('/workspaces/:name/files', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await service.files.list(credentials, req.params.name, pathOf(req)),
    );
  });

  router.get('/workspaces/:name/files/content', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { content, size, fileName } = await service.files.download(
      credentials,
      req.params.name,
      pathOf(req),
    );
    // Served from the backend's origin: never as something a browser renders.
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'Content-Disposition': attachment(fileName),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    pipeline(content, res, error => {
      // Headers are out: a failure can only cut the download short.
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.warn(
          `Download from desktop '${req.params.name}' broke off: ${error.message}`,
        );
      }
    });
  });

  router.put('/workspaces/:name/files/content', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (req.is('application/json') || (req as { _body?: boolean })._body) {
      throw new InputError(
        'Send the file as raw bytes (Content-Type application/octet-stream)',
      );
    }
    const length = req.headers['content-length'];
    try {
      const entry = await service.files.upload(
        credentials,
        req.params.name,
        pathOf(req),
        req,
        length === undefined ? undefined : Number(length),
      );
      res.status(201).json(entry);
    } catch (error) {
      // A refused upload's body would otherwise still be sent, to be thrown away.
      if (!req.complete) res.set('Connection', 'close');
      throw error;
    }
  });
}
