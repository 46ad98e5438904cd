import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/commands';
import { startLocalOrg, type LocalOrg } from '../../src-main/local-org';
import { createStudio, type Studio } from '../../src-main/studio';
import { ConnectionTestResult, type ProfileInputDraft } from '../../src-shared/api';
import { memoryIo } from '../support/cli';
import { adminCall, connectTo } from '../support/local-org';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

// profiles.test and `org test` against the real local org over HTTP: jsforce, the profiles
// service and the error explainers are real, and so is the org that answers them. Expired
// sessions and the daily limit are set through the org's admin endpoint.

/**
 * The org's password carries XML specials and an entity's text, and ends in what the profiles
 * send as the security token: a successful sign-in proves the token is appended and the whole
 * is XML-escaped (unescaped, the org would read '&lt;' as '<' and refuse it).
 */
const PASSWORD_PART = 'right&lt;<&>';
const SECURITY_TOKEN = 'TOKEN123';
/** Not the org's default (15000), so a figure that reaches the test came from the org. */
const DAILY_LIMIT = 25_000;

let studio: Studio;
let org: LocalOrg;
const unexpectedErrors: unknown[] = [];

beforeAll(async () => {
  // setup.ts cleared the proxy variables before jsforce loaded; make sure nothing set them since.
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
    expect(process.env[name]).toBeUndefined();
  studio = createStudio({ userDataDir: tempDir('connect-studio-sf-'), host: 'cli', log: () => {} });
  org = await startLocalOrg({
    data: ':memory:',
    seed: 'empty',
    password: PASSWORD_PART + SECURITY_TOKEN,
    dailyApiLimit: DAILY_LIMIT,
    onUnexpectedError: (error) => unexpectedErrors.push(error),
  });
});
afterAll(async () => {
  studio?.close();
  await org?.close();
});
afterEach(() => {
  expect(unexpectedErrors).toEqual([]);
});

/** A live session token of the org (SOAP login through jsforce). */
async function freshToken(): Promise<string> {
  const token = (await connectTo(org)).accessToken;
  if (!token) throw new Error('the local org gave jsforce no session token');
  return token;
}

/** A profile's sign-in with this token on the org. */
function tokenAuth(accessToken: string) {
  return { method: 'token', instanceUrl: org.instanceUrl, accessToken } as const;
}

/** The org's DailyApiRequests figures as the org keeps them. */
async function apiUsage(): Promise<{ used: number; max: number }> {
  const { status, json } = await adminCall(org, 'GET', 'daily-limit');
  expect(status).toBe(200);
  return json as { used: number; max: number };
}

let names = 0;
async function saveAndTest(
  draft: Omit<Extract<ProfileInputDraft, { kind: 'salesforce' }>, 'name' | 'kind'>,
): Promise<ConnectionTestResult> {
  const saved = await studio.router.call('profiles.save', {
    kind: 'salesforce',
    name: `Org ${++names}`,
    ...draft,
  });
  if (!saved.ok) throw new Error(saved.error.message);
  const tested = await studio.router.call('profiles.test', {
    id: (saved.result as { id: string }).id,
  });
  if (!tested.ok) throw new Error(`${tested.error.code}: ${tested.error.message}`);
  return ConnectionTestResult.parse(tested.result);
}

