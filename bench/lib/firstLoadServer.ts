/*
 * One app build served beside the backend, so that two builds (today's
 * packages/app/dist and a copy of an earlier one) load in the same run, on
 * the same load, against the same backend. It answers as the backend's app
 * plugin does for what the first load touches: hashed files under /static
 * cached for 14 days, index.html never cached and carrying the config the
 * backend injects (with this server's origin), everything else under /api
 * and /.backstage passed to the backend, websockets included. Both builds
 * go through this same server, so the extra hop is the same for both.
 */
import fs from 'fs';
import http from 'http';
import net from 'net';
import path from 'path';
import zlib from 'zlib';

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.json': 'application/json; charset=UTF-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const CONFIG_SCRIPT = /<script type="backstage\.io\/config">[\s\S]*?<\/script>/;

/** Serves `dist` on `port`, passing API calls to `backend`; resolves once listening. */
export async function serveBuild(options: {
  dist: string;
  port: number;
  backend: string;
}): Promise<{ origin: string; close: () => Promise<void> }> {
  const origin = `http://localhost:${options.port}`;
  const backend = new URL(options.backend);
  // The config the backend injects, pointed at this origin, in this build's page.
  const served = await (await fetch(`${options.backend}/`)).text();
  const config = served.match(CONFIG_SCRIPT)?.[0];
  if (!config) throw new Error(`no injected config at ${options.backend}/`);
  const page = fs
    .readFileSync(path.join(options.dist, 'index.html'), 'utf8')
    .replace(CONFIG_SCRIPT, () => config.split(backend.origin).join(origin));

  const passOn = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const upstream = http.request(
      {
        host: backend.hostname,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: backend.host },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (/^\/(api|\.backstage)\//.test(url.pathname)) {
      passOn(req, res);
      return;
    }
    const file = path.join(options.dist, path.normalize(url.pathname));
    const isFile =
      file.startsWith(options.dist) &&
      url.pathname !== '/' &&
      url.pathname !== '/index.html' &&
      fs.existsSync(file) &&
      fs.statSync(file).isFile();
    if (!isFile) {
      // The app's own routes all answer with its page, as the backend does.
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store, max-age=0',
      });
      res.end(page);
      return;
    }
    // Compressed as the backend compresses them, for the cold visit's bytes.
    const gzip =
      /\.(js|css|json|svg)$/.test(file) &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': url.pathname.startsWith('/static/')
        ? 'public, max-age=1209600'
        : 'no-store, max-age=0',
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    const body = fs.createReadStream(file);
    (gzip ? body.pipe(zlib.createGzip()) : body).pipe(res);
  });

  // Signals and other websockets: the upgrade request goes on as it came,
  // then bytes flow both ways untouched.
  server.on('upgrade', (req, socket: net.Socket, head) => {
    const upstream = net.connect(Number(backend.port), backend.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        const value =
          name.toLowerCase() === 'host' ? backend.host : req.rawHeaders[i + 1];
        lines.push(`${name}: ${value}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', end);
    socket.on('error', end);
  });

  await new Promise<void>(resolve =>
    server.listen(options.port, '127.0.0.1', resolve),
  );
  return {
    origin,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
