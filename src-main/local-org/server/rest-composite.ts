// POST /composite (subrequests in order, `@{ref.path}` references between them, allOrNone) and
// POST /composite/batch (independent subrequests, haltOnError) — salesforce-rest.md §2.10–2.11.
// Each subrequest is dispatched through the same route table as a request of its own; the
// whole composite counts as one API call.

import { SalesforceError } from '../errors';
import { isJsonObject } from './rest-common';
import {
  errorResponse,
  makeApiRequest,
  runRoute,
  runRouteSync,
  type ApiRouter,
  type UnexpectedErrorListener,
} from './router';
import type { ApiHandler, ApiRequest, ApiResponse, ApiRoute } from './routes';
import { parseApiVersion } from './versions';

const MAX_SUBREQUESTS = 25;
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/;
const FORBIDDEN_HEADERS = new Set(['accept', 'authorization', 'content-type']);
/** What a composite subrequest may address (SFDOC): records, queries and collections. */
const COMPOSITE_TARGETS = /^\/(sobjects|query|queryAll|composite\/sobjects)(\/|$)/i;

const HALTED_MESSAGE =
  'The transaction was rolled back since another operation in the same transaction failed.';

function badRequest(message: string): SalesforceError {
  // errorCode for a malformed composite body UNCONFIRMED; INVALID_API_INPUT is our choice.
  return new SalesforceError('INVALID_API_INPUT', message, [], 400);
}

const halted = (message: string): ApiResponse => ({
  status: 400,
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
});

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body: unknown;
  headers: Record<string, string>;
}

function readSubrequests(body: unknown): { allOrNone: boolean; subrequests: Subrequest[] } {
  if (!isJsonObject(body) || !Array.isArray(body.compositeRequest)) {
    throw badRequest(
      'The body must be {"allOrNone": false, "compositeRequest": [{"method", "url", "referenceId", "body"?}]}',
    );
  }
  const list = body.compositeRequest;
  if (list.length === 0) throw badRequest('compositeRequest is empty: send 1 to 25 subrequests');
  if (list.length > MAX_SUBREQUESTS) {
    throw badRequest(
      `compositeRequest has ${list.length} subrequests; the limit is ${MAX_SUBREQUESTS}`,
    );
  }
  const seen = new Set<string>();
  const subrequests = list.map((item: unknown, index): Subrequest => {
    const where = `compositeRequest[${index}]`;
    if (!isJsonObject(item)) throw badRequest(`${where} is not a JSON object`);
    const method = typeof item.method === 'string' ? item.method.toUpperCase() : '';
    if (!METHODS.has(method)) {
      throw badRequest(
        `${where}.method must be GET, POST, PATCH, PUT or DELETE, not ${JSON.stringify(item.method)}`,
      );
    }
    if (typeof item.url !== 'string' || item.url === '')
      throw badRequest(`${where}.url is required`);
    const referenceId = item.referenceId;
    if (typeof referenceId !== 'string' || !REFERENCE_ID.test(referenceId)) {
      throw badRequest(
        `${where}.referenceId must start with a letter or digit and hold only letters, digits and _, not ${JSON.stringify(referenceId)}`,
      );
    }
    if (seen.has(referenceId))
      throw badRequest(`referenceId ${referenceId} is used twice; each must be unique`);
    seen.add(referenceId);
    const headers: Record<string, string> = {};
    if (item.httpHeaders !== undefined) {
      if (!isJsonObject(item.httpHeaders))
        throw badRequest(`${where}.httpHeaders must be an object`);
      for (const [name, value] of Object.entries(item.httpHeaders)) {
        if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
          throw badRequest(
            `${where}.httpHeaders may not set ${name}; the composite request's own applies`,
          );
        }
        headers[name.toLowerCase()] = String(value);
      }
    }
    return { method, url: item.url, referenceId, body: item.body, headers };
  });
  if (body.allOrNone !== undefined && typeof body.allOrNone !== 'boolean') {
    throw badRequest('allOrNone must be true or false');
  }
  return { allOrNone: body.allOrNone === true, subrequests };
}

