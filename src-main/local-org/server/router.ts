// Matches REST paths (after /services/data/v<version>) against the org's ApiRoute table and runs
// the handler, turning whatever it throws into Salesforce's error array. The server, composite
// and composite/batch all dispatch through here, so a subrequest behaves like the same request
// sent on its own.

import { SalesforceError, asSalesforceError, notFound } from '../errors';
import type { ApiRequest, ApiResponse, ApiRoute } from './routes';

interface CompiledRoute {
  route: ApiRoute;
  segments: readonly string[];
  /** Literal segments weigh more than params, so `/sobjects/:o/describe` beats `/sobjects/:o/:id`. */
  rank: number;
}

export type RouteMatch =
  | { kind: 'found'; route: ApiRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** '/a//b/' → '/a/b'; '' and '/' → ''. */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return collapsed === '/' ? '' : collapsed;
}

function splitPath(path: string): string[] {
  const normal = normalizePath(path);
  return normal === '' ? [] : normal.slice(1).split('/');
}

export class ApiRouter {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly ApiRoute[]) {
    this.compiled = routes
      .map((route) => {
        const segments = splitPath(route.pattern);
        let rank = 0;
        for (const segment of segments) rank = rank * 2 + (segment.startsWith(':') ? 0 : 1);
        return { route, segments, rank };
      })
      // Most specific first: among patterns of one length, literals before params.
      .sort((a, b) => b.rank - a.rank);
  }

  match(method: string, path: string): RouteMatch {
    let segments: string[];
    try {
      segments = splitPath(path).map((segment) => decodeURIComponent(segment));
    } catch {
      return { kind: 'not-found' };
    }
    const allowed = new Set<string>();
    for (const candidate of this.compiled) {
      const params = matchSegments(candidate.segments, segments);
      if (!params) continue;
      if (candidate.route.method === method) {
        return { kind: 'found', route: candidate.route, params };
      }
      allowed.add(candidate.route.method);
    }
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  path: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = path[i] as string;
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      params[expected.slice(1)] = actual;
    } else if (expected.toLowerCase() !== actual.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

export const methodNotAllowed = (method: string, allowed: readonly string[]): SalesforceError =>
  new SalesforceError(
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
    [],
    405,
  );

/** The response for an error: Salesforce's one-element error array. */
export function errorResponse(error: SalesforceError): ApiResponse {
  return { status: error.status, body: [error.toJson()] };
}

/**
 * Resolves the route of a request, or throws NOT_FOUND / METHOD_NOT_ALLOWED. Kept apart from
 * running the handler so composite can refuse asynchronous handlers before calling them.
 */
export function resolveRoute(
  router: ApiRouter,
  method: string,
  path: string,
): { route: ApiRoute; params: Record<string, string> } {
  const match = router.match(method, path);
  if (match.kind === 'found') return match;
  if (match.kind === 'method-not-allowed') throw methodNotAllowed(method, match.allowed);
  throw notFound();
}

/** Called with anything a handler throws that is not a SalesforceError (a bug). */
export type UnexpectedErrorListener = (error: unknown) => void;

function failure(error: unknown, onUnexpected: UnexpectedErrorListener | undefined): ApiResponse {
  if (!(error instanceof SalesforceError)) onUnexpected?.(error);
  return errorResponse(asSalesforceError(error));
}

/** Runs a request through the table; never throws (errors become their response). */
export async function runRoute(
  router: ApiRouter,
  request: ApiRequest,
  onUnexpected?: UnexpectedErrorListener,
): Promise<ApiResponse> {
  try {
    const { route, params } = resolveRoute(router, request.method, request.path);
    return await route.handler(request, params);
  } catch (error) {
    return failure(error, onUnexpected);
  }
}

/**
 * Runs a request synchronously (composite's allOrNone needs every subrequest inside one
 * synchronous store.atomically). Handlers of the resources composite allows are synchronous;
 * a handler answering with a promise is refused rather than awaited outside the transaction.
 */
export function runRouteSync(
  router: ApiRouter,
  request: ApiRequest,
  onUnexpected?: UnexpectedErrorListener,
): ApiResponse {
  try {
    const { route, params } = resolveRoute(router, request.method, request.path);
    const answer = route.handler(request, params);
    if (answer instanceof Promise) {
      // Keep an unawaited rejection from surfacing as an unhandled one.
      answer.catch(() => undefined);
      throw new SalesforceError(
        'INVALID_API_INPUT',
        `${request.method} ${request.path} cannot run inside a composite request`,
        [],
        400,
      );
    }
    return answer;
  } catch (error) {
    return failure(error, onUnexpected);
  }
}

/** An ApiRequest whose json() parses the body once and fails the Salesforce way. */
export function makeApiRequest(
  parts: Omit<ApiRequest, 'json'> & { parsedBody?: unknown },
): ApiRequest {
  const { parsedBody, ...fields } = parts;
  let parsed: { value: unknown } | undefined =
    parsedBody === undefined ? undefined : { value: parsedBody };
  return {
    ...fields,
    json(): unknown {
      if (parsed) return parsed.value;
      const text = fields.body.toString('utf8');
      if (text.trim() === '') {
        throw new SalesforceError(
          'JSON_PARSER_ERROR',
          'The request body is empty; this resource expects a JSON body.',
          [],
          400,
        );
      }
      try {
        parsed = { value: JSON.parse(text) as unknown };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new SalesforceError(
          'JSON_PARSER_ERROR',
          `The request body is not valid JSON: ${reason}`,
          [],
          400,
        );
      }
      return parsed.value;
    },
  };
}
