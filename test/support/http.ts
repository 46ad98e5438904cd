import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

/**
 * One HTTP request with full control of the path and headers (fetch normalises the path and
 * will not send a foreign Host header, both of which the web host tests need).
 */
export function httpRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: string },
): Promise<HttpAnswer> {
  const base = new URL(baseUrl);
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST /api/<method> with a JSON body, the way the renderer calls the contract. */
export function callApi(
  baseUrl: string,
  method: string,
  params: unknown,
  auth: { token?: string; query?: string; cookie?: string } = {},
): Promise<HttpAnswer> {
  const headers: OutgoingHttpHeaders = { 'Content-Type': 'application/json' };
  if (auth.token !== undefined) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.cookie !== undefined) headers.Cookie = auth.cookie;
  const query = auth.query !== undefined ? `?token=${encodeURIComponent(auth.query)}` : '';
  return httpRequest(baseUrl, {
    method: 'POST',
    path: `/api/${method}${query}`,
    headers,
    body: params === undefined ? '' : JSON.stringify(params),
  });
}
