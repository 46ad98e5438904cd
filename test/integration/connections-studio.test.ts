import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../src-main/api';
import { KeyFileSecretBox, openCache } from '../../src-main/cache';
import { StudioConnections } from '../../src-main/connections';
import type { LocalOrg } from '../../src-main/local-org';
import { ProfilesService } from '../../src-main/profiles';
import { SettingsService } from '../../src-main/settings';
import { createStudio, type Studio } from '../../src-main/studio';
import {
  ConnectionTestResult,
  ProfileSummary,
  StartedService,
  type ApiEventName,
  type ApiEventPayload,
  type ProfileInputDraft,
} from '../../src-shared/api';
import { useLocalOrg } from '../support/local-org';
import { closedPort } from '../support/net';
import { startOrgProxy } from '../support/org-proxy';
import { tempDir } from '../support/temp';

// The Connections work end to end with real parts: the studio's router and services, the local
// org it starts in-process, an embedded PostgreSQL it starts in its data folder, and a second
// local org (over HTTP) standing in for a Salesforce org that signs in with OAuth or an SFDX
// auth URL. fetch plays the browser.

/** The org profiles sign in to by SFDX URL and OAuth (not the studio's own local org). */
const remote = useLocalOrg({ seed: 'demo' });
let studio: Studio;
let userDataDir: string;
const events: { event: string; payload: unknown }[] = [];

beforeAll(() => {
  // A 0700 folder, as mkdtemp makes: the embedded server (run as root) must still get in.
  userDataDir = tempDir('connect-studio-connections-');
  studio = createStudio({ userDataDir, host: 'web', log: () => {} });
  studio.events.subscribe((envelope) => events.push(envelope));
});
afterAll(async () => {
  await studio?.close();
});

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const outcome = await studio.router.call(method, params);
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.result as T;
}

async function callError(
  method: string,
  params: unknown,
): Promise<{ code: string; message: string }> {
  const outcome = await studio.router.call(method, params);
  if (outcome.ok) throw new Error(`${method} succeeded; expected an error`);
  return outcome.error;
}

const testProfile = async (params: unknown) =>
  ConnectionTestResult.parse(await call('profiles.test', params));

function eventsNamed<E extends ApiEventName>(name: E): ApiEventPayload<E>[] {
  return events.filter((e) => e.event === name).map((e) => e.payload as ApiEventPayload<E>);
}

/** Resolves with the next event of this name. */
function nextEvent<E extends ApiEventName>(bus: EventBus, name: E): Promise<ApiEventPayload<E>> {
  return new Promise((resolve) => {
    const off = bus.subscribe((envelope) => {
      if (envelope.event !== name) return;
      off();
      resolve(envelope.payload as ApiEventPayload<E>);
    });
  });
}

/** The refresh token of a code grant on an org, as a browser sign-in would get it. */
async function refreshTokenOf(org: LocalOrg, clientId: string): Promise<string> {
  const redirectUri = 'http://127.0.0.1:9/cb';
  const body = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    username: org.username,
    password: org.password,
    decision: 'allow',
  });
  const signedIn = await fetch(`${org.instanceUrl}/services/oauth2/authorize`, {
    method: 'POST',
    body,
    redirect: 'manual',
  });
  const code = new URL(signedIn.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(`${org.instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      redirect_uri: redirectUri,
    }),
  });
  const json = (await token.json()) as { refresh_token?: string };
  if (!json.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(json)}`);
  return json.refresh_token;
}

async function revoke(org: LocalOrg, token: string): Promise<void> {
  const response = await fetch(`${org.instanceUrl}/services/oauth2/revoke`, {
    method: 'POST',
    body: new URLSearchParams({ token }),
  });
  expect(response.status).toBe(200);
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The browser's part: open the sign-in page, post the form as a user would fill it, and follow
 * the redirect (when there is one) to wherever it points. The last response.
 */
async function playBrowser(
  authorizeUrl: string,
  user: { password?: string; decision?: 'allow' | 'deny' } = {},
): Promise<Response> {
  const { posted, location } = await signInPage(authorizeUrl, user);
  return location ? fetch(location) : posted;
}

/** The sign-in page filled in and posted; where it sends the browser back to, if anywhere. */
async function signInPage(
  authorizeUrl: string,
  user: { password?: string; decision?: 'allow' | 'deny' } = {},
): Promise<{ posted: Response; location: string | null }> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    form.set(name!, unescapeHtml(value!));
  }
  form.set('username', remote().org.username);
  form.set('password', user.password ?? remote().org.password);
  form.set('decision', user.decision ?? 'allow');
  const action = new URL('/services/oauth2/authorize', authorizeUrl);
  const posted = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  return { posted, location: posted.headers.get('location') };
}

