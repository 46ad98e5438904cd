import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorBody, ApiErrorCode } from '../../src-shared/api';
import type { Studio } from '../studio';

export interface WebHostOptions {
  studio: Studio;
  /** The built renderer (out/renderer); the API works without it. */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per run otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  /** The URL to open: `url` plus `?token=…`. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'connect_studio_token';
const MAX_BODY_BYTES = 20 * 1024 * 1024;

const STATUS_OF: Record<ApiErrorCode, number> = {
  BAD_PARAMS: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  NO_ACTIVE_ORG: 409,
  NO_ACTIVE_DATABASE: 409,
  CONNECT_FAILED: 502,
  NOT_AVAILABLE: 503,
  REMOTE_ERROR: 422,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the renderer and the contract on 127.0.0.1: `POST /api/<method>` with JSON in and
 * out, events over a WebSocket at `/events`. Every request must carry the per-run token, as
 * `Authorization: Bearer …`, `?token=…`, or the cookie set when the page was opened with it.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const sockets = new Set<WebSocket>();
  let port = 0;

  const tokenMatches = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const candidate = Buffer.from(given);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return (
      tokenMatches(bearer) ||
      tokenMatches(url.searchParams.get('token')) ||
      tokenMatches(cookie(req, TOKEN_COOKIE))
    );
  };

  // Only our own origin may talk to us: blocks DNS rebinding and cross-site requests.
  // Filled in once the port is known.
  let allowedHosts = new Set<string>();
  const sameOrigin = (req: IncomingMessage): boolean => {
    if (!allowedHosts.has(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return origin === undefined;
    try {
      return allowedHosts.has(new URL(origin).host);
    } catch {
      return false;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof URIError) {
        // decodeURIComponent throws on a malformed %-escape in the path: bad input, not our bug.
        sendError(res, 400, {
          code: 'BAD_PARAMS',
          message: 'The address has a malformed %-escape.',
        });
      } else {
        sendError(res, 500, { code: 'INTERNAL', message: String(error) });
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!sameOrigin(req)) {
      sendError(res, 403, {
        code: 'UNAUTHORIZED',
        message: `Requests must come from http://127.0.0.1:${port} itself.`,
      });
      return;
    }
    if (!authorized(req, url)) {
      if (url.pathname.startsWith('/api/')) {
        sendError(res, 401, {
          code: 'UNAUTHORIZED',
          message:
            'Missing or wrong token. Send the token printed by `connect-studio start --web` as ' +
            '"Authorization: Bearer <token>" or ?token=<token>.',
        });
      } else {
        sendUnauthorizedPage(res);
      }
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/'.length)));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, { code: 'BAD_PARAMS', message: `${req.method} is not allowed here.` });
      return;
    }
    if (url.searchParams.has('token')) {
      // Remember the token for the page's own asset requests; the page drops it from the address bar.
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    serveStatic(res, url.pathname);
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
  ): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, 405, {
        code: 'BAD_PARAMS',
        message: `Call ${method} with POST and a JSON body.`,
      });
      return;
    }
    let params: unknown;
    try {
      params = await readJson(req);
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      sendError(res, status, { code: 'BAD_PARAMS', message: (error as Error).message });
      return;
    }
    const outcome = await options.studio.router.call(method, params);
    if (outcome.ok) sendJson(res, 200, outcome.result);
    else sendError(res, STATUS_OF[outcome.error.code], outcome.error);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    const root = options.rendererDir;
    const indexFile = join(root, 'index.html');
    if (!existsSync(indexFile)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`The renderer is not built (${indexFile} is missing). Run: npm run build\n`);
      return;
    }
    let file = normalize(join(root, decodeURIComponent(pathname)));
    if (!file.startsWith(root + sep) && file !== root) file = indexFile;
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Client-side routes fall back to the app; a missing asset is a real 404.
      if (extname(pathname)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
        return;
      }
      file = indexFile;
    }
    const isIndex = file === indexFile;
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      ...(isIndex
        ? { 'Content-Security-Policy': contentSecurityPolicy(port), 'X-Frame-Options': 'DENY' }
        : {}),
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/events' || !sameOrigin(req) || !authorized(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = options.studio.events.subscribe((envelope) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(envelope));
      });
      ws.on('close', () => {
        sockets.delete(ws);
        unsubscribe();
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets inline style attributes; Monaco injects its own styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

class BodyTooLargeError extends Error {}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep reading but drop the bytes: the client then receives the 413
      // instead of a reset connection.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(
          new BodyTooLargeError(
            `The request body is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ` +
              `${MAX_BODY_BYTES / 1024 / 1024} MB.`,
          ),
        );
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolveBody({});
      try {
        resolveBody(JSON.parse(text));
      } catch (error) {
        reject(new Error(`The request body is not valid JSON: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiErrorBody): void {
  sendJson(res, status, { error });
}

function sendUnauthorizedPage(res: ServerResponse): void {
  res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><meta charset="utf-8"><title>Connect Studio — token needed</title>
<body style="font:15px system-ui;margin:3rem;max-width:40rem">
<h1>Connect Studio needs its token</h1>
<p>This studio only answers the browser it was opened for. Open the full address that
<code>connect-studio start --web</code> printed: it ends in <code>?token=…</code>.</p></body>`);
}
