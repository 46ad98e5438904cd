// The admin endpoint under /_admin: failure scenarios on demand for the CLI's `local-org fault`
// and for tests, and records on demand (generate) for big loads. No Salesforce login (the point
// is to break those); answered to loopback peers only, whatever address the org listens on. JSON
// in and out; errors are `{ "error": text }`.

import type { FaultPlan } from '../faults';
import { GenerateError, MAX_GENERATED_RECORDS, generateRecords } from '../seed/generate';
import { jsonResponse, type PlainRequest, type PlainResponse, type ServerState } from './wire';

const PLAN_KEYS = new Set(['writes', 'unavailable', 'drop', 'latencyMs', 'seed']);
const RULE_KEYS = new Set(['count', 'share']);
const WRITE_RULE_KEYS = new Set(['count', 'share', 'errorCode', 'message', 'object']);

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

const adminError = (status: number, message: string): PlainResponse =>
  jsonResponse(status, { error: message });

/** The answer to an /_admin request; undefined for other paths. */
export function handleAdminRequest(
  state: ServerState,
  request: PlainRequest,
): PlainResponse | undefined {
  const path = request.path.toLowerCase();
  if (path !== '/_admin' && !path.startsWith('/_admin/')) return undefined;
  if (!isLoopback(request.remoteAddress)) {
    return adminError(403, 'The admin endpoint answers requests from this machine only.');
  }
  const action = `${request.method} ${path}`;
  switch (action) {
    case 'GET /_admin/faults':
      return jsonResponse(200, state.faults.state());
    case 'PUT /_admin/faults': {
      let plan: FaultPlan;
      try {
        plan = readPlan(request.body);
        state.faults.set(plan);
      } catch (error) {
        return adminError(400, error instanceof Error ? error.message : String(error));
      }
      return jsonResponse(200, state.faults.state());
    }
    case 'DELETE /_admin/faults':
      state.faults.set({});
      return jsonResponse(200, state.faults.state());
    case 'POST /_admin/expire-sessions':
      return jsonResponse(200, { expired: state.sessions.expireAll() });
    case 'POST /_admin/exhaust-daily-limit':
      return jsonResponse(200, state.usage.exhaust());
    case 'POST /_admin/reset-daily-limit':
      return jsonResponse(200, state.usage.reset());
    case 'GET /_admin/daily-limit':
      return jsonResponse(200, state.usage.current());
    case 'POST /_admin/generate':
      return generate(state, request.body);
    default:
      return adminError(
        404,
        `No admin action ${request.method} ${request.path}. There are: GET/PUT/DELETE /_admin/faults, ` +
          'POST /_admin/expire-sessions, POST /_admin/exhaust-daily-limit, ' +
          'POST /_admin/reset-daily-limit, GET /_admin/daily-limit, ' +
          `POST /_admin/generate {"object": "Account", "count": 1000} (count up to ${MAX_GENERATED_RECORDS.toLocaleString('en-US')} per request).`,
      );
  }
}

/** POST /_admin/generate {"object", "count"}: that many records of the object, in one go. */
function generate(state: ServerState, body: Buffer): PlainResponse {
  const example = 'Send an object such as {"object": "Account", "count": 50000}.';
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return adminError(400, `The body is not JSON. ${example}`);
  }
  if (!isObject(value)) return adminError(400, `The body must be a JSON object. ${example}`);
  for (const key of Object.keys(value)) {
    if (key !== 'object' && key !== 'count') {
      return adminError(400, `Unknown key '${key}'; the keys are object and count. ${example}`);
    }
  }
  const { object, count } = value;
  if (typeof object !== 'string' || object.trim() === '') {
    return adminError(400, `object is required: the API name of an object. ${example}`);
  }
  if (typeof count !== 'number') {
    return adminError(400, `count is required: how many records to create. ${example}`);
  }
  try {
    const outcome = generateRecords(state.store, object.trim(), count);
    return jsonResponse(200, outcome);
  } catch (error) {
    if (error instanceof GenerateError) return adminError(400, error.message);
    throw error;
  }
}

/** The body as a FaultPlan, with the shape checked (Faults.set checks the values). */
function readPlan(body: Buffer): FaultPlan {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error(
      'The fault plan is not JSON. Send an object such as {"writes":{"count":3,"errorCode":"UNABLE_TO_LOCK_ROW"}}.',
    );
  }
  if (!isObject(value)) throw new Error('The fault plan must be a JSON object.');
  for (const key of Object.keys(value)) {
    if (!PLAN_KEYS.has(key)) {
      throw new Error(
        `Unknown key '${key}' in the fault plan; the keys are writes, unavailable, drop, latencyMs and seed.`,
      );
    }
  }
  checkRuleShape(value.writes, 'writes', WRITE_RULE_KEYS);
  checkRuleShape(value.unavailable, 'unavailable', RULE_KEYS);
  checkRuleShape(value.drop, 'drop', RULE_KEYS);
  if (value.latencyMs !== undefined && typeof value.latencyMs !== 'number') {
    throw new Error(
      `latencyMs must be a number of milliseconds, not ${JSON.stringify(value.latencyMs)}`,
    );
  }
  if (value.seed !== undefined && typeof value.seed !== 'number') {
    throw new Error(`seed must be a whole number, not ${JSON.stringify(value.seed)}`);
  }
  if (isObject(value.writes)) {
    const { errorCode, message, object } = value.writes;
    if (typeof errorCode !== 'string') {
      throw new Error(
        'writes.errorCode is required: a Salesforce status code such as UNABLE_TO_LOCK_ROW',
      );
    }
    if (message !== undefined && typeof message !== 'string') {
      throw new Error('writes.message must be a string');
    }
    if (object !== undefined && typeof object !== 'string') {
      throw new Error('writes.object must be an object name such as Account');
    }
  }
  return value as FaultPlan;
}

function checkRuleShape(rule: unknown, name: string, keys: ReadonlySet<string>): void {
  if (rule === undefined) return;
  if (!isObject(rule)) throw new Error(`${name} must be an object such as {"count": 3}`);
  for (const key of Object.keys(rule)) {
    if (!keys.has(key)) {
      throw new Error(`Unknown key '${key}' in ${name}; the keys are ${[...keys].join(', ')}.`);
    }
  }
  for (const key of ['count', 'share']) {
    if (rule[key] !== undefined && typeof rule[key] !== 'number') {
      throw new Error(`${name}.${key} must be a number, not ${JSON.stringify(rule[key])}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
