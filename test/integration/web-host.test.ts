import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../src-main/host';
import { createStudio, type Studio } from '../../src-main/studio';
import { AppInfo, ProfileSummary, type ApiEventEnvelope } from '../../src-shared/api';
import { callApi, httpRequest } from '../support/http';
import { fakeRendererDir, tempDir } from '../support/temp';

const OUTSIDE_MARKER = 'OUTSIDE-THE-RENDERER-DIR-MUST-NOT-BE-SERVED';

let studio: Studio;
let host: WebHost;
let rendererDir: string;
let userData: string;

beforeAll(async () => {
  userData = tempDir('connect-studio-web-');
  rendererDir = fakeRendererDir();
  // Files a path traversal would reach: next to the renderer folder (inside its own temp
  // folder), and in a sibling whose name starts like it.
  const parent = dirname(rendererDir);
  writeFileSync(join(parent, 'package.json'), JSON.stringify({ name: OUTSIDE_MARKER }));
  mkdirSync(`${rendererDir}-secrets`, { recursive: true });
  writeFileSync(join(`${rendererDir}-secrets`, 'secret.txt'), OUTSIDE_MARKER);
  studio = createStudio({ userDataDir: userData, host: 'web', log: () => {} });
  host = await startWebHost({ studio, rendererDir, port: 0 });
});

afterAll(async () => {
  await host?.close();
  studio?.close();
});

