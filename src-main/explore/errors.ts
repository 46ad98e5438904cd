// Org and database failures in the words the user acts on. The org's own errors (bad SOQL, a
// missing field) keep their message intact: MALFORMED_QUERY and INVALID_FIELD messages carry
// `ERROR at Row:r:Column:c`, which the editor uses to place the error.
import { ApiError } from '../../src-shared/api';
import { explainSalesforceError } from '../salesforce';

interface JsforceErrorLike {
  errorCode?: unknown;
  message?: unknown;
  data?: unknown;
  code?: unknown;
}

/** Codes that mean "the org could not be reached or refused the session", not "bad request". */
const CONNECTION_CODES = new Set([
  'INVALID_SESSION_ID',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'API_DISABLED_FOR_ORG',
  'API_CURRENTLY_DISABLED',
]);

const POSITION = /ERROR at Row:(\d+):Column:(\d+)/;

/** Where an org's positional error points (1-based), when its message says. */
export function errorPosition(message: string): { line: number; column: number } | undefined {
  const match = POSITION.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

/** The org's error code (INVALID_FIELD …) of a jsforce failure, if it has one. */
export function orgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as JsforceErrorLike).errorCode;
  return typeof code === 'string' ? code : undefined;
}

/** An ApiError for a failed org request: REMOTE_ERROR for the org's answer, else CONNECT_FAILED. */
export function orgFailure(error: unknown, instanceUrl: string): ApiError {
  if (error instanceof ApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as JsforceErrorLike;
  const errorCode = orgErrorCode(error);
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (errorCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
    const messages = e.data
      .map((item: unknown) =>
        typeof item === 'object' && item !== null ? (item as { message?: unknown }).message : '',
      )
      .filter((m): m is string => typeof m === 'string' && m !== '');
    return new ApiError('REMOTE_ERROR', messages.join(' ') || message, { errorCode });
  }
  const connection =
    (errorCode !== undefined && CONNECTION_CODES.has(errorCode)) ||
    (networkCode !== undefined && CONNECTION_CODES.has(networkCode)) ||
    errorCode === undefined ||
    errorCode.startsWith('ERROR_HTTP_');
  if (connection) {
    const explained = explainSalesforceError(error, instanceUrl);
    return new ApiError(
      'CONNECT_FAILED',
      explained.hint ? `${explained.message} ${explained.hint}` : explained.message,
      errorCode ? { errorCode } : undefined,
    );
  }
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    const explained = explainSalesforceError(error, instanceUrl);
    return new ApiError('REMOTE_ERROR', `${explained.message} ${explained.hint ?? ''}`.trim(), {
      errorCode,
    });
  }
  const position = errorPosition(message);
  return new ApiError('REMOTE_ERROR', message, { errorCode, ...position });
}

/** A Postgres error as REMOTE_ERROR with the server's own message (and its position, if any). */
export function databaseFailure(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
    position?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  // Class 08 (connection exception) and the socket errors mean the database went away.
  if (code?.startsWith('08') || code === 'ECONNREFUSED' || code === 'ECONNRESET') {
    return new ApiError(
      'CONNECT_FAILED',
      `The database stopped answering (${message}). Check that it is running, then try again.`,
    );
  }
  const position = typeof e.position === 'string' ? Number(e.position) : undefined;
  return new ApiError('REMOTE_ERROR', message, {
    ...(code ? { sqlState: code } : {}),
    ...(position ? { position } : {}),
  });
}
