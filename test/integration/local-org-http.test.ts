import { join } from 'node:path';
import { Connection } from 'jsforce';
import { describe, expect, it } from 'vitest';
import { startLocalOrg } from '../../src-main/local-org';
import { httpRequest } from '../support/http';
import { adminCall, connectTo, useLocalOrg } from '../support/local-org';
import { tempDir } from '../support/temp';

// The local org's front door through jsforce and raw HTTP: the three logins, the identity URL,
// path handling, the daily API allowance, the admin endpoint and injected faults.

const local = useLocalOrg();
const JSON_TYPE = 'application/json;charset=UTF-8';

function raw(
  path: string,
  options: {
    method?: string;
    token?: string | null;
    body?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? local().org.accessToken : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return httpRequest(local().org.instanceUrl, {
    method: options.method ?? 'GET',
    path,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

describe('logins', () => {
  it('SOAP login() gives a session that answers REST calls and an identity', async () => {
    const conn = await local().connect();
    const org = local().org;
    expect(conn.instanceUrl).toBe(org.instanceUrl);
    expect(conn.accessToken).toMatch(/^00D[A-Za-z0-9]{12}![A-Za-z0-9]+$/);
    expect(conn.userInfo?.organizationId).toBe(org.store.identity.orgId);
    expect(conn.userInfo?.id).toBe(org.store.identity.userId);
    const identity = await conn.identity();
    expect(identity).toMatchObject({
      user_id: org.store.identity.userId,
      organization_id: org.store.identity.orgId,
      username: org.username,
    });
    const result = await conn.query('SELECT Id, Username FROM User');
    expect(result.records.map((r) => r.Username)).toEqual([org.username]);
  });

  it('OAuth 2.0 username-password login works and revoke ends the session', async () => {
    const conn = await local().connect({ login: 'oauth' });
    const org = local().org;
    expect(conn.instanceUrl).toBe(org.instanceUrl);
    expect(conn.userInfo).toMatchObject({
      id: org.store.identity.userId,
      organizationId: org.store.identity.orgId,
    });
    expect((await conn.limits()).DailyApiRequests?.Max).toBe(15000);
    const token = conn.accessToken as string;
    await conn.logout();
    const after = await raw('/services/data/v62.0/limits', { token });
    expect(after.status).toBe(401);
    expect(after.json).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] },
    ]);
  });

  it('SOAP logout ends the session', async () => {
    const conn = await local().connect();
    const token = conn.accessToken as string;
    expect((await raw('/services/data/v62.0/limits', { token })).status).toBe(200);
    await conn.logout();
    expect((await raw('/services/data/v62.0/limits', { token })).status).toBe(401);
  });

  it('the direct access token works without any login', async () => {
    const conn = await local().connect({ login: 'token' });
    const result = await conn.query('SELECT COUNT() FROM User');
    expect(result.totalSize).toBe(1);
  });

  it('refuses a wrong password: SOAP fault INVALID_LOGIN, OAuth invalid_grant', async () => {
    const org = local().org;
    const soap = new Connection({ loginUrl: org.loginUrl, version: '62.0' });
    await expect(soap.login(org.username, 'wrong')).rejects.toThrow(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    );
    await expect(soap.login('nobody@example.com', org.password)).rejects.toThrow('INVALID_LOGIN');
    const oauth = new Connection({
      loginUrl: org.loginUrl,
      version: '62.0',
      oauth2: { loginUrl: org.loginUrl, clientId: 'c', clientSecret: 's' },
    });
    await expect(oauth.login(org.username, 'wrong')).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'authentication failure',
    });
  });

  it('accepts the username in any case, and a login URL ending in a slash', async () => {
    const org = local().org;
    const conn = new Connection({ loginUrl: `${org.loginUrl}/`, version: '62.0' });
    await conn.login(org.username.toUpperCase(), org.password);
    expect((await conn.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
  });

  it('answers every version from 31.0 to 66.0 and refuses others with NOT_FOUND', async () => {
    const versions = await raw('/services/data', { token: null });
    expect(versions.status).toBe(200);
    expect(versions.headers['content-type']).toBe(JSON_TYPE);
    const list = versions.json as Array<{ version: string; label: string; url: string }>;
    expect(list[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(list.find((v) => v.version === '50.0')?.label).toBe("Winter '21");
    expect(list.at(-1)).toEqual({
      label: "Spring '26",
      url: '/services/data/v66.0',
      version: '66.0',
    });
    for (const version of ['31.0', '45.0', '66.0']) {
      const conn = await local().connect({ version });
      expect((await conn.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
    }
    for (const bad of ['v30.0', 'v67.0', 'v62', 'latest62']) {
      const answer = await raw(`/services/data/${bad}/limits`);
      expect(answer.status, bad).toBe(404);
      expect((answer.json as Array<{ errorCode: string }>)[0]?.errorCode).toBe('NOT_FOUND');
    }
  });

  it('lists the resources of a version with an absolute identity URL', async () => {
    const conn = await local().connect();
    const resources = await conn.request<Record<string, string>>('/services/data/v62.0/');
    const who = local().org.store.identity;
    expect(resources).toMatchObject({
      sobjects: '/services/data/v62.0/sobjects',
      query: '/services/data/v62.0/query',
      limits: '/services/data/v62.0/limits',
      identity: `${local().org.instanceUrl}/id/${who.orgId}/${who.userId}`,
    });
  });
});

describe('paths, statuses and headers', () => {
  it('refuses a port in use with a message and the EADDRINUSE code', async () => {
    const port = Number(new URL(local().org.instanceUrl).port);
    await expect(startLocalOrg({ port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      message: `Port ${port} on 127.0.0.1 is in use; choose another port, or 0 for any free one`,
    });
  });

  it('answers 304 to If-Modified-Since when the schema has not changed since', async () => {
    const changed = local().org.store.schemaModifiedAt.getTime();
    const after = new Date(changed + 60_000).toUTCString();
    const before = new Date(changed - 60_000).toUTCString();
    for (const path of [
      '/services/data/v62.0/sobjects',
      '/services/data/v62.0/sobjects/Account/describe',
    ]) {
      const fresh = await raw(path, { headers: { 'If-Modified-Since': after } });
      expect({ path, status: fresh.status, body: fresh.body }).toEqual({
        path,
        status: 304,
        body: '',
      });
      const stale = await raw(path, { headers: { 'If-Modified-Since': before } });
      expect({ path, status: stale.status }).toEqual({ path, status: 200 });
      const unreadable = await raw(path, { headers: { 'If-Modified-Since': 'yesterday-ish' } });
      expect({ path, status: unreadable.status }).toEqual({ path, status: 200 });
    }
  });

  it('needs a live Bearer token on every API path but the version list', async () => {
    const none = await raw('/services/data/v62.0/sobjects', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toBe(JSON_TYPE);
    expect(none.json).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] },
    ]);
    const bogus = await raw('/services/data/v62.0/sobjects', { token: '00Dbogus!token' });
    expect(bogus.status).toBe(401);
    const conn = new Connection({
      instanceUrl: local().org.instanceUrl,
      accessToken: 'nope',
      version: '62.0',
    });
    await expect(conn.describeGlobal()).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
  });

  it('collapses duplicate slashes and tolerates trailing ones', async () => {
    const answer = await raw('//services//data/v62.0//limits/');
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveProperty('DailyApiRequests');
  });

  it('answers unknown routes 404 NOT_FOUND and wrong methods 405', async () => {
    const unknown = await raw('/services/data/v62.0/no/such/thing');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe(JSON_TYPE);
    expect(unknown.json).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND', fields: [] },
    ]);
    const outside = await raw('/nothing/here', { token: null });
    expect(outside.status).toBe(404);
    const wrong = await raw('/services/data/v62.0/limits', { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual([
      {
        message: "HTTP Method 'POST' not allowed. Allowed are GET",
        errorCode: 'METHOD_NOT_ALLOWED',
        fields: [],
      },
    ]);
  });

  it('answers Bulk API 1.0 paths with a 404 that says what to use instead', async () => {
    const answer = await raw('/services/async/62.0/job', { method: 'POST', body: '<x/>' });
    expect(answer.status).toBe(404);
    const [error] = answer.json as Array<{ errorCode: string; message: string }>;
    expect(error?.errorCode).toBe('NOT_FOUND');
    expect(error?.message).toContain('Bulk API 1.0');
    expect(error?.message).toContain('bulkApiVersion: 2');
  });

  it('refuses a body that is not JSON with JSON_PARSER_ERROR', async () => {
    const answer = await raw('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      body: '{"Name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect((answer.json as Array<{ errorCode: string }>)[0]?.errorCode).toBe('JSON_PARSER_ERROR');
  });

  it('answers 201 with JSON, 204 without a body, both with Sforce-Limit-Info', async () => {
    const created = await raw('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      body: JSON.stringify({ Name: 'Header Test' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe(JSON_TYPE);
    expect(created.headers['sforce-limit-info']).toMatch(/^api-usage=\d+\/15000$/);
    const { id } = created.json as { id: string };
    const removed = await raw(`/services/data/v62.0/sobjects/Account/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(removed.body).toBe('');
    expect(removed.headers['content-type']).toBeUndefined();
    expect(removed.headers['sforce-limit-info']).toMatch(/^api-usage=\d+\/15000$/);
  });
});

describe('API usage', () => {
  it('counts one call per REST request, a composite as one, and reports it in limits and limitInfo', async () => {
    const conn = await local().connect();
    await conn.limits();
    const before = conn.limitInfo.apiUsage?.used as number;
    expect(conn.limitInfo.apiUsage?.limit).toBe(15000);
    await conn.query('SELECT Id FROM Account LIMIT 1');
    expect(conn.limitInfo.apiUsage?.used).toBe(before + 1);
    await conn.requestPost('/composite', {
      compositeRequest: [
        { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'a' },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/describe', referenceId: 'b' },
      ],
    });
    expect(conn.limitInfo.apiUsage?.used).toBe(before + 2);
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 15000, Remaining: 15000 - (before + 3) });
    expect(Object.keys(limits)).toEqual(
      expect.arrayContaining(['DailyBulkV2QueryJobs', 'DataStorageMB', 'SingleEmail']),
    );
  });

  it('refuses requests with 403 REQUEST_LIMIT_EXCEEDED once the allowance is used up', async () => {
    const org = await startLocalOrg({ dailyApiLimit: 3, onUnexpectedError: () => undefined });
    try {
      const conn = await connectTo(org);
      for (let i = 0; i < 3; i++) await conn.query('SELECT COUNT() FROM User');
      expect(conn.limitInfo.apiUsage).toEqual({ used: 3, limit: 3 });
      await expect(conn.query('SELECT COUNT() FROM User')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
      const reset = await adminCall(org, 'POST', 'reset-daily-limit');
      expect(reset).toEqual({ status: 200, json: { used: 0, max: 3 } });
      expect((await conn.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
    } finally {
      await org.close();
    }
  });

  it('keeps the day count, the sessions and the direct token across a restart on the same file', async () => {
    const file = join(tempDir('local-org-http-'), 'org.sqlite');
    const first = await startLocalOrg({ data: file });
    let loginToken: string;
    let used: number;
    try {
      const conn = await connectTo(first);
      loginToken = conn.accessToken as string;
      for (let i = 0; i < 4; i++) await conn.query('SELECT COUNT() FROM User');
      used = conn.limitInfo.apiUsage?.used as number;
      expect(used).toBe(4);
    } finally {
      await first.close();
    }
    const second = await startLocalOrg({ data: file });
    try {
      expect(second.accessToken).toBe(first.accessToken);
      const viaLogin = new Connection({
        instanceUrl: second.instanceUrl,
        accessToken: loginToken,
        version: '62.0',
      });
      await viaLogin.query('SELECT COUNT() FROM User');
      expect(viaLogin.limitInfo.apiUsage?.used).toBe(used + 1);
      const direct = await connectTo(second, { login: 'token' });
      expect((await direct.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
    } finally {
      await second.close();
    }
  });
});

describe('the admin endpoint', () => {
  it('sets, shows and clears a fault plan; a bad plan gets 400 with the reason', async () => {
    const org = local().org;
    const plan = { writes: { count: 2, errorCode: 'UNABLE_TO_LOCK_ROW' }, latencyMs: 0 };
    expect(await adminCall(org, 'PUT', 'faults', plan)).toEqual({
      status: 200,
      json: { plan, fired: { writes: 0, unavailable: 0, drop: 0 } },
    });
    expect((await adminCall(org, 'GET', 'faults')).json).toMatchObject({ plan });
    const cleared = await adminCall(org, 'DELETE', 'faults');
    expect(cleared.json).toEqual({ plan: {}, fired: { writes: 0, unavailable: 0, drop: 0 } });

    const cases: Array<[unknown, string]> = [
      [{ writes: { count: 1 } }, 'writes.errorCode is required'],
      [{ drop: { count: -1 } }, 'drop.count must be a whole number of 0 or more, not -1'],
      [{ unavailable: { share: 2 } }, 'unavailable.share must be between 0 and 1'],
      [{ unavailable: { share: '0.5' } }, 'unavailable.share must be a number'],
      [{ write: { count: 1 } }, "Unknown key 'write' in the fault plan"],
      [{ latencyMs: 'slow' }, 'latencyMs must be a number'],
    ];
    for (const [bad, message] of cases) {
      const answer = await adminCall(org, 'PUT', 'faults', bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect((answer.json as { error: string }).error).toContain(message);
    }
    const notJson = await fetch(`${org.instanceUrl}/_admin/faults`, { method: 'PUT', body: '{' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toContain('not JSON');
    expect((await adminCall(org, 'GET', 'faults')).json).toMatchObject({ plan: {} });
    const unknown = await adminCall(org, 'POST', 'reboot');
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: string }).error).toContain('/_admin/faults');
  });
});

describe('injected faults through jsforce', () => {
  it('fails the next writes with UNABLE_TO_LOCK_ROW, per record in a collection', async () => {
    const org = local().org;
    const conn = await local().connect();
    await adminCall(org, 'PUT', 'faults', {
      writes: { count: 2, errorCode: 'UNABLE_TO_LOCK_ROW' },
    });
    await expect(conn.sobject('Account').create({ Name: 'Locked' })).rejects.toMatchObject({
      errorCode: 'UNABLE_TO_LOCK_ROW',
    });
    const results = await conn
      .sobject('Account')
      .create([{ Name: 'L1' }, { Name: 'L2' }, { Name: 'L3' }]);
    expect(results.map((r) => r.success)).toEqual([false, true, true]);
    expect(results[0]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', fields: [] }],
    });
    expect((await adminCall(org, 'GET', 'faults')).json).toMatchObject({ fired: { writes: 2 } });
    const ok = await conn.sobject('Account').create({ Name: 'Unlocked' });
    expect(ok.success).toBe(true);
    await adminCall(org, 'DELETE', 'faults');
  });

  it('answers 503 SERVER_UNAVAILABLE to a POST, which jsforce does not retry', async () => {
    const org = local().org;
    const conn = await local().connect();
    await adminCall(org, 'PUT', 'faults', { unavailable: { count: 1 } });
    await expect(conn.sobject('Account').create({ Name: 'Unavailable' })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    const found = await conn.query("SELECT Id FROM Account WHERE Name = 'Unavailable'");
    expect(found.totalSize).toBe(0);
    await adminCall(org, 'DELETE', 'faults');
  });

  it('drops a connection: a POST fails with a network error, a GET is retried by jsforce', async () => {
    const org = local().org;
    const conn = await local().connect();
    await adminCall(org, 'PUT', 'faults', { drop: { count: 1 } });
    const failure = await conn
      .sobject('Account')
      .create({ Name: 'Dropped' })
      .then(
        () => undefined,
        (error: unknown) => error as { code?: string; message: string },
      );
    expect(failure).toBeDefined();
    expect(`${failure?.code ?? ''} ${failure?.message ?? ''}`).toMatch(/ECONNRESET|socket hang up/);
    await adminCall(org, 'PUT', 'faults', { drop: { count: 1 } });
    const result = await conn.query('SELECT COUNT() FROM User');
    expect(result.totalSize).toBe(1);
    expect((await adminCall(org, 'GET', 'faults')).json).toMatchObject({ fired: { drop: 1 } });
    await adminCall(org, 'DELETE', 'faults');
  });

  it('adds latency to every API request', async () => {
    const org = local().org;
    const conn = await local().connect();
    await adminCall(org, 'PUT', 'faults', { latencyMs: 300 });
    const started = Date.now();
    await conn.query('SELECT COUNT() FROM User');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await adminCall(org, 'DELETE', 'faults');
    const quick = Date.now();
    await conn.query('SELECT COUNT() FROM User');
    expect(Date.now() - quick).toBeLessThan(290);
  });

  it('exhausts the daily limit on demand', async () => {
    const org = local().org;
    const conn = await local().connect();
    const exhausted = await adminCall(org, 'POST', 'exhaust-daily-limit');
    expect(exhausted).toEqual({ status: 200, json: { used: 15000, max: 15000 } });
    await expect(conn.limits()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    await adminCall(org, 'POST', 'reset-daily-limit');
    expect((await conn.limits()).DailyApiRequests).toEqual({ Max: 15000, Remaining: 14999 });
  });

  // Last in the file: it ends the direct token too.
  it('expires every session: login() connections log in again, token-only ones fail', async () => {
    const org = local().org;
    const soap = await local().connect();
    const oauth = await local().connect({ login: 'oauth' });
    const direct = await local().connect({ login: 'token' });
    const tokensBefore = [soap.accessToken, oauth.accessToken];
    const expired = await adminCall(org, 'POST', 'expire-sessions');
    expect((expired.json as { expired: number }).expired).toBeGreaterThanOrEqual(3);
    expect((await soap.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
    expect((await oauth.query('SELECT COUNT() FROM User')).totalSize).toBe(1);
    expect([soap.accessToken, oauth.accessToken]).not.toEqual(tokensBefore);
    expect(soap.accessToken).not.toBe(tokensBefore[0]);
    expect(oauth.accessToken).not.toBe(tokensBefore[1]);
    await expect(direct.query('SELECT COUNT() FROM User')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
      message: 'Session expired or invalid',
    });
    expect(local().unexpectedErrors).toEqual([]);
  });
});

describe('request size', () => {
  it('refuses a body over the limit with 413 and a sentence, and keeps serving', async () => {
    const org = await startLocalOrg({ data: ':memory:', seed: 'empty', maxRequestBytes: 2_048 });
    try {
      const post = (name: string) =>
        fetch(`${org.instanceUrl}/services/data/v62.0/sobjects/Account`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${org.accessToken}`, 'Content-Type': JSON_TYPE },
          body: JSON.stringify({ Name: name }),
        });
      const big = await post('x'.repeat(4_096));
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual([
        {
          errorCode: 'REQUEST_ENTITY_TOO_LARGE',
          message: expect.stringContaining(
            'larger than the 2048 bytes this org accepts',
          ) as unknown,
        },
      ]);
      // Nothing was written, and a body under the limit is served as before.
      const small = await post('Small Co');
      expect(small.status).toBe(201);
      const conn = await connectTo(org);
      const names = await conn.query<{ Name: string }>('SELECT Name FROM Account');
      expect(names.records.map((r) => r.Name)).toEqual(['Small Co']);
    } finally {
      await org.close();
    }
  });
});
