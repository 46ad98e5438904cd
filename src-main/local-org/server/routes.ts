// The shape every REST handler of the local org has, so each area (sobjects, query, composite,
// Bulk 2.0 …) can live in its own file and the server only dispatches. Paths in patterns are
// relative to /services/data/v<version>; `:name` segments become params.

import type { IncomingHttpHeaders } from 'node:http';
import type { Faults } from '../faults';
import type { LocalOrgStore } from '../store/types';

export interface OrgContext {
  store: LocalOrgStore;
  faults: Faults;
  /** http://127.0.0.1:PORT (no trailing slash). */
  instanceUrl: string;
}

export interface ApiRequest {
  method: string;
  /** After /services/data/v<version>, without the query string; never ends with '/'. */
  path: string;
  /** '59.0' from /services/data/v59.0. */
  apiVersion: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON; throws SalesforceError JSON_PARSER_ERROR when it is not. */
  json(): unknown;
  /** The session's user (from the Bearer token). */
  userId: string;
  org: OrgContext;
}

export interface ApiResponse {
  status: number;
  /** A JSON value (sent as application/json;charset=UTF-8), or text with `contentType`. */
  body?: unknown;
  /** Set for non-JSON bodies (Bulk 2.0 CSV: 'text/csv'); body must then be a string. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type ApiHandler = (
  request: ApiRequest,
  params: Readonly<Record<string, string>>,
) => ApiResponse | Promise<ApiResponse>;

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** e.g. '/sobjects/:object/:id' or '/jobs/query/:jobId/results'. */
  pattern: string;
  handler: ApiHandler;
}