describe('web host: addresses', () => {
  it('listens on 127.0.0.1 and gives an address that carries the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.openUrl).toBe(`${host.url}?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });
});

describe('web host: the API needs the token', () => {
  it('answers 401 UNAUTHORIZED JSON without a token', async () => {
    const answer = await callApi(host.url, 'app.info', {});
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.json).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer') },
    });
  });

  it('answers with a Bearer token', async () => {
    const answer = await callApi(host.url, 'app.info', {}, { token: host.token });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const info = AppInfo.parse(answer.json);
    expect(info).toMatchObject({
      name: 'Connect Studio',
      host: 'web',
      userDataDir: userData,
      cacheFile: join(userData, 'cache.sqlite'),
      secretStorage: 'keyFile',
      startupNotice: null,
    });
  });

  it('answers with ?token=', async () => {
    const answer = await callApi(host.url, 'app.info', undefined, { query: host.token });
    expect(answer.status).toBe(200);
    expect(AppInfo.safeParse(answer.json).success).toBe(true);
  });

  it('refuses a wrong token, however it is sent', async () => {
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    for (const auth of [
      { token: wrong },
      { token: 'short' },
      { token: '' },
      { query: wrong },
      { cookie: `connect_studio_token=${wrong}` },
      { token: `${host.token}x` },
    ]) {
      const answer = await callApi(host.url, 'app.info', {}, auth);
      expect(answer.status, JSON.stringify(auth)).toBe(401);
      expect(answer.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('answers 403 to a foreign Host or Origin, even with the token', async () => {
    for (const headers of [
      { Host: `evil.example.com:${host.port}` },
      { Host: `127.0.0.1:${host.port + 1}` },
      { Origin: 'http://evil.example.com' },
      { Origin: `http://127.0.0.1:${host.port + 1}` },
      { Origin: 'not a url' },
    ]) {
      const answer = await httpRequest(host.url, {
        method: 'POST',
        path: '/api/app.info',
        headers: {
          Authorization: `Bearer ${host.token}`,
          'Content-Type': 'application/json',
          ...headers,
        },
        body: '{}',
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    // Its own origin, by either name, is fine.
    for (const headers of [
      { Host: `localhost:${host.port}` },
      { Origin: `http://127.0.0.1:${host.port}` },
    ]) {
      const answer = await httpRequest(host.url, {
        method: 'POST',
        path: '/api/app.info',
        headers: { Authorization: `Bearer ${host.token}`, ...headers },
        body: '{}',
      });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('web host: API errors', () => {
  it('answers 400 BAD_PARAMS for a body that is not JSON', async () => {
    const answer = await httpRequest(host.url, {
      method: 'POST',
      path: '/api/profiles.save',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: '{"kind": "postgres", name: }',
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        code: 'BAD_PARAMS',
        message: expect.stringMatching(/^The request body is not valid JSON: /),
      },
    });
  });

  it('answers 413 with the limit for a body over 20 MB, instead of dropping the connection', async () => {
    const answer = await httpRequest(host.url, {
      method: 'POST',
      path: '/api/profiles.save',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: `{"name":"${'a'.repeat(21 * 1024 * 1024)}"}`,
    });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      error: {
        code: 'BAD_PARAMS',
        message: 'The request body is 21.0 MB; the limit is 20 MB.',
      },
    });
  });

  it('answers 400 BAD_PARAMS naming the field for invalid params', async () => {
    const answer = await callApi(
      host.url,
      'profiles.save',
      {
        kind: 'salesforce',
        name: 'Dev',
        auth: { method: 'token', instanceUrl: 'login.salesforce.com' },
      },
      { token: host.token },
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: {
        code: 'BAD_PARAMS',
        message: expect.stringContaining('auth.instanceUrl: instance URL must start with https://'),
        details: { problems: [{ path: 'auth.instanceUrl' }] },
      },
    });
  });

  it('answers 404 UNKNOWN_METHOD and 405 for GET', async () => {
    const unknown = await callApi(host.url, 'profiles.explode', {}, { token: host.token });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });

    const get = await httpRequest(host.url, {
      path: '/api/app.info',
      headers: { Authorization: `Bearer ${host.token}` },
    });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json).toMatchObject({
      error: { code: 'BAD_PARAMS', message: 'Call app.info with POST and a JSON body.' },
    });
  });

  it('answers 400 for a malformed %-escape instead of failing', async () => {
    for (const path of ['/api/app%E0%A4%A.info', '/%E0%A4%A']) {
      const answer = await httpRequest(host.url, {
        path,
        method: path.startsWith('/api') ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${host.token}` },
      });
      expect(answer.status, path).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: 'BAD_PARAMS' } });
    }
  });
});

describe('web host: profiles over HTTP', () => {
  it('saves a profile and lists it, never sending the secret back', async () => {
    const secret = 'http-secret-password-123';
    const saved = await callApi(
      host.url,
      'profiles.save',
      {
        kind: 'postgres',
        name: 'Over HTTP',
        connection: { method: 'url', url: `postgres://app:${secret}@127.0.0.1:5432/app` },
      },
      { token: host.token },
    );
    expect(saved.status).toBe(200);
    const summary = ProfileSummary.parse(saved.json);
    expect(summary).toMatchObject({
      kind: 'postgres',
      name: 'Over HTTP',
      schema: 'salesforce',
      connection: { method: 'url', url: 'postgres://app@127.0.0.1:5432/app' },
      savedSecrets: ['password'],
    });

    const listed = await callApi(host.url, 'profiles.list', {}, { token: host.token });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ profiles: expect.arrayContaining([summary]) });
    expect(saved.body + listed.body).not.toContain(secret);

    const clash = await callApi(
      host.url,
      'profiles.save',
      { kind: 'postgres', name: 'over http', connection: { method: 'embedded' } },
      { token: host.token },
    );
    expect(clash.status).toBe(409);
    expect(clash.json).toMatchObject({ error: { code: 'CONFLICT', details: { field: 'name' } } });

    const missing = await callApi(
      host.url,
      'profiles.remove',
      { id: 'no-such-id' },
      { token: host.token },
    );
    expect(missing.json).toEqual({ removed: false });
  });
});

describe('web host: events over WebSocket', () => {
  const eventsUrl = (query = '') => `ws://127.0.0.1:${host.port}/events${query}`;

  function refusal(ws: WebSocket): Promise<number> {
    return new Promise((resolveStatus, reject) => {
      ws.on('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('the socket opened')));
      // Without an 'unexpected-response' answer ws reports "Unexpected server response: 401".
      ws.on('error', (error) =>
        resolveStatus(Number(/\b(\d{3})\b/.exec(error.message)?.[1] ?? -1)),
      );
    });
  }

  it('refuses a socket without the token, with a wrong one, or on another path', async () => {
    expect(await refusal(new WebSocket(eventsUrl()))).toBe(401);
    expect(await refusal(new WebSocket(eventsUrl('?token=wrong')))).toBe(401);
    expect(
      await refusal(new WebSocket(`ws://127.0.0.1:${host.port}/other?token=${host.token}`)),
    ).toBe(401);
    expect(
      await refusal(
        new WebSocket(eventsUrl(`?token=${host.token}`), {
          headers: { Origin: 'http://evil.example.com' },
        }),
      ),
    ).toBe(401);
  });

  it('pushes profiles.changed to a socket with the token after a save over HTTP', async () => {
    const ws = new WebSocket(eventsUrl(`?token=${encodeURIComponent(host.token)}`));
    const received: ApiEventEnvelope[] = [];
    const changed = new Promise<ApiEventEnvelope>((resolveEvent, reject) => {
      ws.on('message', (data) => {
        const envelope = JSON.parse(String(data)) as ApiEventEnvelope;
        received.push(envelope);
        if (envelope.event === 'profiles.changed') resolveEvent(envelope);
      });
      ws.on('error', reject);
    });
    await new Promise<void>((resolveOpen, reject) => {
      ws.once('open', () => resolveOpen());
      ws.once('error', reject);
    });
    try {
      const saved = await callApi(
        host.url,
        'profiles.save',
        { kind: 'postgres', name: 'Announced', connection: { method: 'embedded' } },
        { token: host.token },
      );
      expect(saved.status).toBe(200);
      const envelope = await changed;
      expect(envelope.event).toBe('profiles.changed');
      if (envelope.event !== 'profiles.changed') return;
      expect(envelope.payload.profiles.map((p) => p.name)).toContain('Announced');
      expect(envelope.payload.profiles).toContainEqual(saved.json);
    } finally {
      ws.close();
    }
  });
});

describe('web host: the renderer files', () => {
  it('answers GET / without the token with a 401 page that says how to get in', async () => {
    const answer = await httpRequest(host.url, { path: '/' });
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('?token=');
    expect(answer.body).not.toContain('Connect Studio test page');
  });

  it('serves the page with ?token=, sets the cookie, and serves assets to the cookie alone', async () => {
    const page = await httpRequest(host.url, { path: `/?token=${host.token}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Connect Studio test page');
    expect(page.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${host.port}`,
    );
    expect(page.headers['x-frame-options']).toBe('DENY');
    const setCookie = page.headers['set-cookie'] ?? [];
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toBe(
      `connect_studio_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    const cookie = setCookie[0]!.split(';')[0]!;

    const asset = await httpRequest(host.url, {
      path: '/app.js',
      headers: { Cookie: `other=1; ${cookie}` },
    });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['set-cookie']).toBeUndefined();
    expect(asset.body).toContain('connect studio test asset');

    // The API accepts the cookie too: the page calls it without repeating the token.
    const api = await callApi(host.url, 'app.info', {}, { cookie });
    expect(api.status).toBe(200);

    // Client-side routes fall back to the page; a missing asset is a real 404.
    const route = await httpRequest(host.url, {
      path: '/query/editor',
      headers: { Cookie: cookie },
    });
    expect(route.status).toBe(200);
    expect(route.body).toContain('Connect Studio test page');
    const missing = await httpRequest(host.url, {
      path: '/missing.js',
      headers: { Cookie: cookie },
    });
    expect(missing.status).toBe(404);

    const noCookie = await httpRequest(host.url, { path: '/app.js' });
    expect(noCookie.status).toBe(401);
  });

  it('never serves a file outside the renderer folder', async () => {
    const paths = [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5cpackage.json',
      '/app.js/../../package.json',
      `/%2e%2e/${encodeURIComponent(dirname(rendererDir).split('/').pop()!)}/package.json`,
      `/%2e%2e%2f${encodeURIComponent(`${rendererDir.split('/').pop()!}-secrets`)}%2fsecret.txt`,
      `/${encodeURIComponent(join(dirname(rendererDir), 'package.json'))}`,
      '/%2fetc%2fpasswd',
      `/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
    ];
    for (const path of paths) {
      const answer = await httpRequest(host.url, {
        path,
        headers: { Authorization: `Bearer ${host.token}` },
      });
      expect(answer.body, path).not.toContain(OUTSIDE_MARKER);
      expect(answer.body, path).not.toMatch(/root:.*:0:0:/);
      // Either a plain 404 or the app's own page.
      if (answer.status === 200) expect(answer.body, path).toContain('Connect Studio test page');
      else expect([400, 404], path).toContain(answer.status);
    }
  });
});
