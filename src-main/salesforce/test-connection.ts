import { Connection, OAuth2 } from 'jsforce';
import type { ConnectionTestResult } from '../../src-shared/api';
import { ExplainedSalesforceError, SIGN_IN_EXPIRED, explainSalesforceError } from './errors';
import { targetOrigin, type SalesforceTarget } from './targets';

const TEST_TIMEOUT_MS = 20_000;

interface LimitsResponse {
  DailyApiRequests?: { Max: number; Remaining: number };
}

/**
 * Signs in (or tries the token) and reads the org's API limits: one real round trip that
 * proves the credentials, the URL and the API version. Never retries: a test should answer fast.
 */
export async function testSalesforceConnection(
  target: SalesforceTarget,
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const origin = targetOrigin(target);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const conn = await withTimeout(connect(target), TEST_TIMEOUT_MS);
    const limits = await withTimeout(
      conn.request<LimitsResponse>({ method: 'GET', url: '/limits' }, { retry: { maxRetries: 0 } }),
      TEST_TIMEOUT_MS,
    );
    const details: Record<string, string> = { instanceUrl: conn.instanceUrl };
    if (conn.userInfo?.organizationId) details.organizationId = conn.userInfo.organizationId;
    if (conn.userInfo?.id) details.userId = conn.userInfo.id;
    const daily = limits.DailyApiRequests;
    if (daily) details.apiRequests = `${daily.Max - daily.Remaining} of ${daily.Max} used today`;
    return {
      ok: true,
      message: `Connected to ${conn.instanceUrl} (API ${target.apiVersion}).`,
      durationMs: elapsed(),
      details,
    };
  } catch (error) {
    const explained = explainSalesforceError(error, origin);
    return { ok: false, ...explained, durationMs: elapsed(), details: {} };
  }
}

/**
 * A jsforce Connection for a target: the token as given, a SOAP login, or a refresh token
 * exchanged once for an access token (jsforce refreshes again by itself when that one lapses).
 */
export async function connect(target: SalesforceTarget): Promise<Connection> {
  if (target.method === 'refreshToken') return connectWithRefreshToken(target);
  if (target.method === 'token') {
    return new Connection({
      instanceUrl: target.instanceUrl,
      accessToken: target.accessToken,
      version: target.apiVersion,
    });
  }
  const conn = new Connection({ loginUrl: target.loginUrl, version: target.apiVersion });
  await conn.login(target.username, target.password + (target.securityToken ?? ''));
  return conn;
}

async function connectWithRefreshToken(
  target: Extract<SalesforceTarget, { method: 'refreshToken' }>,
): Promise<Connection> {
  const client = {
    loginUrl: target.loginUrl,
    clientId: target.clientId,
    ...(target.clientSecret ? { clientSecret: target.clientSecret } : {}),
  };
  let token: Awaited<ReturnType<OAuth2['refreshToken']>>;
  try {
    token = await new OAuth2(client).refreshToken(target.refreshToken);
  } catch (error) {
    throw explainTokenRefusal(error, target.clientId) ?? error;
  }
  const conn = new Connection({
    loginUrl: target.loginUrl,
    oauth2: client,
    instanceUrl: token.instance_url || target.instanceUrl,
    accessToken: token.access_token,
    refreshToken: target.refreshToken,
    version: target.apiVersion,
  });
  // The identity URL (…/id/<org id>/<user id>) names who signed in; jsforce does the same.
  const ids = /\/id\/([^/]+)\/([^/?#]+)/.exec(token.id ?? '');
  if (ids) conn.userInfo = { id: ids[2]!, organizationId: ids[1]!, url: token.id };
  return conn;
}

/** The token endpoint's refusals that mean something to the user; undefined for the rest. */
function explainTokenRefusal(error: unknown, clientId: string): Error | undefined {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'invalid_grant') {
    return new ExplainedSalesforceError(SIGN_IN_EXPIRED.message, SIGN_IN_EXPIRED.hint);
  }
  if (name === 'invalid_client_id' || name === 'invalid_client') {
    return new ExplainedSalesforceError(
      `The org does not know the client id "${clientId}".`,
      "Use the consumer key of a connected app in that org (Setup → App Manager → the app's " +
        'details), or sign in again.',
    );
  }
  return undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
