import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileSecretBox, openCache, type Cache } from '../../src-main/cache';
import { ProfilesService, parseSfdxAuthUrl } from '../../src-main/profiles';
import { ApiError, ProfileInput, type ProfileInputDraft } from '../../src-shared/api';
import { tempDir } from '../support/temp';

const caches: Cache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});

function service(): ProfilesService {
  const dir = tempDir();
  const { cache } = openCache({
    file: join(dir, 'cache.sqlite'),
    secretBox: new KeyFileSecretBox(join(dir, 'secrets.key')),
  });
  caches.push(cache);
  return new ProfilesService(cache);
}

const input = (draft: ProfileInputDraft): ProfileInput => ProfileInput.parse(draft);

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('parseSfdxAuthUrl', () => {
  it('splits the parts; an empty client secret is allowed', () => {
    expect(
      parseSfdxAuthUrl('force://PlatformCLI::5Aep861abc.def==@acme.my.salesforce.com'),
    ).toEqual({
      clientId: 'PlatformCLI',
      clientSecret: '',
      refreshToken: '5Aep861abc.def==',
      instanceUrl: 'https://acme.my.salesforce.com',
    });
    expect(parseSfdxAuthUrl('  force://id:sec:tok@https://acme.my.salesforce.com/  ')).toEqual({
      clientId: 'id',
      clientSecret: 'sec',
      refreshToken: 'tok',
      instanceUrl: 'https://acme.my.salesforce.com',
    });
  });

  it('takes a bare loopback host as http (a local org), any other bare host as https', () => {
    expect(parseSfdxAuthUrl('force://a::t@127.0.0.1:4000').instanceUrl).toBe(
      'http://127.0.0.1:4000',
    );
    expect(parseSfdxAuthUrl('force://a::t@localhost:4000').instanceUrl).toBe(
      'http://localhost:4000',
    );
    expect(parseSfdxAuthUrl('force://a::t@test.salesforce.com').instanceUrl).toBe(
      'https://test.salesforce.com',
    );
  });

  it('names the wrong part in BAD_PARAMS with a problem on auth.authUrl', () => {
    const error = errorOf(() => parseSfdxAuthUrl('force://a:b@host'));
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toMatch(/^The SFDX auth URL has 2 parts before the "@"/);
    expect(error.details).toMatchObject({
      field: 'authUrl',
      problems: [{ path: 'auth.authUrl', message: expect.stringContaining('2 parts') }],
    });
    expect(errorOf(() => parseSfdxAuthUrl('')).message).toMatch(/is empty/);
  });
});

describe('ProfilesService with the new sign-in methods', () => {
  it('keeps an SFDX URL as its one secret and shows its instance', () => {
    const profiles = service();
    const saved = profiles.save(
      input({
        kind: 'salesforce',
        name: 'Scratch',
        auth: { method: 'sfdx', authUrl: 'force://PlatformCLI::tok@acme.my.salesforce.com' },
      }),
    );
    expect(saved).toMatchObject({
      auth: { method: 'sfdx', instanceUrl: 'https://acme.my.salesforce.com' },
      savedSecrets: ['authUrl'],
    });
    expect(profiles.salesforceTarget(saved.id)).toEqual({
      method: 'refreshToken',
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: 'PlatformCLI',
      refreshToken: 'tok',
      instanceUrl: 'https://acme.my.salesforce.com',
      apiVersion: '62.0',
    });
  });

  it('saves an OAuth profile unsigned, then keeps what the sign-in brought', () => {
    const profiles = service();
    const draft = (clientId: string, id?: string): ProfileInput =>
      input({
        kind: 'salesforce',
        ...(id ? { id } : {}),
        name: 'Browser',
        auth: { method: 'oauth', clientId },
      });
    const saved = profiles.save(draft('app-1'));
    expect(saved).toMatchObject({
      savedSecrets: [],
      auth: {
        method: 'oauth',
        loginUrl: 'https://login.salesforce.com',
        clientId: 'app-1',
        instanceUrl: null,
        username: null,
      },
    });
    expect(errorOf(() => profiles.salesforceTarget(saved.id)).code).toBe('CONNECT_FAILED');

    const signedIn = profiles.completeOAuth(saved.id, {
      refreshToken: 'rt-1',
      instanceUrl: 'https://acme.my.salesforce.com',
      username: 'dev@acme.com',
    });
    expect(signedIn).toMatchObject({
      auth: { instanceUrl: 'https://acme.my.salesforce.com', username: 'dev@acme.com' },
      savedSecrets: ['refreshToken'],
    });
    // Saving the same client again (a rename) keeps the sign-in; another client drops it.
    expect(profiles.save(draft('app-1', saved.id))).toMatchObject({
      savedSecrets: ['refreshToken'],
      auth: { username: 'dev@acme.com' },
    });
    expect(profiles.save(draft('app-2', saved.id))).toMatchObject({
      savedSecrets: [],
      auth: { instanceUrl: null, username: null },
    });
  });

  it('tests a local profile as not startable when no studio runs the local services', async () => {
    const profiles = service();
    const local = profiles.save(
      input({ kind: 'salesforce', name: 'Local', auth: { method: 'local' } }),
    );
    expect(await profiles.test({ id: local.id })).toMatchObject({
      ok: false,
      message: expect.stringContaining('cannot start it'),
    });
    expect(errorOf(() => profiles.salesforceTarget(local.id)).code).toBe('NOT_AVAILABLE');
    expect(profiles.freeName('Local')).toBe('Local (2)');
    expect(profiles.freeName('Other')).toBe('Other');
  });
});
