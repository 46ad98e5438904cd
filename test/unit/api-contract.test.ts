import { describe, expect, it, vi } from 'vitest';
import { createApiRouter, type ApiHandlers } from '../../src-main/api';
import {
  ApiError,
  ProfileInput,
  apiContract,
  apiMethodNames,
  parseOrThrow,
  type ApiMethod,
  type AppInfo,
  type Settings,
} from '../../src-shared/api';

const appInfo: AppInfo = {
  name: 'Connect Studio',
  version: '0.1.0',
  host: 'cli',
  platform: 'linux-x64',
  nodeVersion: '20.0.0',
  userDataDir: '/tmp/studio',
  cacheFile: '/tmp/studio/cache.sqlite',
  secretStorage: 'keyFile',
  startupNotice: null,
};

const settings: Settings = {
  theme: 'system',
  activeOrgProfileId: null,
  activeDbProfileId: null,
  defaultApiVersion: '62.0',
};

/** Handlers that record what they received; each test overrides the one it is about. */
function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers & { received: unknown[] } {
  const received: unknown[] = [];
  const record =
    <T>(result: T) =>
    (params: unknown) => {
      received.push(params);
      return result;
    };
  // Methods these tests are not about answer with an error, so a test cannot pass by accident.
  const untested = Object.fromEntries(
    apiMethodNames.map((name) => [
      name,
      () => {
        throw new Error(`${name} is not part of these tests`);
      },
    ]),
  ) as unknown as ApiHandlers;
  return {
    ...untested,
    received,
    'app.info': record(appInfo),
    'profiles.list': record({ profiles: [] }),
    'profiles.save': (params) => {
      received.push(params);
      return {
        kind: 'postgres',
        id: 'p1',
        name: params.name,
        schema: 'salesforce',
        connection: { method: 'embedded' },
        savedSecrets: [],
        secretsReadable: true,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
      };
    },
    'profiles.remove': record({ removed: true }),
    'profiles.test': record({ ok: true, message: 'fine', durationMs: 1, details: {} }),
    'settings.get': record(settings),
    'settings.set': record(settings),
    ...overrides,
  };
}

