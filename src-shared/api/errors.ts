/**
 * The one error shape every contract call answers with when it fails. It travels as plain
 * JSON over IPC and HTTP, so it carries no stack: only what the user or the caller can act on.
 */
export const apiErrorCodes = [
  'BAD_PARAMS',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'INTERNAL',
  /** No org / database is chosen in Connections. */
  'NO_ACTIVE_ORG',
  'NO_ACTIVE_DATABASE',
  /** The org or database refused or could not be reached; the message says why and what to do. */
  'CONNECT_FAILED',
  /** A local service (local org, embedded Postgres) is not running or cannot run here. */
  'NOT_AVAILABLE',
  /** The org or database answered the request with an error of its own (bad SOQL, SQL error). */
  'REMOTE_ERROR',
] as const;

export type ApiErrorCode = (typeof apiErrorCodes)[number];

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

export class ApiError extends Error implements ApiErrorBody {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toJSON(): ApiErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static isBody(value: unknown): value is ApiErrorBody {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return (
      typeof v.message === 'string' &&
      typeof v.code === 'string' &&
      (apiErrorCodes as readonly string[]).includes(v.code)
    );
  }

  static from(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.details);
  }
}
