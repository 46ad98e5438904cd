import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/commands';
import { createStudio, type Studio } from '../../src-main/studio';
import { ConnectionTestResult, type ProfileInputDraft } from '../../src-shared/api';
import { memoryIo } from '../support/cli';
import {
  expiredSessionReply,
  jsonReply,
  limitsReply,
  soapLoginFault,
  soapLoginSuccess,
  startFakeSalesforce,
  type FakeReply,
  type FakeRequest,
  type FakeSalesforce,
} from '../support/fake-salesforce';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

// The local org does not exist yet; until it does, a small server answering the way Salesforce
// does stands in for the org. jsforce, the profiles service and the error explainers are real.

let studio: Studio;
const fakes: FakeSalesforce[] = [];

beforeAll(() => {
  // setup.ts cleared the proxy variables before jsforce loaded; make sure nothing set them since.
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
    expect(process.env[name]).toBeUndefined();
  studio = createStudio({ userDataDir: tempDir('connect-studio-sf-'), host: 'cli', log: () => {} });
});
afterAll(() => studio?.close());
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeOrg(
  answer: (request: FakeRequest, self: { url: string }) => FakeReply,
): Promise<FakeSalesforce> {
  const fake = await startFakeSalesforce(answer);
  fakes.push(fake);
  return fake;
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

const notFound: FakeReply = {
  status: 404,
  headers: { 'Content-Type': 'text/plain' },
  body: 'no route in the fake',
};

describe('profiles.test with an access token', () => {
  it('reports an expired token with the expired-token message', async () => {
    const org = await fakeOrg((req) =>
      req.path === '/services/data/v62.0/limits' ? expiredSessionReply() : notFound,
    );
    const result = await saveAndTest({
      auth: { method: 'token', instanceUrl: org.url, accessToken: '00Dexpired!token' },
    });
    expect(result).toEqual({
      ok: false,
      message: 'The access token was refused: it has expired or was revoked.',
      hint: 'Get a fresh token (for example with `sf org display`) and save the profile again.',
      durationMs: expect.any(Number),
      details: {},
    });
    expect(org.requests).toHaveLength(1);
    expect(org.requests[0]).toMatchObject({
      method: 'GET',
      headers: { authorization: 'Bearer 00Dexpired!token' },
    });
  });

  it('reads the API limits with a good token', async () => {
    const org = await fakeOrg((req) =>
      req.path === '/services/data/v62.0/limits' &&
      req.headers.authorization === 'Bearer 00Dgood!token'
        ? limitsReply(15000, 14990)
        : expiredSessionReply(),
    );
    const result = await saveAndTest({
      auth: { method: 'token', instanceUrl: org.url, accessToken: '00Dgood!token' },
    });
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.url} (API 62.0).`,
      details: { instanceUrl: org.url, apiRequests: '10 of 15000 used today' },
    });
  });

  it('asks for the API version the profile names', async () => {
    const org = await fakeOrg((req) =>
      req.path === '/services/data/v61.0/limits' ? limitsReply(100, 100) : notFound,
    );
    const result = await saveAndTest({
      apiVersion: '61.0',
      auth: { method: 'token', instanceUrl: org.url, accessToken: 't' },
    });
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.url} (API 61.0).`,
      details: { apiRequests: '0 of 100 used today' },
    });
  });

  it('explains other Salesforce errors: limits exceeded, an HTML page', async () => {
    const limited = await fakeOrg(() =>
      jsonReply(403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]),
    );
    expect(
      (await saveAndTest({ auth: { method: 'token', instanceUrl: limited.url, accessToken: 't' } }))
        .message,
    ).toBe('The org has used up its API requests for now (REQUEST_LIMIT_EXCEEDED).');
    const lightning = await fakeOrg(() => ({
      status: 404,
      headers: { 'Content-Type': 'text/html' },
      body: '<!DOCTYPE html><html><body>Page not found</body></html>',
    }));
    const html = await saveAndTest({
      auth: { method: 'token', instanceUrl: lightning.url, accessToken: 't' },
    });
    expect(html).toMatchObject({
      ok: false,
      message: `${lightning.url} answered, but not the way Salesforce does (ERROR_HTTP_404).`,
    });
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
    const org = await fakeOrg((req) =>
      req.method === 'POST' && req.path === '/services/Soap/u/62.0' ? soapLoginFault() : notFound,
    );
    const result = await saveAndTest({
      auth: {
        method: 'password',
        loginUrl: org.url,
        username: 'dev@example.com',
        password: 'wrong<&>',
        securityToken: 'TOKEN123',
      },
    });
    expect(result).toEqual({
      ok: false,
      message: 'Salesforce refused the username or password.',
      hint: expect.stringContaining('append your security token'),
      durationMs: expect.any(Number),
      details: {},
    });
    // One SOAP login, with the security token appended to the password (XML-escaped).
    expect(org.requests).toHaveLength(1);
    expect(org.requests[0]!.body).toContain('<username>dev@example.com</username>');
    expect(org.requests[0]!.body).toContain('<password>wrong&lt;&amp;&gt;TOKEN123</password>');
  });

  it('signs in and reads the limits on the instance the login names', async () => {
    const ids = {
      sessionId: '00Dsession!abc',
      userId: '005000000000001AAA',
      organizationId: '00D000000000001EAA',
      apiVersion: '62.0',
    };
    const org = await fakeOrg((req, self) => {
      if (req.method === 'POST' && req.path === '/services/Soap/u/62.0')
        return soapLoginSuccess(self.url, ids);
      if (
        req.path === '/services/data/v62.0/limits' &&
        req.headers.authorization === `Bearer ${ids.sessionId}`
      ) {
        return limitsReply(15000, 14990);
      }
      return expiredSessionReply();
    });
    const result = await saveAndTest({
      auth: {
        method: 'password',
        loginUrl: org.url,
        username: 'dev@example.com',
        password: 'right',
      },
    });
    expect(result).toMatchObject({
      ok: true,
      message: `Connected to ${org.url} (API 62.0).`,
      details: {
        instanceUrl: org.url,
        organizationId: ids.organizationId,
        userId: ids.userId,
        apiRequests: '10 of 15000 used today',
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
    const org = await fakeOrg((req) =>
      req.headers.authorization === 'Bearer good'
        ? limitsReply(15000, 14990)
        : expiredSessionReply(),
    );
    const good = memoryIo({});
    expect(
      await runCli(['org', 'test', '--instance-url', org.url, '--access-token', 'good'], good),
    ).toBe(0);
    expect(JSON.parse(good.out())).toMatchObject({
      ok: true,
      details: { apiRequests: '10 of 15000 used today' },
    });

    const expired = memoryIo({ SF_INSTANCE_URL: org.url, SF_ACCESS_TOKEN: 'stale' });
    expect(await runCli(['org', 'test'], expired)).toBe(1);
    expect(JSON.parse(expired.out())).toMatchObject({
      ok: false,
      message: 'The access token was refused: it has expired or was revoked.',
    });
  });
});