describe('profiles.test with an access token', () => {
  it('reports an expired token with the expired-token message', async () => {
    const auth = tokenAuth(await freshToken());
    expect(await saveAndTest({ auth })).toMatchObject({ ok: true });

    const expired = await adminCall(org, 'POST', 'expire-sessions');
    expect(expired).toMatchObject({ status: 200, json: { expired: expect.any(Number) } });
    const before = await apiUsage();
    const result = await saveAndTest({ auth });
    expect(result).toEqual({
      ok: false,
      message: 'The access token was refused: it has expired or was revoked.',
      hint: 'Get a fresh token (for example with `sf org display`) and save the profile again.',
      durationMs: expect.any(Number),
      details: {},
    });
    // The org turned the token away at the door (INVALID_SESSION_ID), before counting a call.
    expect(await apiUsage()).toEqual(before);
  });

  it('reads the API limits with a good token, spending one API request', async () => {
    const auth = tokenAuth(await freshToken());
    const before = await apiUsage();
    const result = await saveAndTest({ auth });
    const after = await apiUsage();
    expect(after).toEqual({ used: before.used + 1, max: DAILY_LIMIT });
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.instanceUrl} (API 62.0).`,
      details: {
        instanceUrl: org.instanceUrl,
        apiRequests: `${after.used} of ${DAILY_LIMIT} used today`,
      },
    });
  });

  it('asks for the API version the profile names', async () => {
    const auth = tokenAuth(await freshToken());
    const result = await saveAndTest({ apiVersion: '61.0', auth });
    const after = await apiUsage();
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.instanceUrl} (API 61.0).`,
      details: { apiRequests: `${after.used} of ${DAILY_LIMIT} used today` },
    });
    // The org serves v31.0 to v66.0 and names a version it refuses: so the version the profile
    // names is the one in the request's path.
    const old = await saveAndTest({ apiVersion: '30.0', auth });
    expect(old).toMatchObject({ ok: false, message: expect.stringContaining("'v30.0'") });
  });

  it('explains other Salesforce errors: limits exceeded, an HTML page', async () => {
    const auth = tokenAuth(await freshToken());
    expect(await adminCall(org, 'POST', 'exhaust-daily-limit')).toMatchObject({
      status: 200,
      json: { used: DAILY_LIMIT, max: DAILY_LIMIT },
    });
    try {
      expect((await saveAndTest({ auth })).message).toBe(
        'The org has used up its API requests for now (REQUEST_LIMIT_EXCEEDED).',
      );
    } finally {
      await adminCall(org, 'POST', 'reset-daily-limit');
    }

    // The local org answers every path as Salesforce's API does (JSON); only a web page such as
    // a Lightning URL answers HTML, so a few lines here stand in for one.
    const lightning = await servePageNotFound();
    try {
      const html = await saveAndTest({
        auth: { method: 'token', instanceUrl: lightning.url, accessToken: 't' },
      });
      expect(html).toMatchObject({
        ok: false,
        message: `${lightning.url} answered, but not the way Salesforce does (ERROR_HTTP_404).`,
      });
    } finally {
      await lightning.close();
    }
  });

  it('reports a closed port as connection refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await saveAndTest({
      auth: { method: 'token', instanceUrl: url, accessToken: 't' },
    });
    expect(result).toMatchObject({
      ok: false,
      message: `Nothing answered at ${url} (connection refused).`,
      hint: expect.stringContaining('Check the URL and port'),
    });
  });
});

describe('profiles.test with username and password', () => {
  it('reports a refused password with the refused-password message', async () => {
    const refused = {
      ok: false,
      message: 'Salesforce refused the username or password.',
      hint: expect.stringContaining('append your security token'),
      durationMs: expect.any(Number),
      details: {},
    };
    const wrong = await saveAndTest({
      auth: {
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: 'wrong<&>',
        securityToken: SECURITY_TOKEN,
      },
    });
    expect(wrong).toEqual(refused);
    // The right password without the security token the org expects after it is refused too.
    const noToken = await saveAndTest({
      auth: {
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: PASSWORD_PART,
      },
    });
    expect(noToken).toEqual(refused);
  });

  it('signs in with the token appended and reads the limits on the instance the login names', async () => {
    // Sign in at localhost: the org's login answer names 127.0.0.1 as the instance, so the
    // instance URL reported can only have come from that answer.
    const loginUrl = org.loginUrl.replace('//127.0.0.1:', '//localhost:');
    expect(loginUrl).not.toBe(org.instanceUrl);
    const result = await saveAndTest({
      auth: {
        method: 'password',
        loginUrl,
        username: org.username,
        password: PASSWORD_PART,
        securityToken: SECURITY_TOKEN,
      },
    });
    const after = await apiUsage();
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.instanceUrl} (API 62.0).`,
      details: {
        instanceUrl: org.instanceUrl,
        organizationId: org.store.identity.orgId,
        userId: org.store.identity.userId,
        apiRequests: `${after.used} of ${DAILY_LIMIT} used today`,
      },
    });
  });

  it('reports a closed port as connection refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await saveAndTest({
      auth: { method: 'password', loginUrl: url, username: 'u@example.com', password: 'p' },
    });
    expect(result).toMatchObject({
      ok: false,
      message: `Nothing answered at ${url} (connection refused).`,
    });
  });
});

describe('org test on the command line', () => {
  it('exits 0 for a good token and 1 for an expired one', async () => {
    const token = await freshToken();
    const before = await apiUsage();
    const good = memoryIo({});
    expect(
      await runCli(
        ['org', 'test', '--instance-url', org.instanceUrl, '--access-token', token],
        good,
      ),
    ).toBe(0);
    const after = await apiUsage();
    expect(after.used).toBe(before.used + 1);
    expect(JSON.parse(good.out())).toMatchObject({
      ok: true,
      details: { apiRequests: `${after.used} of ${DAILY_LIMIT} used today` },
    });

    // A token the org never issued is refused the way an expired one is.
    const expired = memoryIo({ SF_INSTANCE_URL: org.instanceUrl, SF_ACCESS_TOKEN: 'stale' });
    expect(await runCli(['org', 'test'], expired)).toBe(1);
    expect(JSON.parse(expired.out())).toMatchObject({
      ok: false,
      message: 'The access token was refused: it has expired or was revoked.',
    });
  });
});

/** An HTTP server that answers every request with an HTML "Page not found" (404). */
async function servePageNotFound(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    const body = '<!DOCTYPE html><html><body>Page not found</body></html>';
    res.writeHead(404, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
