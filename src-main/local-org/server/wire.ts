// What the org's HTTP front door hands to its parts below the REST API (logins, identity, the
// admin endpoint) and what they answer, plus the pieces every part shares.

import type { IncomingHttpHeaders } from 'node:http';
import type { Faults } from '../faults';
import type { LocalOrgStore } from '../store/types';
import type { ApiUsage } from './api-usage';
import type { Sessions } from './sessions';

/** jsforce picks its parser from this exact shape (salesforce-rest.md §0 rule 1). */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface PlainRequest {
  method: string;
  /** Duplicate slashes collapsed, no trailing slash, no query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer's address (the admin endpoint answers loopback peers only). */
  remoteAddress: string | undefined;
}

export interface PlainResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Everything the server's parts share; one per running org. */
export interface ServerState {
  store: LocalOrgStore;
  faults: Faults;
  sessions: Sessions;
  usage: ApiUsage;
  /** The password of the org's one user. */
  password: string;
  /** http://127.0.0.1:PORT (no trailing slash). */
  instanceUrl: string;
  /** Hosts besides loopback the OAuth sign-in page may send the browser back to. */
  oauthRedirectHosts?: readonly string[];
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): PlainResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

/** The token of `Authorization: Bearer <token>` (or Salesforce's older `OAuth <token>`). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** An application/x-www-form-urlencoded body. */
export function formFields(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}