function expectBadParams(error: unknown, ...fragments: string[]): ApiError {
  expect(error).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  expect(apiError.code).toBe('BAD_PARAMS');
  for (const fragment of fragments) expect(apiError.message).toContain(fragment);
  return apiError;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseOrThrow', () => {
  it('names the dotted path of a missing nested field', () => {
    const error = thrownBy(() =>
      parseOrThrow(
        ProfileInput,
        { kind: 'salesforce', name: 'Dev', auth: { method: 'password', username: '  ' } },
        'profiles.save',
      ),
    );
    const apiError = expectBadParams(
      error,
      'profiles.save',
      'auth.username',
      'username is required',
    );
    expect(apiError.details).toEqual({
      problems: [{ path: 'auth.username', message: 'username is required' }],
    });
  });

  it('names every problem, not only the first', () => {
    const error = thrownBy(() =>
      parseOrThrow(
        ProfileInput,
        {
          kind: 'salesforce',
          name: '',
          apiVersion: '62',
          auth: { method: 'token', instanceUrl: 'ftp://x' },
        },
        'profiles.save',
      ),
    );
    const apiError = expectBadParams(
      error,
      'name: name is required',
      'apiVersion: must look like 62.0',
    );
    expect(apiError.message).toContain('auth.instanceUrl: instance URL must start with https://');
  });

  it('keeps trigger-log ids and record ids to Postgres integers, naming the field', () => {
    const range = 'must be a whole number from 1 to 2,147,483,647 (a Postgres integer)';
    const cases: Array<[ApiMethod, unknown, string]> = [
      ['triggerLog.detail', { id: 2_147_483_648 }, 'id'],
      ['triggerLog.detail', { id: 0 }, 'id'],
      ['triggerLog.detail', { id: 1.5 }, 'id'],
      ['triggerLog.list', { limit: 50, beforeId: 2 ** 40 }, 'beforeId'],
      ['triggerLog.list', { filter: { recordId: 3_000_000_000 } }, 'recordId'],
      ['triggerLog.list', { filter: { recordId: -1 } }, 'recordId'],
      ['triggerLog.retry', { ids: [1, 2_147_483_648] }, 'ids'],
      ['triggerLog.ignore', { ids: [-4] }, 'ids'],
      ['triggerLog.rows', { ids: [Number.MAX_SAFE_INTEGER] }, 'ids'],
      ['triggerLog.retryMatching', { filter: { recordId: 2 ** 31 } }, 'recordId'],
    ];
    for (const [method, params, field] of cases) {
      const error = thrownBy(() => parseOrThrow(apiContract[method].params, params, method));
      expectBadParams(error, `${field} ${range}`);
    }
    // The largest int4 and the smallest id pass.
    for (const [method, params] of [
      ['triggerLog.detail', { id: 2_147_483_647 }],
      ['triggerLog.list', { beforeId: 1, filter: { recordId: 2_147_483_647 } }],
      ['triggerLog.retry', { ids: [1, 2_147_483_647] }],
    ] as const) {
      expect(() => parseOrThrow(apiContract[method].params, params, method)).not.toThrow();
    }
  });

  it('says which discriminator to check when the variant is unknown', () => {
    const error = thrownBy(() =>
      parseOrThrow(ProfileInput, { kind: 'oracle', name: 'x' }, 'profiles.save'),
    );
    expectBadParams(error, 'kind');
  });

  it('rejects unknown keys of strict params by name', () => {
    const error = thrownBy(() =>
      parseOrThrow(
        apiContract['settings.set'].params,
        { theme: 'dark', colour: 'red' },
        'settings.set',
      ),
    );
    expectBadParams(error, 'unknown key "colour": remove it');
    const several = thrownBy(() =>
      parseOrThrow(
        apiContract['profiles.remove'].params,
        { id: 'a', force: true, why: 'x' },
        'profiles.remove',
      ),
    );
    expectBadParams(several, 'unknown keys "force", "why": remove them');
  });

  it('applies the defaults: login URL, API version, schema', () => {
    const salesforce = parseOrThrow(
      ProfileInput,
      {
        kind: 'salesforce',
        name: ' Dev ',
        auth: { method: 'password', username: 'me@example.com' },
      },
      'profiles.save',
    );
    expect(salesforce).toMatchObject({
      kind: 'salesforce',
      name: 'Dev',
      apiVersion: '62.0',
      auth: {
        method: 'password',
        loginUrl: 'https://login.salesforce.com',
        username: 'me@example.com',
      },
    });
    const postgres = parseOrThrow(
      ProfileInput,
      { kind: 'postgres', name: 'Local', connection: { method: 'embedded' } },
      'profiles.save',
    );
    expect(postgres).toMatchObject({ schema: 'salesforce', connection: { method: 'embedded' } });
  });

  it('trims trailing slashes from URLs and accepts http for a local org', () => {
    const parsed = parseOrThrow(
      ProfileInput,
      {
        kind: 'salesforce',
        name: 'Local org',
        auth: { method: 'token', instanceUrl: 'http://127.0.0.1:8080//' },
      },
      'profiles.save',
    );
    expect(parsed).toMatchObject({ auth: { instanceUrl: 'http://127.0.0.1:8080' } });
  });

  it('rejects a database URL that is not postgres://', () => {
    const error = thrownBy(() =>
      parseOrThrow(
        ProfileInput,
        {
          kind: 'postgres',
          name: 'Db',
          connection: { method: 'url', url: 'mysql://localhost/db' },
        },
        'profiles.save',
      ),
    );
    expectBadParams(error, 'connection.url', 'must start with postgres://');
  });

  it('refuses a misspelt secret instead of dropping it', () => {
    const error = thrownBy(() =>
      parseOrThrow(
        ProfileInput,
        {
          kind: 'salesforce',
          name: 'Org',
          auth: { method: 'password', username: 'u@example.com', pasword: 'hunter2' },
        },
        'profiles.save',
      ),
    );
    expectBadParams(error, 'auth', 'unknown key "pasword"');
  });
});