/** A browser that asks for `url` and leaves before the answer (the tab was closed). */
async function requestAndLeave(url: string, leaveAfterMs: number): Promise<void> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
  await new Promise((resolve) => setTimeout(resolve, leaveAfterMs));
  socket.destroy();
}

describe('localOrg.start', () => {
  it('starts the org once, saves one profile and makes it the active org', async () => {
    const first = StartedService.parse(await call('localOrg.start'));
    expect(first).toMatchObject({
      created: true,
      profile: { kind: 'salesforce', name: 'Local demo org', auth: { method: 'local' } },
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const changed = eventsNamed('profiles.changed');
    expect(changed.at(-1)?.profiles.map((p) => p.id)).toContain(first.profile.id);

    const second = StartedService.parse(await call('localOrg.start'));
    expect(second).toMatchObject({ created: false, url: first.url });
    expect(second.profile.id).toBe(first.profile.id);
    const profiles = await call<{ profiles: ProfileSummary[] }>('profiles.list');
    expect(
      profiles.profiles.filter((p) => p.kind === 'salesforce' && p.auth.method === 'local'),
    ).toHaveLength(1);
    expect((await call<{ activeOrgProfileId: string }>('settings.get')).activeOrgProfileId).toBe(
      first.profile.id,
    );
    expect(eventsNamed('profiles.changed')).toHaveLength(changed.length);

    // The org's data lives in the user-data folder; the active org answers queries.
    expect(readFileSync(join(userDataDir, 'local-org.sqlite')).length).toBeGreaterThan(0);
    const { conn } = await studio.connections.activeOrg();
    expect(conn.instanceUrl).toBe(first.url);
    const contacts = await conn.query('SELECT COUNT() FROM Contact');
    expect(contacts.totalSize).toBeGreaterThan(0);

    expect(await testProfile({ id: first.profile.id })).toMatchObject({
      ok: true,
      message: `Connected to ${first.url} (API 62.0).`,
    });
  });

  it('finds the local profile by its sign-in method, whatever it is named', async () => {
    const local = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.find(
      (p) => p.kind === 'salesforce' && p.auth.method === 'local',
    )!;
    const renamed = await call<ProfileSummary>('profiles.save', {
      kind: 'salesforce',
      id: local.id,
      name: 'My local org',
      auth: { method: 'local' },
    });
    expect(renamed).toMatchObject({ name: 'My local org', auth: { method: 'local' } });
    // Still one: a renamed local profile is found by its method, not its name.
    expect(StartedService.parse(await call('localOrg.start')).profile.id).toBe(local.id);
  });
});

describe('embeddedPostgres.start', () => {
  it('starts the server in the data folder, saves one profile and makes it active', async () => {
    const first = StartedService.parse(await call('embeddedPostgres.start'));
    expect(first).toMatchObject({
      created: true,
      profile: {
        kind: 'postgres',
        name: 'Embedded Postgres',
        schema: 'salesforce',
        connection: { method: 'embedded' },
      },
    });
    // No password in what the renderer sees.
    expect(first.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(readFileSync(join(userDataDir, 'postgres', 'PG_VERSION'), 'utf8').trim()).toMatch(
      /^\d+$/,
    );

    const second = StartedService.parse(await call('embeddedPostgres.start'));
    expect(second).toMatchObject({ created: false, url: first.url });
    expect(second.profile.id).toBe(first.profile.id);
    expect((await call<{ activeDbProfileId: string }>('settings.get')).activeDbProfileId).toBe(
      first.profile.id,
    );

    const { pool, schemaName } = await studio.connections.activeDatabase();
    expect(schemaName).toBe('salesforce');
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);

    // Running, its test is a real round trip to the server.
    expect(await testProfile({ id: first.profile.id })).toMatchObject({
      ok: true,
      message: expect.stringMatching(
        /^Embedded PostgreSQL \d+\.\d+ is running; connected as postgres, database postgres\.$/,
      ),
      details: { user: 'postgres', database: 'postgres' },
    });
  }, 120_000);
});

describe('SFDX auth URL profiles', () => {
  const sfdx = (authUrl: string, name = 'Sfdx org'): ProfileInputDraft => ({
    kind: 'salesforce',
    name,
    auth: { method: 'sfdx', authUrl },
  });

  it('names the part of a malformed URL that is wrong, without echoing the token', async () => {
    const cases: [string, RegExp][] = [
      ['https://example.com', /must start with force:\/\//],
      ['force://client:S3CRETX:TOKENX', /has no "@<instance host>"/],
      ['force://client:TOKENX@example.my.salesforce.com', /has 2 parts before the "@"/],
      ['force://:S3CRETX:TOKENX@example.my.salesforce.com', /empty client id/],
      ['force://client:S3CRETX:@example.my.salesforce.com', /empty refresh token/],
      ['force://client:S3CRETX:TOKENX@', /instance host is missing/],
      ['force://client:S3CRETX:TOKENX@bad host', /not a host name or URL/],
    ];
    for (const [authUrl, message] of cases) {
      const error = await callError('profiles.save', sfdx(authUrl));
      expect(error.code, authUrl).toBe('BAD_PARAMS');
      expect(error.message, authUrl).toMatch(message);
      expect(error.message).not.toMatch(/S3CRETX|TOKENX/);
    }
    const missing = await callError('profiles.save', {
      kind: 'salesforce',
      name: 'x',
      auth: { method: 'sfdx' },
    });
    expect(missing.message).toMatch(/SFDX auth URL is required/);
  });

  it('signs in with a refresh token issued by the code grant; a revoked one is explained', async () => {
    const { org } = remote();
    const refreshToken = await refreshTokenOf(org, 'PlatformCLI');
    const host = new URL(org.instanceUrl).host;
    const saved = ProfileSummary.parse(
      await call('profiles.save', sfdx(`force://PlatformCLI::${refreshToken}@${host}`)),
    );
    // The summary shows where, never the URL: that is the secret.
    expect(saved).toMatchObject({
      auth: { method: 'sfdx', instanceUrl: org.instanceUrl },
      savedSecrets: ['authUrl'],
    });
    expect(JSON.stringify(saved)).not.toContain(refreshToken);

    expect(await testProfile({ id: saved.id })).toMatchObject({
      ok: true,
      message: `Connected to ${org.instanceUrl} (API 62.0).`,
      details: {
        organizationId: org.store.identity.orgId,
        userId: org.store.identity.userId,
      },
    });

    // Editing without the URL keeps it.
    const renamed = ProfileSummary.parse(
      await call('profiles.save', {
        kind: 'salesforce',
        id: saved.id,
        name: 'Sfdx org renamed',
        auth: { method: 'sfdx' },
      }),
    );
    expect(renamed.savedSecrets).toEqual(['authUrl']);
    expect((await testProfile({ id: saved.id })).ok).toBe(true);

    await revoke(org, refreshToken);
    expect(await testProfile({ id: saved.id })).toEqual({
      ok: false,
      message: 'The saved sign-in expired or was revoked; sign in again.',
      hint: expect.stringContaining('sf org display --verbose'),
      durationMs: expect.any(Number),
      details: {},
    });
  });

  it('explains an unreachable instance and a client id the org does not know', async () => {
    const port = await closedPort();
    const unreachable = await testProfile({
      profile: sfdx(`force://PlatformCLI::token@127.0.0.1:${port}`),
    });
    expect(unreachable).toMatchObject({
      ok: false,
      message: `Nothing answered at http://127.0.0.1:${port} (connection refused).`,
    });

    const { org } = remote();
    const refreshToken = await refreshTokenOf(org, 'one-app');
    const host = new URL(org.instanceUrl).host;
    const wrongClient = await testProfile({
      profile: sfdx(`force://another-app:s3cret:${refreshToken}@${host}`),
    });
    expect(wrongClient).toMatchObject({
      ok: false,
      message: 'The org does not know the client id "another-app".',
    });
  });

  it('explains a TLS certificate the machine does not trust', async () => {
    // A self-signed certificate, as a TLS-inspecting proxy or a mistyped host would present.
    const dir = tempDir('connect-studio-tls-');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ].concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('{}'),
    );
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const result = await testProfile({
        profile: sfdx(`force://PlatformCLI::token@https://${host}`),
      });
      expect(result).toMatchObject({
        ok: false,
        message: `The TLS certificate of ${host} was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT).`,
        hint: expect.stringContaining('NODE_EXTRA_CA_CERTS'),
      });
    } finally {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  });
});

describe('OAuth in the browser (PKCE, loopback redirect)', () => {
  const oauthForm = (name: string, clientId = 'studio-app'): ProfileInputDraft => ({
    kind: 'salesforce',
    name,
    auth: { method: 'oauth', loginUrl: remote().org.loginUrl, clientId },
  });

  it('signs in an unsaved form: saves it with the refresh token encrypted, and it connects', async () => {
    const { org } = remote();
    const started = await call<{ authorizeUrl: string; redirectUri: string }>(
      'profiles.oauthStart',
      { profile: oauthForm('Browser org') },
    );
    expect(started.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    const authorize = new URL(started.authorizeUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${org.loginUrl}/services/oauth2/authorize`,
    );
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'studio-app',
      redirect_uri: started.redirectUri,
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
    });
    // Not saved before the sign-in finished.
    const before = await call<{ profiles: ProfileSummary[] }>('profiles.list');
    expect(before.profiles.map((p) => p.name)).not.toContain('Browser org');

    const finished = nextEvent(studio.events, 'profiles.oauthFinished');
    const landing = await playBrowser(started.authorizeUrl);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Signed in — you can close this tab');
    const outcome = await finished;
    expect(outcome).toEqual({
      ok: true,
      profileId: expect.any(String),
      message: `Signed in to ${org.instanceUrl} as ${org.username}.`,
    });

    const profile = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.find(
      (p) => p.id === outcome.profileId,
    );
    expect(profile).toMatchObject({
      name: 'Browser org',
      auth: {
        method: 'oauth',
        loginUrl: org.loginUrl,
        clientId: 'studio-app',
        instanceUrl: org.instanceUrl,
        username: org.username,
      },
      savedSecrets: ['refreshToken'],
    });
    expect(await testProfile({ id: profile!.id })).toMatchObject({
      ok: true,
      message: `Connected to ${org.instanceUrl} (API 62.0).`,
    });

    // The refresh token is in the cache only encrypted.
    const db = new Database(join(userDataDir, 'cache.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare('SELECT config_json, secrets FROM profiles WHERE id = ?')
        .get(profile!.id) as { config_json: string; secrets: Buffer };
      const stored = await refreshTokenInProfile(profile!.id);
      expect(row.config_json).not.toContain(stored);
      expect(row.secrets.toString('latin1')).not.toContain(stored);
    } finally {
      db.close();
    }

    // As the active org it answers queries through the refreshed session.
    await call('settings.set', { activeOrgProfileId: profile!.id });
    const { conn } = await studio.connections.activeOrg();
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBeGreaterThan(0);

    // The listener answered once and is gone.
    await expect(fetch(new URL(landing.url))).rejects.toThrow();
  });

  it('keeps waiting after a wrong password; a denied sign-in finishes with the reason', async () => {
    const started = await call<{ authorizeUrl: string }>('profiles.oauthStart', {
      profile: oauthForm('Denied org'),
    });
    const wrong = await playBrowser(started.authorizeUrl, { password: 'not-the-password' });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('Please check your username and password.');

    const finished = nextEvent(studio.events, 'profiles.oauthFinished');
    const denied = await playBrowser(started.authorizeUrl, { decision: 'deny' });
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain('The sign-in was denied in the browser.');
    expect(await finished).toEqual({
      ok: false,
      profileId: null,
      message: 'The sign-in was denied in the browser.',
    });
    const names = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.map(
      (p) => p.name,
    );
    expect(names).not.toContain('Denied org');
  });

  it('turns away an answer with another state, then signs in a saved profile', async () => {
    const { org } = remote();
    const saved = ProfileSummary.parse(await call('profiles.save', oauthForm('Saved OAuth org')));
    expect(saved).toMatchObject({
      auth: { method: 'oauth', instanceUrl: null, username: null },
    });
    expect(await testProfile({ id: saved.id })).toMatchObject({
      ok: false,
      message: 'This profile has not signed in yet.',
    });

    const started = await call<{ authorizeUrl: string; redirectUri: string }>(
      'profiles.oauthStart',
      { id: saved.id },
    );
    const forged = await fetch(`${started.redirectUri}?code=abc&state=not-ours`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('does not belong to the sign-in');

    const finished = nextEvent(studio.events, 'profiles.oauthFinished');
    expect((await playBrowser(started.authorizeUrl)).status).toBe(200);
    expect(await finished).toMatchObject({ ok: true, profileId: saved.id });
    expect(await testProfile({ id: saved.id })).toMatchObject({ ok: true });

    // Revoked at the org: the test and the active-org connection both say to sign in again.
    await revoke(org, await refreshTokenInProfile(saved.id));
    expect(await testProfile({ id: saved.id })).toMatchObject({
      ok: false,
      message: 'The saved sign-in expired or was revoked; sign in again.',
    });
    await call('settings.set', { activeOrgProfileId: saved.id });
    await expect(studio.connections.activeOrg()).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
      message: expect.stringContaining('The saved sign-in expired or was revoked; sign in again.'),
    });

    // Another client id on the same profile drops the old sign-in.
    const changed = ProfileSummary.parse(
      await call('profiles.save', { ...oauthForm('Saved OAuth org', 'other-app'), id: saved.id }),
    );
    expect(changed).toMatchObject({ savedSecrets: [], auth: { instanceUrl: null } });
  });

  it('refuses profiles that do not sign in with OAuth, and a name that is taken', async () => {
    const local = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.find(
      (p) => p.kind === 'salesforce' && p.auth.method === 'local',
    )!;
    expect(await callError('profiles.oauthStart', { id: local.id })).toMatchObject({
      code: 'BAD_PARAMS',
      message: expect.stringContaining('does not sign in with "OAuth in the browser"'),
    });
    expect(
      await callError('profiles.oauthStart', { profile: oauthForm('Saved OAuth org') }),
    ).toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps the sign-in in the profile the user saved meanwhile under that name', async () => {
    const { org } = remote();
    const started = await call<{ authorizeUrl: string }>('profiles.oauthStart', {
      profile: oauthForm('Raced org'),
    });
    // Save pressed while the browser was open: the profile exists before the sign-in ends.
    const saved = ProfileSummary.parse(await call('profiles.save', oauthForm('Raced org')));
    const finished = nextEvent(studio.events, 'profiles.oauthFinished');
    expect((await playBrowser(started.authorizeUrl)).status).toBe(200);
    expect(await finished).toEqual({
      ok: true,
      profileId: saved.id,
      message: `Signed in to ${org.instanceUrl} as ${org.username}.`,
    });
    const named = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.filter(
      (p) => p.name === 'Raced org',
    );
    expect(named).toHaveLength(1);
    expect(named[0]).toMatchObject({ id: saved.id, savedSecrets: ['refreshToken'] });
    expect(await testProfile({ id: saved.id })).toMatchObject({ ok: true });

    // A profile of that name for another connected app is not signed in by this one.
    const other = await call<{ authorizeUrl: string }>('profiles.oauthStart', {
      profile: oauthForm('Other app org'),
    });
    const otherSaved = ProfileSummary.parse(
      await call('profiles.save', oauthForm('Other app org', 'another-app')),
    );
    const refused = nextEvent(studio.events, 'profiles.oauthFinished');
    expect((await playBrowser(other.authorizeUrl)).status).toBe(400);
    expect(await refused).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'Signed in, but the profile could not be saved: A profile named "Other app org" already exists.',
      ),
    });
    expect(studio.profiles.get(otherSaved.id).savedSecrets).toEqual([]);
  });

  it('stops waiting when asked: the listener closes and a late answer saves nothing', async () => {
    const started = await call<{ authorizeUrl: string; redirectUri: string }>(
      'profiles.oauthStart',
      { profile: oauthForm('Stopped org') },
    );
    const { location } = await signInPage(started.authorizeUrl);
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?code=/);
    const finished = nextEvent(studio.events, 'profiles.oauthFinished');
    expect(await call('profiles.oauthCancel')).toEqual({ cancelled: true });
    expect(await finished).toEqual({
      ok: false,
      profileId: null,
      message: 'The browser sign-in was stopped. Start it again with "Sign in with Salesforce".',
    });
    await expect(fetch(location!)).rejects.toThrow();
    expect(await call('profiles.oauthCancel')).toEqual({ cancelled: false });
    const names = (await call<{ profiles: ProfileSummary[] }>('profiles.list')).profiles.map(
      (p) => p.name,
    );
    expect(names).not.toContain('Stopped org');
  });

  it('finishes once the browser is back, however long the code exchange takes, even if the tab closed', async () => {
    const dir = tempDir('connect-studio-oauth-slow-');
    const { cache } = openCache({
      file: join(dir, 'cache.sqlite'),
      secretBox: new KeyFileSecretBox(join(dir, 'secrets.key')),
    });
    const events = new EventBus();
    const seen: ApiEventPayload<'profiles.oauthFinished'>[] = [];
    events.subscribe((e) => {
      if (e.event === 'profiles.oauthFinished') seen.push(e.payload);
    });
    const profiles = new ProfilesService(cache);
    const connections = new StudioConnections({
      profiles,
      settings: new SettingsService(cache, events),
      events,
      userDataDir: dir,
      log: () => {},
      oauthTimeoutMs: 800,
    });
    // The token endpoint answers after the time limit has passed.
    const slowLogin = await startOrgProxy(remote().org, { tokenDelayMs: 1500 });
    try {
      const finished = nextEvent(events, 'profiles.oauthFinished');
      const started = await connections.startOAuth({
        profile: {
          kind: 'salesforce',
          name: 'Slow exchange',
          apiVersion: '62.0',
          auth: { method: 'oauth', loginUrl: slowLogin.url, clientId: 'slow-app' },
        },
      });
      const { location } = await signInPage(started.authorizeUrl);
      // The tab is closed while the studio trades the code: nobody reads the page it answers.
      await requestAndLeave(location!, 100);
      const outcome = await finished;
      expect(outcome).toEqual({
        ok: true,
        profileId: expect.any(String),
        message: `Signed in to ${remote().org.instanceUrl} as ${remote().org.username}.`,
      });
      expect(profiles.get(outcome.profileId!).savedSecrets).toEqual(['refreshToken']);
      // Past the time limit, nothing else is told.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(1);
      await expect(fetch(started.redirectUri)).rejects.toThrow();
    } finally {
      await slowLogin.close();
      await connections.close();
      cache.close();
    }
  });

  it('gives up after the time limit with the reason', async () => {
    const dir = tempDir('connect-studio-oauth-timeout-');
    const { cache } = openCache({
      file: join(dir, 'cache.sqlite'),
      secretBox: new KeyFileSecretBox(join(dir, 'secrets.key')),
    });
    const events = new EventBus();
    const connections = new StudioConnections({
      profiles: new ProfilesService(cache),
      settings: new SettingsService(cache, events),
      events,
      userDataDir: dir,
      log: () => {},
      oauthTimeoutMs: 300,
    });
    try {
      const finished = nextEvent(events, 'profiles.oauthFinished');
      const started = await connections.startOAuth({
        profile: {
          kind: 'salesforce',
          name: 'Slow',
          apiVersion: '62.0',
          auth: { method: 'oauth', loginUrl: remote().org.loginUrl, clientId: 'slow-app' },
        },
      });
      expect(await finished).toEqual({
        ok: false,
        profileId: null,
        message:
          'The browser sign-in was not finished within 1 second. Start it again with "Sign in with Salesforce".',
      });
      await expect(fetch(started.redirectUri)).rejects.toThrow();
    } finally {
      await connections.close();
      cache.close();
    }
  });
});

/** The refresh token a profile keeps (read the way the services read it). */
async function refreshTokenInProfile(id: string): Promise<string> {
  const target = studio.profiles.salesforceTarget(id);
  if (target.method !== 'refreshToken') throw new Error(`profile ${id} has no refresh token`);
  return target.refreshToken;
}
