// The local org's HTTP front door (node:http). Logins, the identity URL and the admin endpoint
// are answered directly; /services/data/v<version>/… goes through the checks every REST call
// gets on a real org — a live session, the daily API allowance, the injected faults — and is
// then dispatched through the route table. Wire rules: salesforce-rest.md §0.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SalesforceError, asSalesforceError, notFound } from '../errors';
import type { Faults } from '../faults';
import type { LocalOrgStore } from '../store/types';
import { handleAdminRequest } from './admin';
import type { ApiUsage } from './api-usage';
import { handleAuthRequest } from './auth';
import {
  ApiRouter,
  makeApiRequest,
  normalizePath,
  runRoute,
  type UnexpectedErrorListener,
} from './router';
import type { ApiResponse, ApiRoute, OrgContext } from './routes';
import type { Sessions } from './sessions';
import { parseApiVersion, versionList } from './versions';
import {
  bearerToken,
  jsonResponse,
  type PlainRequest,
  type PlainResponse,
  type ServerState,
} from './wire';

export interface ApiServerParts {
  store: LocalOrgStore;
  faults: Faults;
  sessions: Sessions;
  usage: ApiUsage;
  /** The password of the org's one user. */
  password: string;
  /** The REST routes, patterns relative to /services/data/v<version>. */
  routes: readonly ApiRoute[];
  /** Told about anything a handler throws that is not a SalesforceError (a bug in the org). */
  onUnexpectedError?: UnexpectedErrorListener;
  /** Hosts besides loopback the OAuth sign-in page may redirect to. */
  oauthRedirectHosts?: readonly string[];
}

export interface ApiServerOptions {
  /** 0: any free port. */
  port: number;
  host: string;
  /** The largest request body read (default DEFAULT_MAX_REQUEST_BYTES); a larger one gets 413. */
  maxRequestBytes?: number;
}

/** Bulk 2.0 takes uploads of up to 150 MB (reference §2.16); nothing the org serves needs more. */
export const DEFAULT_MAX_REQUEST_BYTES = 150 * 1024 * 1024;

/** A body past the limit: read to its end (so the client hears the answer), then refused. */
class RequestTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

export interface ApiServer {
  /** http://HOST:PORT, no trailing slash: both the login URL and the instance URL. */
  url: string;
  close(): Promise<void>;
}

/** jsforce retries these methods on 5xx (§0 rule 3): a deterministic error must not be 5xx. */
const RETRIED_METHODS = new Set(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);

const BULK_V1_MESSAGE =
  'The local org does not implement Bulk API 1.0 (/services/async). Use Bulk API 2.0 ' +
  '(jsforce conn.bulk2) or sObject Collections; for Query#update/destroy pass ' +
  '{ allowBulk: false } or { bulkApiVersion: 2 }.';

