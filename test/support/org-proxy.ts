// A forwarding HTTP server in front of a local org, for tests that need the org to look or
// behave unlike itself: under another org id (every local org has the same one), or with a slow
// token endpoint. Requests and answers pass through unchanged otherwise.
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalOrg } from '../../src-main/local-org';

export interface OrgProxyOptions {
  /**
   * Clients use `<sessionOrgId>!proxy` as their access token (so the org seems to have this
   * id: a session id starts with its org's id); the proxy sends the org's real token on.
   */
  sessionOrgId?: string;
  /** Holds POST /services/oauth2/token this long before passing it on. */
  tokenDelayMs?: number;
}

export interface OrgProxy {
  /** http://127.0.0.1:PORT: use it as the login URL or instance URL. */
  url: string;
  /** The access token to give clients (when sessionOrgId is set). */
  accessToken: string;
  close(): Promise<void>;
}

export async function startOrgProxy(
  org: LocalOrg,
  options: OrgProxyOptions = {},
): Promise<OrgProxy> {
  const target = new URL(org.instanceUrl);
  const accessToken = `${options.sessionOrgId ?? 'none'}!proxy`;
  const server = createServer((req, res) => {
    const headers = { ...req.headers, host: target.host };
    if (options.sessionOrgId && headers.authorization === `Bearer ${accessToken}`) {
      headers.authorization = `Bearer ${org.accessToken}`;
    }
    const forward = () => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      outgoing.on('error', () => res.destroy());
      req.pipe(outgoing);
    };
    const isToken = req.method === 'POST' && req.url?.startsWith('/services/oauth2/token');
    if (isToken && options.tokenDelayMs) setTimeout(forward, options.tokenDelayMs);
    else forward();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