/** `/services/data/v59.0/sobjects/Account?x=1` → its version, path and query. */
function splitUrl(
  url: string,
  prefix: RegExp,
): { apiVersion: string; path: string; query: URLSearchParams } | undefined {
  const match = prefix.exec(url);
  if (!match) return undefined;
  const apiVersion = parseApiVersion(match[1] as string);
  if (!apiVersion) return undefined;
  const rest = match[2] ?? '';
  const queryAt = rest.indexOf('?');
  const path = (queryAt < 0 ? rest : rest.slice(0, queryAt))
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
  return {
    apiVersion,
    path,
    query: new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1)),
  };
}

class UnresolvedReference extends Error {}

type Outcomes = Map<string, ApiResponse>;

/** The value of `ref.a.b[0].c` in the answers so far. */
function lookUp(expression: string, outcomes: Outcomes): unknown {
  const [head, ...rest] = expression.split('.');
  const refMatch = /^([^[\]]+)((?:\[\d+\])*)$/.exec(head ?? '');
  const refId = refMatch?.[1];
  const outcome = refId === undefined ? undefined : outcomes.get(refId);
  if (!refMatch || !outcome) {
    throw new UnresolvedReference(
      `Invalid reference specified. No value for ${expression} found: ${refId ?? expression} is not the referenceId of an earlier subrequest.`,
    );
  }
  let value: unknown = outcome.body;
  const steps: Array<string | number> = [];
  const indexes = (text: string): number[] =>
    [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  steps.push(...indexes(refMatch[2] ?? ''));
  for (const part of rest) {
    const partMatch = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!partMatch) steps.push(part);
    else {
      if (partMatch[1]) steps.push(partMatch[1]);
      steps.push(...indexes(partMatch[2] ?? ''));
    }
  }
  for (const step of steps) {
    if (typeof step === 'number') value = Array.isArray(value) ? value[step] : undefined;
    else value = isJsonObject(value) ? value[step] : undefined;
  }
  if (value === undefined || value === null) {
    throw new UnresolvedReference(
      `Invalid reference specified. No value for ${expression} found in ${refId}.`,
    );
  }
  return value;
}

const REFERENCE = /@\{([^}]+)\}/g;

function substituteText(text: string, outcomes: Outcomes): string {
  return text.replace(REFERENCE, (_whole, expression: string) => {
    const value = lookUp(expression, outcomes);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** References in a body: a string that is one whole reference takes the value as it is. */
function substituteBody(value: unknown, outcomes: Outcomes): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([^}]+)\}$/.exec(value);
    if (whole) return lookUp(whole[1] as string, outcomes);
    return substituteText(value, outcomes);
  }
  if (Array.isArray(value)) return value.map((item) => substituteBody(item, outcomes));
  if (isJsonObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = substituteBody(item, outcomes);
    return copy;
  }
  return value;
}

function subrequest(
  parent: ApiRequest,
  method: string,
  target: { apiVersion: string; path: string; query: URLSearchParams },
  body: unknown,
  headers: Record<string, string>,
): ApiRequest {
  const inherited = { ...parent.headers };
  delete inherited['content-length'];
  delete inherited['sforce-query-options'];
  return makeApiRequest({
    method,
    path: target.path,
    apiVersion: target.apiVersion,
    query: target.query,
    headers: { ...inherited, ...headers },
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
    parsedBody: body === undefined ? undefined : body,
    userId: parent.userId,
    org: parent.org,
  });
}

