// How the engine reacts to a failed Salesforce call: which failures are worth another try,
// which mean the session or the daily allowance is gone, and whether a write may have been
// applied although no answer came back (then a create must not be sent twice).

import { SalesforceCallError, type SalesforceFailureKind } from './types';

export interface ClassifiedFailure {
  kind: SalesforceFailureKind;
  errorCode: string;
  message: string;
  /** The request may have reached Salesforce and been applied (no answer came back). */
  ambiguous: boolean;
}

/**
 * An HTTP answer with an error status, as our client raises it: the status plus the Salesforce
 * error code and message from the body (`[{errorCode, message}]`).
 */
export class SalesforceHttpError extends Error {
  override readonly name = 'SalesforceHttpError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Our own request timeout (the client aborts the request after requestTimeoutMs). */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'REQUEST_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`Salesforce did not answer within ${timeoutMs} ms`);
  }
}

/** Network failures after which the request may have been processed. */
const AMBIGUOUS_NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'REQUEST_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
]);

/** Network failures where the request never left: safe to send again, even a create. */
const UNSENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Per-record (and whole-request) Salesforce codes that clear up by themselves. */
const RETRYABLE_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  // UNCONFIRMED: Salesforce reports some transient platform trouble with these codes; we retry them.
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
]);

const LIMIT_RECORD_CODES = new Set(['REQUEST_LIMIT_EXCEEDED']);

/** A per-record error code worth trying again later (lock contention, a busy server). */
export function isRetryableRecordError(code: string): boolean {
  return RETRYABLE_RECORD_CODES.has(code);
}

/** A per-record error code that means the org's API allowance is spent. */
export function isLimitRecordError(code: string): boolean {
  return LIMIT_RECORD_CODES.has(code);
}

/**
 * Exponential backoff with jitter: attempt 1 waits about `base`, each later one twice as long,
 * never more than `max`. The delay is drawn from [d/2, d] so parallel clients spread out.
 */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(max, base * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  errorCode?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
  cause?: unknown;
}

function asShape(value: unknown): ErrorShape | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorShape) : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The error and its causes (undici nests the socket error in `cause`). */
function chainOf(error: unknown): ErrorShape[] {
  const chain: ErrorShape[] = [];
  let current = asShape(error);
  while (current && chain.length < 5) {
    chain.push(current);
    current = asShape(current.cause);
  }
  return chain;
}

function httpStatusOf(chain: ErrorShape[]): number | undefined {
  for (const e of chain) {
    for (const candidate of [e.status, e.statusCode]) {
      if (typeof candidate === 'number' && candidate >= 100 && candidate < 600) return candidate;
    }
    // jsforce reports bodies it cannot parse as ERROR_HTTP_<status>.
    const code = stringOf(e.errorCode) ?? stringOf(e.name);
    const match = code ? /^ERROR_HTTP_(\d{3})$/.exec(code) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * What kind of failure an error is, for every shape our client, jsforce, node-fetch and undici
 * produce: HTTP answers (status + Salesforce code), network errors (with `code`, possibly nested
 * in `cause`), our own timeout, and SalesforceCallError itself.
 */
export function classifySalesforceFailure(error: unknown): ClassifiedFailure {
  if (error instanceof SalesforceCallError) {
    return {
      kind: error.kind,
      errorCode: error.errorCode,
      message: error.message,
      ambiguous: error.ambiguous,
    };
  }
  const chain = chainOf(error);
  const top = chain[0];
  const message =
    stringOf(top?.message) ?? (typeof error === 'string' ? error : 'unknown Salesforce failure');
  const status = httpStatusOf(chain);

  // Salesforce codes first (jsforce puts them in errorCode and name).
  let salesforceCode: string | undefined;
  for (const e of chain) {
    const code = stringOf(e.errorCode) ?? stringOf(e.name);
    if (code && /^[A-Z][A-Z0-9_]+$/.test(code) && !code.startsWith('ERROR_HTTP_')) {
      salesforceCode = code;
      break;
    }
  }
  const networkCode = chain.map((e) => stringOf(e.code)).find((c) => c !== undefined);
  const messages = chain.map((e) => stringOf(e.message) ?? '').join(' | ');

  const result = (kind: SalesforceFailureKind, errorCode: string, ambiguous = false) => ({
    kind,
    errorCode,
    message,
    ambiguous,
  });

  if (salesforceCode === 'INVALID_SESSION_ID' || status === 401) {
    return result('session', salesforceCode ?? 'INVALID_SESSION_ID');
  }
  if (salesforceCode === 'REQUEST_LIMIT_EXCEEDED') {
    // UNCONFIRMED: the same code reports the concurrent long-request limit, which passes within
    // seconds; we retry that one (its message names 'Concurrent') and stop on every other.
    if (/concurrent/i.test(messages)) return result('retryable', salesforceCode);
    return result('limit', salesforceCode);
  }
  if (salesforceCode && RETRYABLE_RECORD_CODES.has(salesforceCode)) {
    return result('retryable', salesforceCode);
  }
  if (status !== undefined) {
    if (status === 503) return result('retryable', salesforceCode ?? 'SERVER_UNAVAILABLE');
    // UNCONFIRMED: a gateway that gave up may have passed the request on, so we treat 502/504 as
    // ambiguous (the org can have applied it).
    if (status === 502 || status === 504) return result('retryable', `HTTP_${status}`, true);
    // UNCONFIRMED: a 500 from Salesforce (UNKNOWN_EXCEPTION) rolls its transaction back; we treat
    // it as retryable and not ambiguous.
    if (status >= 500) return result('retryable', salesforceCode ?? `HTTP_${status}`);
    if (status === 429 || status === 420) return result('retryable', `HTTP_${status}`);
    return result('permanent', salesforceCode ?? `HTTP_${status}`);
  }
  if (networkCode === 'REQUEST_TIMEOUT' || chain.some((e) => e.name === 'RequestTimeoutError')) {
    return result('retryable', 'REQUEST_TIMEOUT', true);
  }
  if (networkCode && UNSENT_NETWORK_CODES.has(networkCode)) {
    return result('retryable', networkCode);
  }
  if (networkCode && AMBIGUOUS_NETWORK_CODES.has(networkCode)) {
    return result('retryable', networkCode, true);
  }
  // node-fetch and older Node versions say it only in words.
  if (/socket hang up|other side closed|ECONNRESET|EPIPE|ETIMEDOUT/i.test(messages)) {
    return result('retryable', networkCode ?? 'ECONNRESET', true);
  }
  if (/ECONNREFUSED/.test(messages)) return result('retryable', 'ECONNREFUSED');
  if (salesforceCode) return result('permanent', salesforceCode);
  return result('permanent', networkCode ?? 'UNKNOWN_ERROR');
}