describe('createApiRouter', () => {
  it('knows every contract method', () => {
    expect([...apiMethodNames].sort()).toEqual(
      [
        'app.info',
        'profiles.list',
        'profiles.remove',
        'profiles.save',
        'profiles.test',
        'profiles.oauthStart',
        'profiles.oauthCancel',
        'settings.get',
        'settings.set',
        'localOrg.start',
        'embeddedPostgres.start',
        'schema.objects',
        'schema.describe',
        'schema.describeMany',
        'schema.count',
        'query.run',
        'query.more',
        'query.history',
        'query.saved',
        'query.save',
        'query.removeSaved',
        'sql.compile',
        'sql.run',
        'compare.run',
        'mappings.state',
        'mappings.validate',
        'mappings.apply',
        'mappings.saveDraft',
        'sync.status',
        'sync.start',
        'sync.stop',
        'sync.pause',
        'sync.resume',
        'sync.reload',
        'sync.log',
        'demo.open',
        'triggerLog.list',
        'triggerLog.rows',
        'triggerLog.summary',
        'triggerLog.detail',
        'triggerLog.retry',
        'triggerLog.retryMatching',
        'triggerLog.ignore',
      ].sort(),
    );
  });

  it('answers a valid call with the handler result', async () => {
    const router = createApiRouter(handlers());
    await expect(router.call('app.info', {})).resolves.toEqual({ ok: true, result: appInfo });
  });

  it('treats missing params as an empty object', async () => {
    const h = handlers();
    const router = createApiRouter(h);
    await expect(router.call('settings.get', undefined)).resolves.toMatchObject({ ok: true });
    await expect(router.call('profiles.list', null)).resolves.toMatchObject({ ok: true });
    expect(h.received).toEqual([{}, {}]);
  });

  it('hands the handler params with defaults applied', async () => {
    const h = handlers();
    const router = createApiRouter(h);
    const outcome = await router.call('profiles.save', {
      kind: 'postgres',
      name: 'Local',
      connection: { method: 'embedded' },
    });
    expect(outcome.ok).toBe(true);
    expect(h.received).toEqual([
      { kind: 'postgres', name: 'Local', schema: 'salesforce', connection: { method: 'embedded' } },
    ]);
  });

  it('rejects bad params with BAD_PARAMS naming the field, before the handler runs', async () => {
    const h = handlers();
    const router = createApiRouter(h);
    const outcome = await router.call('profiles.save', {
      kind: 'salesforce',
      name: 'Dev',
      auth: { method: 'password', loginUrl: 'https://login.salesforce.com' },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('BAD_PARAMS');
    expect(outcome.error.message).toContain('auth.username');
    expect(outcome.error.details).toMatchObject({ problems: [{ path: 'auth.username' }] });
    expect(h.received).toEqual([]);
  });

  it('rejects unknown keys', async () => {
    const router = createApiRouter(handlers());
    const outcome = await router.call('app.info', { verbose: true });
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMS', message: expect.stringContaining('unknown key "verbose"') },
    });
  });

  it('rejects params that are not an object', async () => {
    const router = createApiRouter(handlers());
    const outcome = await router.call('profiles.remove', 'abc');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'BAD_PARAMS' } });
  });

  it('checks the either-or rule of profiles.test', async () => {
    const router = createApiRouter(handlers());
    const outcome = await router.call('profiles.test', {});
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMS', message: expect.stringContaining('give either id') },
    });
  });

  it('answers UNKNOWN_METHOD for a method the contract does not have, listing the known ones', async () => {
    const router = createApiRouter(handlers());
    for (const name of ['profiles.drop', 'toString', '__proto__', '']) {
      const outcome = await router.call(name, {});
      expect(outcome).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      if (!outcome.ok) expect(outcome.error.message).toContain('profiles.list');
    }
  });

  it('passes an ApiError from a handler through unchanged', async () => {
    const router = createApiRouter(
      handlers({
        'profiles.remove': () => {
          throw new ApiError('NOT_FOUND', 'No profile with id x.', { field: 'id' });
        },
      }),
    );
    await expect(router.call('profiles.remove', { id: 'x' })).resolves.toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No profile with id x.', details: { field: 'id' } },
    });
  });

  it('turns an unexpected failure into INTERNAL without the stack, and reports it in full', async () => {
    const onInternalError = vi.fn();
    const boom = new Error('disk on fire');
    const router = createApiRouter(
      handlers({
        'settings.get': () => {
          throw boom;
        },
      }),
      { onInternalError },
    );
    const outcome = await router.call('settings.get', {});
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'settings.get failed unexpectedly: disk on fire' },
    });
    expect(JSON.stringify(outcome)).not.toContain(boom.stack!.split('\n')[1]!.trim());
    expect(onInternalError).toHaveBeenCalledWith('settings.get', boom);
  });

  it('turns a result outside the contract into INTERNAL without a stack', async () => {
    const onInternalError = vi.fn();
    const router = createApiRouter(
      handlers({ 'app.info': () => ({ ...appInfo, host: 'toaster' }) as unknown as AppInfo }),
      { onInternalError },
    );
    const outcome = await router.call('app.info', {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('INTERNAL');
    expect(outcome.error.message).toContain('app.info answered outside its contract');
    expect(outcome.error.message).not.toMatch(/\n\s+at /);
    expect(Object.keys(outcome.error)).toEqual(['code', 'message']);
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('applies result defaults (connection test details)', async () => {
    const router = createApiRouter(
      handlers({
        'profiles.test': () =>
          ({ ok: false, message: 'no', durationMs: 3 }) as unknown as Awaited<
            ReturnType<ApiHandlers['profiles.test']>
          >,
      }),
    );
    await expect(router.call('profiles.test', { id: 'p1' })).resolves.toEqual({
      ok: true,
      result: { ok: false, message: 'no', durationMs: 3, details: {} },
    });
  });

  it('recognises ApiError bodies', () => {
    expect(ApiError.isBody({ code: 'CONFLICT', message: 'x' })).toBe(true);
    expect(ApiError.isBody({ code: 'TEAPOT', message: 'x' })).toBe(false);
    expect(ApiError.isBody({ code: 'CONFLICT' })).toBe(false);
    expect(ApiError.isBody(null)).toBe(false);
    const error = ApiError.from({ code: 'UNAVAILABLE', message: 'later' });
    expect(error.toJSON()).toEqual({ code: 'UNAVAILABLE', message: 'later' });
  });
});
