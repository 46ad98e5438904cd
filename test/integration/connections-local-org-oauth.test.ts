import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Connection, OAuth2 } from 'jsforce';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalOrg, type LocalOrg } from '../../src-main/local-org';
import { useLocalOrg } from '../support/local-org';
import { tempDir } from '../support/temp';

// The local org's OAuth web-server flow over HTTP (fetch plays the browser) and through jsforce:
// the sign-in page, codes with PKCE, refresh tokens, revoking them, and surviving a restart.

const local = useLocalOrg({ seed: 'demo' });
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const CLIENT = 'test-client';

afterEach(() => {
  vi.useRealTimers();
  expect(local().unexpectedErrors).toEqual([]);
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface AuthorizeFields {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

function authorizeQuery(org: LocalOrg, fields: AuthorizeFields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    if (value !== undefined) params.set(name, value);
  return `${org.instanceUrl}/services/oauth2/authorize?${params.toString()}`;
}

/** The browser's form post: the page's hidden fields plus what the user typed and clicked. */
async function submitSignIn(
  org: LocalOrg,
  fields: AuthorizeFields,
  user: { username?: string; password?: string; decision?: 'allow' | 'deny' } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    if (value !== undefined) body.set(name, value);
  body.set('username', user.username ?? org.username);
  body.set('password', user.password ?? org.password);
  body.set('decision', user.decision ?? 'allow');
  return fetch(`${org.instanceUrl}/services/oauth2/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

/** The query of a 302's Location. */
function redirectQuery(response: Response): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

async function tokenCall(
  org: LocalOrg,
  fields: Record<string, string>,
): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(`${org.instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

/** A fresh code for the given challenge, through the sign-in page. */
async function codeFor(org: LocalOrg, challenge: string | undefined): Promise<string> {
  const fields: AuthorizeFields = {
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    state: 'st-1',
    code_challenge: challenge,
    code_challenge_method: challenge ? 'S256' : undefined,
  };
  const query = redirectQuery(await submitSignIn(org, fields));
  expect(query.get('state')).toBe('st-1');
  return query.get('code') ?? '';
}

async function limitsStatus(org: LocalOrg, accessToken: string): Promise<number> {
  const response = await fetch(`${org.instanceUrl}/services/data/v62.0/limits`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}

async function revoke(org: LocalOrg, token: string): Promise<number> {
  const response = await fetch(`${org.instanceUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('GET /services/oauth2/authorize', () => {
  it('shows a sign-in page carrying the request in hidden fields', async () => {
    const { org } = local();
    const { challenge } = pkce();
    const response = await fetch(
      authorizeQuery(org, {
        response_type: 'code',
        client_id: CLIENT,
        redirect_uri: REDIRECT,
        state: 'a"b<c',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Allow access?');
    expect(html).toContain('name="username"');
    expect(html).toContain('type="password"');
    expect(html).toContain(`name="code_challenge" value="${challenge}"`);
    // The state is echoed escaped: a page built from the query must not run it.
    expect(html).toContain('name="state" value="a&quot;b&lt;c"');
    expect(html).toContain(org.username);
  });

  it('answers a bad redirect URI or a missing client id on a 400 page, never redirecting', async () => {
    const { org } = local();
    for (const fields of [
      { response_type: 'code', client_id: CLIENT },
      { response_type: 'code', client_id: CLIENT, redirect_uri: 'not a url' },
      { response_type: 'code', client_id: CLIENT, redirect_uri: 'javascript:alert(1)' },
      { response_type: 'code', redirect_uri: REDIRECT },
    ]) {
      const response = await fetch(authorizeQuery(org, fields), { redirect: 'manual' });
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('cannot be answered');
    }
  });

  it('sends a code only back to this machine unless the org was started to allow the host', async () => {
    const { org } = local();
    const ask = (target: LocalOrg, redirectUri: string) =>
      fetch(
        authorizeQuery(target, {
          response_type: 'code',
          client_id: CLIENT,
          redirect_uri: redirectUri,
          state: 's',
        }),
        { redirect: 'manual' },
      );
    for (const loopback of [
      'http://localhost:8080/cb',
      'http://[::1]:8080/cb',
      'https://127.0.0.1/cb',
    ]) {
      const page = await ask(org, loopback);
      expect(page.status, loopback).toBe(200);
      expect(await page.text()).toContain('Allow access?');
    }
    // Not even an error goes back to another site: a page says why, and nothing is redirected.
    for (const elsewhere of ['https://app.example.test/cb', 'http://127.0.0.2.example.com/cb']) {
      const refused = await ask(org, elsewhere);
      expect(refused.status, elsewhere).toBe(400);
      expect(refused.headers.get('location')).toBeNull();
      expect(await refused.text()).toContain('is not on this machine');
    }
    const posted = await submitSignIn(org, {
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: 'https://app.example.test/cb',
    });
    expect(posted.status).toBe(400);
    expect(posted.headers.get('location')).toBeNull();

    const allowing = await startLocalOrg({
      seed: 'empty',
      oauthRedirectHosts: ['App.Example.Test'],
    });
    try {
      expect((await ask(allowing, 'https://app.example.test/cb')).status).toBe(200);
      expect((await ask(allowing, 'https://other.example.test/cb')).status).toBe(400);
      const signedIn = await submitSignIn(allowing, {
        response_type: 'code',
        client_id: CLIENT,
        redirect_uri: 'https://app.example.test/cb',
      });
      expect(signedIn.status).toBe(302);
      expect(signedIn.headers.get('location')).toMatch(/^https:\/\/app\.example\.test\/cb\?code=/);
    } finally {
      await allowing.close();
    }
  });

  it('sends other mistakes back to the client as error and error_description', async () => {
    const { org } = local();
    const cases: [AuthorizeFields, string, RegExp][] = [
      [{ response_type: 'token' }, 'unsupported_response_type', /token/],
      [
        { response_type: 'code', code_challenge: pkce().challenge, code_challenge_method: 'plain' },
        'invalid_request',
        /plain; use S256/,
      ],
      [{ response_type: 'code', code_challenge: 'short' }, 'invalid_request', /code_challenge/],
    ];
    for (const [fields, error, description] of cases) {
      const response = await fetch(
        authorizeQuery(org, { client_id: CLIENT, redirect_uri: REDIRECT, state: 's', ...fields }),
        { redirect: 'manual' },
      );
      const query = redirectQuery(response);
      expect(query.get('error')).toBe(error);
      expect(query.get('error_description')).toMatch(description);
      expect(query.get('state')).toBe('s');
      expect(query.get('code')).toBeNull();
    }
  });
});

describe('POST /services/oauth2/authorize', () => {
  const fields = (challenge: string): AuthorizeFields => ({
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });

  it('shows the page again with an error for a wrong password, keeping the username', async () => {
    const { org } = local();
    const response = await submitSignIn(org, fields(pkce().challenge), { password: 'wrong' });
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('Please check your username and password.');
    expect(html).toContain(`value="${org.username}"`);
  });

  it('redirects with access_denied when the user denies', async () => {
    const { org } = local();
    const query = redirectQuery(
      await submitSignIn(org, fields(pkce().challenge), { decision: 'deny' }),
    );
    expect(Object.fromEntries(query)).toEqual({
      error: 'access_denied',
      error_description: 'end-user denied authorization',
      state: 'xyz',
    });
  });

  it('redirects with a code and the state for the right credentials (username in any case)', async () => {
    const { org } = local();
    const query = redirectQuery(
      await submitSignIn(org, fields(pkce().challenge), { username: org.username.toUpperCase() }),
    );
    expect(query.get('state')).toBe('xyz');
    expect(query.get('code')).toMatch(/^[A-Za-z0-9]{40,}$/);
  });
});

describe('the token endpoint: authorization_code and refresh_token grants', () => {
  it('trades a code and its verifier for an access token and a refresh token', async () => {
    const { org } = local();
    const { verifier, challenge } = pkce();
    const code = await codeFor(org, challenge);
    const { status, json } = await tokenCall(org, {
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      access_token: expect.stringMatching(/^00D/),
      refresh_token: expect.stringMatching(/^5Aep861[A-Za-z0-9]+$/),
      instance_url: org.instanceUrl,
      id: `${org.instanceUrl}/id/${org.store.identity.orgId}/${org.store.identity.userId}`,
      token_type: 'Bearer',
    });
    expect(await limitsStatus(org, json.access_token!)).toBe(200);

    // Single use: the same code (and verifier) a second time is refused.
    const again = await tokenCall(org, {
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(again).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
  });

  it('refuses a wrong or missing verifier, another redirect URI, another client', async () => {
    const { org } = local();
    const { verifier, challenge } = pkce();
    const refusals: [Record<string, string>, Record<string, string>][] = [
      [
        { code_verifier: pkce().verifier },
        { error: 'invalid_grant', error_description: 'invalid code verifier' },
      ],
      [{}, { error: 'invalid_grant', error_description: 'invalid code verifier' }],
      [
        { code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9/other' },
        { error: 'invalid_grant', error_description: 'redirect_uri must match configuration' },
      ],
      [
        { code_verifier: verifier, client_id: 'another-client' },
        {
          error: 'invalid_grant',
          error_description: 'authorization code was issued to another client',
        },
      ],
      [
        { code_verifier: verifier, client_id: '' },
        { error: 'invalid_client_id', error_description: 'client identifier invalid' },
      ],
    ];
    for (const [change, expected] of refusals) {
      const code = await codeFor(org, challenge);
      const answer = await tokenCall(org, {
        grant_type: 'authorization_code',
        code,
        client_id: CLIENT,
        redirect_uri: REDIRECT,
        ...change,
      });
      expect(answer, JSON.stringify(change)).toEqual({ status: 400, json: expected });
    }
  });

  it('refuses a code older than 15 minutes', async () => {
    const { org } = local();
    const { verifier, challenge } = pkce();
    const code = await codeFor(org, challenge);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 15 * 60 * 1000 + 1000);
    const answer = await tokenCall(org, {
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(answer).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'expired authorization code' },
    });
  });

  it('refreshes; a revoked refresh token stops working and ends the sessions it made', async () => {
    const { org } = local();
    const { verifier, challenge } = pkce();
    const first = await tokenCall(org, {
      grant_type: 'authorization_code',
      code: await codeFor(org, challenge),
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const refreshToken = first.json.refresh_token!;
    const refreshed = await tokenCall(org, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: CLIENT,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).toBeUndefined();
    expect(refreshed.json.access_token).not.toBe(first.json.access_token);
    expect(refreshed.json.instance_url).toBe(org.instanceUrl);
    expect(await limitsStatus(org, refreshed.json.access_token!)).toBe(200);

    expect(
      await tokenCall(org, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'another-client',
      }),
    ).toEqual({
      status: 400,
      json: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });

    expect(await revoke(org, refreshToken)).toBe(200);
    expect(await limitsStatus(org, first.json.access_token!)).toBe(401);
    expect(await limitsStatus(org, refreshed.json.access_token!)).toBe(401);
    expect(
      await tokenCall(org, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: CLIENT,
      }),
    ).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    expect(await revoke(org, refreshToken)).toBe(400);
  });

  it('keeps refresh tokens valid across a restart on the same file', async () => {
    const data = join(tempDir('connect-studio-oauth-org-'), 'org.sqlite');
    const first = await startLocalOrg({ data, seed: 'empty' });
    let refreshToken: string;
    try {
      const { verifier, challenge } = pkce();
      const tokens = await tokenCall(first, {
        grant_type: 'authorization_code',
        code: await codeForOrg(first, challenge),
        client_id: CLIENT,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      refreshToken = tokens.json.refresh_token!;
    } finally {
      await first.close();
    }
    const second = await startLocalOrg({ data, seed: 'empty' });
    try {
      expect(second.instanceUrl).not.toBe(first.instanceUrl);
      const refreshed = await tokenCall(second, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: CLIENT,
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.instance_url).toBe(second.instanceUrl);
      expect(await limitsStatus(second, refreshed.json.access_token!)).toBe(200);
    } finally {
      await second.close();
    }
  });
});

/** codeFor for an org other than the file's. */
async function codeForOrg(org: LocalOrg, challenge: string): Promise<string> {
  const response = await submitSignIn(org, {
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
}

describe('through jsforce', () => {
  it('signs in with OAuth2 (PKCE verifier) and a refresh-token connection refreshes by itself', async () => {
    const { org } = local();
    const oauth2 = new OAuth2({
      loginUrl: org.loginUrl,
      clientId: CLIENT,
      redirectUri: REDIRECT,
      useVerifier: true,
    });
    // jsforce sends the challenge without a method (S256 is implied) and a 171-character verifier.
    const authorizeUrl = new URL(oauth2.getAuthorizationUrl({ state: 'js' }));
    expect(authorizeUrl.searchParams.get('code_challenge')).toBeTruthy();
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    await page.body?.cancel();
    const query = redirectQuery(
      await submitSignIn(org, Object.fromEntries(authorizeUrl.searchParams) as AuthorizeFields),
    );

    const conn = new Connection({ oauth2 });
    const userInfo = await conn.authorize(query.get('code') ?? '');
    expect(userInfo.organizationId).toBe(org.store.identity.orgId);
    expect(conn.refreshToken).toMatch(/^5Aep861/);
    const accounts = await conn.query<{ Id: string }>('SELECT Id FROM Account');
    expect(accounts.totalSize).toBeGreaterThan(0);

    // A connection with a dead access token and the refresh token: jsforce's 401 → refresh.
    const refreshing = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: CLIENT },
      instanceUrl: org.instanceUrl,
      accessToken: 'expired-token',
      refreshToken: conn.refreshToken ?? '',
      version: '62.0',
    });
    const refreshedTokens: string[] = [];
    refreshing.on('refresh', (token: string) => refreshedTokens.push(token));
    const again = await refreshing.query<{ Id: string }>('SELECT Id FROM Account');
    expect(again.totalSize).toBe(accounts.totalSize);
    expect(refreshedTokens).toHaveLength(1);
    expect(refreshing.accessToken).toBe(refreshedTokens[0]);

    // jsforce's own revoke, then the refresh fails.
    await oauth2.revokeToken(conn.refreshToken ?? '');
    await expect(oauth2.refreshToken(conn.refreshToken ?? '')).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'expired access/refresh token',
    });
  });
});
