// Requests to the active org through jsforce, counted and never retried. Counting happens at
// jsforce's transport, below its session refresh, so a replayed request counts too; retries are
// off because jsforce would otherwise spend about 15 s retrying a 5xx (salesforce-rest.md §0
// rule 3) while the user waits in front of a spinner.
import type { Connection } from 'jsforce';

export interface OrgResponse<T> {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body; undefined for 304 and other empty answers. */
  body: T | undefined;
}

/** Counts the HTTP requests one piece of work sends to the org (its API calls). */
export class RequestMeter {
  calls = 0;
}

interface TransportLike {
  httpRequest(request: unknown, options?: unknown): PromiseLike<unknown> & object;
}

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | string[] | undefined>;
}

const NO_RETRIES = { maxRetries: 0 };

/**
 * Sends one REST request (`/sobjects/Account/describe`, `/query?q=…`, or a nextRecordsUrl) and
 * answers status, headers and body. Errors are jsforce's own (errorCode + message), thrown as is.
 */
export async function orgRequest<T>(
  conn: Connection,
  request: { url: string; headers?: Record<string, string> },
  meter: RequestMeter,
): Promise<OrgResponse<T>> {
  const base = conn._transport as unknown as TransportLike;
  let last: RawResponse | undefined;
  const counting: TransportLike = {
    httpRequest(req, options) {
      meter.calls++;
      const pending = base.httpRequest(req, options);
      // Observe the last answer's status and headers (a 304 has no body to tell it by).
      pending.then(
        (response) => {
          last = response as RawResponse;
        },
        () => {},
      );
      return pending;
    },
  };
  const body = await conn.request<unknown>(
    { method: 'GET', url: request.url, headers: request.headers ?? {} },
    { retry: NO_RETRIES, transport: counting },
  );
  const status = last?.statusCode ?? 200;
  const headers = last?.headers ?? {};
  const parsed = status === 304 || typeof body !== 'object' || body === null ? undefined : body;
  return { status, headers, body: parsed as T | undefined };
}

/** One header's value (Node lower-cases header names). */
export function headerOf(
  headers: OrgResponse<unknown>['headers'],
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