export async function startApiServer(
  parts: ApiServerParts,
  options: ApiServerOptions,
): Promise<ApiServer> {
  const router = new ApiRouter(parts.routes);
  // The handler is attached once the port (and so the instance URL) is known.
  const server: Server = createServer();

  async function answer(
    serverState: ServerState,
    context: OrgContext,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const request: PlainRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: normalizePath(queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt)),
      query: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress,
    };
    const direct =
      handleAdminRequest(serverState, request) ?? handleAuthRequest(serverState, request);
    if (direct) {
      send(res, direct);
      return;
    }
    const lower = request.path.toLowerCase();
    if (lower === '/services/async' || lower.startsWith('/services/async/')) {
      send(res, jsonResponse(404, [{ message: BULK_V1_MESSAGE, errorCode: 'NOT_FOUND' }]));
      return;
    }
    if (lower === '/services/data' || lower.startsWith('/services/data/')) {
      await answerRest(serverState, context, request, req, res);
      return;
    }
    send(res, jsonResponse(404, [notFound().toJson()]));
  }

  async function answerRest(
    serverState: ServerState,
    context: OrgContext,
    request: PlainRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const limitHeader = (): Record<string, string> => ({
      'Sforce-Limit-Info': serverState.usage.header(),
    });
    const fail = (error: SalesforceError): void =>
      send(res, jsonResponse(error.status, [error.toJson()], limitHeader()));

    const rest = /^\/services\/data(?:\/([^/]*))?(\/.*)?$/i.exec(request.path);
    const versionSegment = rest?.[1];
    if (versionSegment === undefined) {
      // GET /services/data: the versions, no session needed.
      if (request.method !== 'GET') {
        fail(
          new SalesforceError(
            'METHOD_NOT_ALLOWED',
            `HTTP Method '${request.method}' not allowed. Allowed are GET`,
            [],
            405,
          ),
        );
        return;
      }
      send(res, jsonResponse(200, versionList(), limitHeader()));
      return;
    }
    const apiVersion = /^v/i.test(versionSegment)
      ? parseApiVersion(versionSegment.slice(1))
      : undefined;
    if (!apiVersion) {
      fail(
        new SalesforceError(
          'NOT_FOUND',
          `The requested resource does not exist: '${versionSegment}' is not an API version here; use v31.0 to v66.0 (GET /services/data lists them).`,
          [],
          404,
        ),
      );
      return;
    }
    const token = bearerToken(request.headers);
    const userId = token ? serverState.sessions.userOf(token) : undefined;
    if (!userId) {
      fail(new SalesforceError('INVALID_SESSION_ID', 'Session expired or invalid', [], 401));
      return;
    }
    if (!serverState.usage.count()) {
      fail(new SalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], 403));
      return;
    }
    const fault = serverState.faults.onRequest();
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'unavailable') {
      fail(
        new SalesforceError(
          'SERVER_UNAVAILABLE',
          'Server unavailable, please try again later.',
          [],
          503,
        ),
      );
      return;
    }
    const apiRequest = makeApiRequest({
      method: request.method,
      path: rest?.[2] ?? '',
      apiVersion,
      query: request.query,
      headers: request.headers,
      body: request.body,
      userId,
      org: context,
    });
    let response: ApiResponse = await runRoute(router, apiRequest, parts.onUnexpectedError);
    if (response.status >= 500 && RETRIED_METHODS.has(request.method)) {
      // An org bug must not cost a GET 15 s of jsforce retries (§0 rule 3).
      response = { ...response, status: 400 };
    }
    send(res, plainFromApi(response, limitHeader()));
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      const where = `${options.host}:${options.port}`;
      let message = `Cannot listen on ${where}: ${error.message}`;
      if (error.code === 'EADDRINUSE') {
        message = `Port ${options.port} on ${options.host} is in use; choose another port, or 0 for any free one`;
      } else if (error.code === 'EADDRNOTAVAIL') {
        message = `Cannot listen on ${where}: the host is not an address of this machine`;
      }
      // Keep the code: callers (the CLI) word their own advice from it.
      reject(Object.assign(new Error(message), { code: error.code }));
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(options.host)}:${address.port}`;
  const state: ServerState = { ...parts, instanceUrl: url };
  const org: OrgContext = { store: parts.store, faults: parts.faults, instanceUrl: url };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    readBody(req, options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES)
      .then((body) => answer(state, org, req, res, body))
      .catch((error: unknown) => {
        if (error instanceof RequestTooLarge) {
          // UNCONFIRMED: the errorCode a real org gives an oversized body; the status is HTTP's.
          const MB = 1024 * 1024;
          const size =
            error.limit >= MB ? `${Math.floor(error.limit / MB)} MB` : `${error.limit} bytes`;
          send(
            res,
            jsonResponse(413, [
              {
                errorCode: 'REQUEST_ENTITY_TOO_LARGE',
                message: `The request body is larger than the ${size} this org accepts; send fewer records per request (a Bulk 2.0 job takes several uploads).`,
              },
            ]),
          );
          return;
        }
        parts.onUnexpectedError?.(error);
        if (!res.headersSent) send(res, jsonResponse(400, [asSalesforceError(error).toJson()]));
        else res.destroy();
      });
  });

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // jsforce keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

function plainFromApi(response: ApiResponse, extra: Record<string, string>): PlainResponse {
  const headers = { ...extra, ...response.headers };
  if (response.status === 204 || response.body === undefined) {
    return { status: response.status, headers };
  }
  if (response.contentType) {
    return {
      status: response.status,
      headers: { 'Content-Type': response.contentType, ...headers },
      body: typeof response.body === 'string' ? response.body : JSON.stringify(response.body),
    };
  }
  return jsonResponse(response.status, response.body, headers);
}

function send(res: ServerResponse, response: PlainResponse): void {
  const headers: Record<string, string | number> = { ...response.headers };
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const body = Buffer.from(response.body, 'utf8');
  headers['Content-Length'] = body.length;
  res.writeHead(response.status, headers).end(body);
}

/** The whole body, or RequestTooLarge past `limit` (bytes beyond it are read and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () =>
      size > limit ? reject(new RequestTooLarge(limit)) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** The host part of the org's URL: a wildcard address is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