function compositeHandler(
  router: () => ApiRouter,
  onUnexpected: UnexpectedErrorListener | undefined,
): ApiHandler {
  return (request) => {
    const { allOrNone, subrequests } = readSubrequests(request.json());
    const store = request.org.store;
    const outcomes: Outcomes = new Map();
    const answers: ApiResponse[] = [];

    const runOne = (sub: Subrequest): ApiResponse => {
      let url: string;
      let body: unknown;
      try {
        url = substituteText(sub.url, outcomes);
        body = substituteBody(sub.body, outcomes);
      } catch (error) {
        if (error instanceof UnresolvedReference) return halted(error.message);
        throw error;
      }
      const target = splitUrl(url, /^\/services\/data\/v([^/?]+)(.*)$/i);
      if (!target) {
        return errorResponse(
          badRequest(
            `The url ${url} must start with /services/data/vXX.X/ (a version from 31.0 to 66.0)`,
          ),
        );
      }
      if (!COMPOSITE_TARGETS.test(target.path)) {
        return errorResponse(
          badRequest(
            `${target.path} cannot be a composite subrequest; use /sobjects, /query, /queryAll or /composite/sobjects`,
          ),
        );
      }
      return runRouteSync(
        router(),
        subrequest(request, sub.method, target, body, sub.headers),
        onUnexpected,
      );
    };

    const rollback = new Error('roll back the composite request');
    let failedAt = -1;
    try {
      store.atomically(() => {
        for (const [index, sub] of subrequests.entries()) {
          const answer = runOne(sub);
          answers.push(answer);
          outcomes.set(sub.referenceId, answer);
          if (allOrNone && answer.status >= 400) {
            failedAt = index;
            throw rollback;
          }
        }
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }

    const compositeResponse = subrequests.map((sub, index) => {
      let answer = answers[index];
      if (failedAt >= 0 && index !== failedAt) answer = halted(HALTED_MESSAGE);
      const response = answer as ApiResponse;
      const httpHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) {
        if (!/^content-(type|length)$/i.test(name)) httpHeaders[name] = value;
      }
      return {
        body: response.status === 204 ? null : (response.body ?? null),
        httpHeaders,
        httpStatusCode: response.status,
        referenceId: sub.referenceId,
      };
    });
    return { status: 200, body: { compositeResponse } };
  };
}

function batchHandler(
  router: () => ApiRouter,
  onUnexpected: UnexpectedErrorListener | undefined,
): ApiHandler {
  return async (request) => {
    const body = request.json();
    if (!isJsonObject(body) || !Array.isArray(body.batchRequests)) {
      throw badRequest(
        'The body must be {"haltOnError": false, "batchRequests": [{"method", "url", "richInput"?}]}',
      );
    }
    const list = body.batchRequests;
    if (list.length === 0 || list.length > MAX_SUBREQUESTS) {
      throw badRequest(
        `batchRequests has ${list.length} subrequests; send 1 to ${MAX_SUBREQUESTS}`,
      );
    }
    const items = list.map((item: unknown, index) => {
      const where = `batchRequests[${index}]`;
      if (!isJsonObject(item)) throw badRequest(`${where} is not a JSON object`);
      const method = typeof item.method === 'string' ? item.method.toUpperCase() : '';
      if (!METHODS.has(method))
        throw badRequest(`${where}.method must be GET, POST, PATCH, PUT or DELETE`);
      const url = typeof item.url === 'string' ? item.url : '';
      const target = splitUrl(url, /^(?:\/?services\/data\/|\/)?v([^/?]+)(.*)$/i);
      if (!target) {
        throw badRequest(
          `${where}.url must look like v62.0/sobjects/Account/001… (relative to /services/data/), not ${JSON.stringify(item.url)}`,
        );
      }
      if (
        /^\/(composite|jobs)(\/|$)/i.test(target.path) &&
        !/^\/composite\/sobjects/i.test(target.path)
      ) {
        throw badRequest(`${where}: ${target.path} cannot run inside a batch`);
      }
      return { method, target, body: item.richInput };
    });
    const haltOnError = body.haltOnError === true;
    let halt = false;
    const results: Array<{ statusCode: number; result: unknown }> = [];
    for (const item of items) {
      if (halt) {
        results.push({
          statusCode: 412,
          result: [
            {
              errorCode: 'BATCH_PROCESSING_HALTED',
              message: 'Batch processing halted per request',
            },
          ],
        });
        continue;
      }
      const answer = await runRoute(
        router(),
        subrequest(request, item.method, item.target, item.body, {}),
        onUnexpected,
      );
      results.push({
        statusCode: answer.status,
        result: answer.status === 204 ? null : (answer.body ?? null),
      });
      if (answer.status >= 400 && haltOnError) halt = true;
    }
    return {
      status: 200,
      body: { hasErrors: results.some((result) => result.statusCode >= 400), results },
    };
  };
}

/** `router` is asked lazily: the table it dispatches through contains these routes too. */
export function compositeRoutes(
  router: () => ApiRouter,
  onUnexpected?: UnexpectedErrorListener,
): ApiRoute[] {
  return [
    { method: 'POST', pattern: '/composite', handler: compositeHandler(router, onUnexpected) },
    { method: 'POST', pattern: '/composite/batch', handler: batchHandler(router, onUnexpected) },
  ];
}
