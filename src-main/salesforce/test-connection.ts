import { Connection } from 'jsforce';
import type { ConnectionTestResult } from '../../src-shared/api';
import { explainSalesforceError } from './errors';
import type { SalesforceTarget } from './targets';

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
  const origin = target.method === 'password' ? target.loginUrl : target.instanceUrl;
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

/** A jsforce Connection for a target: the token as given, or a SOAP login. */
export async function connect(target: SalesforceTarget): Promise<Connection> {
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
