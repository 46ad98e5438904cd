import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileSecretBox, openCache, type Cache } from '../../src-main/cache';
import { ProfilesService } from '../../src-main/profiles';
import { ApiError, ProfileInput, type ProfileInputDraft } from '../../src-shared/api';
import { tempDir } from '../support/temp';

const caches: Cache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});

function service(
  dir = tempDir(),
  keyFile = join(dir, 'secrets.key'),
): { profiles: ProfilesService; cache: Cache; dir: string } {
  const { cache } = openCache({
    file: join(dir, 'cache.sqlite'),
    secretBox: new KeyFileSecretBox(keyFile),
  });
  caches.push(cache);
  return { profiles: new ProfilesService(cache), cache, dir };
}

/** What the router hands the service: the draft parsed by the contract, defaults applied. */
const input = (draft: ProfileInputDraft): ProfileInput => ProfileInput.parse(draft);

const PASSWORD = 'Tr0ub4dor&3-secret';
const SECURITY_TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx';

function passwordProfile(
  extra: Partial<{ id: string; name: string; password: string; securityToken: string }> = {},
) {
  return input({
    kind: 'salesforce',
    ...(extra.id ? { id: extra.id } : {}),
    name: extra.name ?? 'Dev org',
    auth: {
      method: 'password',
      username: 'dev@example.com',
      ...('password' in extra ? { password: extra.password } : {}),
      ...('securityToken' in extra ? { securityToken: extra.securityToken } : {}),
    },
  });
}

function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('ProfilesService', () => {
  it('saves a profile and never returns its secrets, only their names', () => {
    const { profiles } = service();
    const saved = profiles.save(
      passwordProfile({ password: PASSWORD, securityToken: SECURITY_TOKEN }),
    );
    expect(saved).toMatchObject({
      kind: 'salesforce',
      name: 'Dev org',
      apiVersion: '62.0',
      auth: {
        method: 'password',
        loginUrl: 'https://login.salesforce.com',
        username: 'dev@example.com',
      },
      savedSecrets: ['password', 'securityToken'],
      secretsReadable: true,
    });
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(saved.kind === 'salesforce' ? saved.auth : {})).toEqual([
      'method',
      'loginUrl',
      'username',
    ]);

    const listed = profiles.list();
    expect(listed).toEqual([saved]);
    for (const shown of [
      JSON.stringify(saved),
      JSON.stringify(listed),
      JSON.stringify(profiles.get(saved.id)),
    ]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain(SECURITY_TOKEN);
    }
    // The secrets are still there for the services that connect.
    expect(profiles.salesforceTarget(saved.id)).toEqual({
      method: 'password',
      loginUrl: 'https://login.salesforce.com',
      username: 'dev@example.com',
      password: PASSWORD,
      securityToken: SECURITY_TOKEN,
      apiVersion: '62.0',
    });
  });

  it('keeps saved secrets when the profile is saved again without them', () => {
    const { profiles } = service();
    const first = profiles.save(
      passwordProfile({ password: PASSWORD, securityToken: SECURITY_TOKEN }),
    );
    const again = profiles.save(passwordProfile({ id: first.id, name: 'Dev org (renamed)' }));
    expect(again.id).toBe(first.id);
    expect(again.name).toBe('Dev org (renamed)');
    expect(again.savedSecrets).toEqual(['password', 'securityToken']);
    expect(profiles.salesforceTarget(first.id)).toMatchObject({
      password: PASSWORD,
      securityToken: SECURITY_TOKEN,
    });
    expect(profiles.list()).toHaveLength(1);
  });

  it('replaces a secret given again, and clears one given as an empty string', () => {
    const { profiles } = service();
    const first = profiles.save(
      passwordProfile({ password: PASSWORD, securityToken: SECURITY_TOKEN }),
    );
    profiles.save(passwordProfile({ id: first.id, password: 'new-password' }));
    expect(profiles.salesforceTarget(first.id)).toMatchObject({
      password: 'new-password',
      securityToken: SECURITY_TOKEN,
    });

    const cleared = profiles.save(passwordProfile({ id: first.id, securityToken: '' }));
    expect(cleared.savedSecrets).toEqual(['password']);
    expect(profiles.salesforceTarget(first.id)).not.toHaveProperty('securityToken');

    const none = profiles.save(passwordProfile({ id: first.id, password: '' }));
    expect(none.savedSecrets).toEqual([]);
    const error = apiErrorOf(() => profiles.salesforceTarget(first.id));
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toBe('Profile "Dev org" has no password. Enter it and try again.');
  });

  it('splits the password out of a Postgres URL and puts it back for connecting', () => {
    const { profiles, cache } = service();
    const url = 'postgres://app_user:p%40ss%2Fw0rd@db.example.com:6543/app_db?sslmode=require';
    const saved = profiles.save(
      input({ kind: 'postgres', name: 'Heroku', connection: { method: 'url', url } }),
    );
    expect(saved).toMatchObject({
      kind: 'postgres',
      schema: 'salesforce',
      connection: {
        method: 'url',
        url: 'postgres://app_user@db.example.com:6543/app_db?sslmode=require',
      },
      savedSecrets: ['password'],
    });
    expect(JSON.stringify(profiles.list())).not.toContain('p%40ss');
    expect(cache.profiles.readSecrets(saved.id)).toEqual({ password: 'p%40ss%2Fw0rd' });

    const target = profiles.postgresTarget(saved.id);
    expect(target).toEqual({ method: 'url', url, schema: 'salesforce' });
    expect(decodeURIComponent(new URL(target.method === 'url' ? target.url : '').password)).toBe(
      'p@ss/w0rd',
    );

    // A URL typed again without its password keeps the saved one…
    profiles.save(
      input({
        kind: 'postgres',
        id: saved.id,
        name: 'Heroku',
        schema: 'sync',
        connection: { method: 'url', url: 'postgres://app_user@db.example.com:6543/app_db' },
      }),
    );
    expect(profiles.postgresTarget(saved.id)).toEqual({
      method: 'url',
      url: 'postgres://app_user:p%40ss%2Fw0rd@db.example.com:6543/app_db',
      schema: 'sync',
    });
    // …and one with a password replaces it.
    profiles.save(
      input({
        kind: 'postgres',
        id: saved.id,
        name: 'Heroku',
        connection: { method: 'url', url: 'postgres://app_user:other@db.example.com:6543/app_db' },
      }),
    );
    expect(profiles.postgresTarget(saved.id)).toMatchObject({
      url: 'postgres://app_user:other@db.example.com:6543/app_db',
    });
  });

  it('answers CONFLICT for a name another profile has (any case)', () => {
    const { profiles } = service();
    profiles.save(passwordProfile({ name: 'Production' }));
    const other = profiles.save(
      input({ kind: 'postgres', name: 'Warehouse', connection: { method: 'embedded' } }),
    );
    const error = apiErrorOf(() =>
      profiles.save(
        input({ kind: 'postgres', name: '  production ', connection: { method: 'embedded' } }),
      ),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('A profile named "production" already exists');
    expect(error.details).toEqual({ field: 'name', value: 'production' });
    // Renaming onto another profile's name is a conflict too; keeping one's own name is not.
    expect(
      apiErrorOf(() =>
        profiles.save(
          input({
            kind: 'postgres',
            id: other.id,
            name: 'PRODUCTION',
            connection: { method: 'embedded' },
          }),
        ),
      ).code,
    ).toBe('CONFLICT');
    expect(
      profiles.save(
        input({
          kind: 'postgres',
          id: other.id,
          name: 'warehouse',
          connection: { method: 'embedded' },
        }),
      ).name,
    ).toBe('warehouse');
  });

  it('answers NOT_FOUND for an unknown id, naming it', async () => {
    const { profiles } = service();
    for (const call of [
      () => profiles.get('nope'),
      () => profiles.save(passwordProfile({ id: 'nope' })),
      () => profiles.salesforceTarget('nope'),
      () => profiles.postgresTarget('nope'),
    ]) {
      const error = apiErrorOf(call);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('No profile with id nope');
      expect(error.details).toEqual({ field: 'id', value: 'nope' });
    }
    await expect(profiles.test({ id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(profiles.list()).toEqual([]);
    expect(profiles.remove('nope')).toBe(false);
  });

  it('drops the old secrets when the sign-in method changes', () => {
    const { profiles, cache } = service();
    const first = profiles.save(
      passwordProfile({ password: PASSWORD, securityToken: SECURITY_TOKEN }),
    );
    const token = profiles.save(
      input({
        kind: 'salesforce',
        id: first.id,
        name: 'Dev org',
        auth: {
          method: 'token',
          instanceUrl: 'https://dev.my.salesforce.com',
          accessToken: '00D!token',
        },
      }),
    );
    expect(token.savedSecrets).toEqual(['accessToken']);
    expect(token).toMatchObject({
      auth: { method: 'token', instanceUrl: 'https://dev.my.salesforce.com' },
    });
    expect(cache.profiles.readSecrets(first.id)).toEqual({ accessToken: '00D!token' });
    expect(profiles.salesforceTarget(first.id)).toEqual({
      method: 'token',
      instanceUrl: 'https://dev.my.salesforce.com',
      accessToken: '00D!token',
      apiVersion: '62.0',
    });

    // And back: the token does not linger next to a password profile.
    const back = profiles.save(passwordProfile({ id: first.id }));
    expect(back.savedSecrets).toEqual([]);
    expect(cache.profiles.readSecrets(first.id)).toEqual({});

    const db = profiles.save(
      input({
        kind: 'postgres',
        name: 'Db',
        connection: { method: 'url', url: 'postgres://u:pw@h/d' },
      }),
    );
    const embedded = profiles.save(
      input({ kind: 'postgres', id: db.id, name: 'Db', connection: { method: 'embedded' } }),
    );
    expect(embedded.savedSecrets).toEqual([]);
    expect(profiles.postgresTarget(db.id)).toEqual({ method: 'embedded', schema: 'salesforce' });
  });

  it('refuses to use a profile of the other kind', () => {
    const { profiles } = service();
    const org = profiles.save(passwordProfile({ password: 'x' }));
    const db = profiles.save(
      input({ kind: 'postgres', name: 'Db', connection: { method: 'embedded' } }),
    );
    expect(apiErrorOf(() => profiles.postgresTarget(org.id)).message).toBe(
      'Profile "Dev org" is a Salesforce profile, not a database.',
    );
    expect(apiErrorOf(() => profiles.salesforceTarget(db.id)).message).toBe(
      'Profile "Db" is a Postgres profile, not an org.',
    );
  });

  it('finds a profile by id or by name, ignoring case', () => {
    const { profiles } = service();
    const saved = profiles.save(passwordProfile({ name: 'My Sandbox' }));
    expect(profiles.find(saved.id)?.id).toBe(saved.id);
    expect(profiles.find('my sandbox')?.id).toBe(saved.id);
    expect(profiles.find('other')).toBeNull();
  });

  it('flags secrets sealed with a lost key, and lets the user enter them again', () => {
    const dir = tempDir();
    const before = service(dir);
    const saved = before.profiles.save(passwordProfile({ password: PASSWORD }));
    before.cache.close();

    const after = service(dir, join(tempDir(), 'replacement.key'));
    expect(after.profiles.get(saved.id)).toMatchObject({
      savedSecrets: ['password'],
      secretsReadable: false,
    });
    const error = apiErrorOf(() => after.profiles.salesforceTarget(saved.id));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('The saved secrets of profile "Dev org" cannot be read');
    expect(error.message).toContain('enter its password or token again');

    const fixed = after.profiles.save(passwordProfile({ id: saved.id, password: 'entered again' }));
    expect(fixed).toMatchObject({ savedSecrets: ['password'], secretsReadable: true });
    expect(after.profiles.salesforceTarget(saved.id)).toMatchObject({ password: 'entered again' });
  });

  it('names a missing secret instead of trying to connect', async () => {
    const { profiles } = service();
    const saved = profiles.save(
      input({
        kind: 'salesforce',
        name: 'Token org',
        auth: { method: 'token', instanceUrl: 'https://x.my.salesforce.com' },
      }),
    );
    // No token saved and none given: the test names what is missing instead of trying.
    await expect(profiles.test({ id: saved.id })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
      message: 'Profile "Token org" has no access token. Enter it and try again.',
    });
  });

  it('keeps a saved secret only for the host and user it was saved for', async () => {
    const { profiles, cache } = service();
    const org = (
      extra: Partial<{ loginUrl: string; username: string; password: string }> = {},
      id?: string,
    ) =>
      input({
        kind: 'salesforce',
        ...(id ? { id } : {}),
        name: 'Moving org',
        auth: {
          method: 'password',
          loginUrl: extra.loginUrl ?? 'https://login.salesforce.com',
          username: extra.username ?? 'dev@example.com',
          ...(extra.password ? { password: extra.password } : {}),
        },
      });
    const saved = profiles.save(org({ password: PASSWORD }));
    // The same host written with a path, and the username in another case: still the same.
    profiles.save(
      org({ loginUrl: 'https://login.salesforce.com/', username: 'DEV@example.com' }, saved.id),
    );
    expect(cache.profiles.readSecrets(saved.id)).toEqual({ password: PASSWORD });

    // A Test of the form pointed elsewhere does not send the saved password there…
    await expect(
      profiles.test({ id: saved.id, profile: org({ loginUrl: 'https://evil.example.com' }) }),
    ).rejects.toMatchObject({
      code: 'BAD_PARAMS',
      message: expect.stringContaining('no password'),
    });
    // …nor does saving it: another login host, or another user, starts without secrets.
    const moved = profiles.save(org({ loginUrl: 'https://test.salesforce.com' }, saved.id));
    expect(moved.savedSecrets).toEqual([]);
    profiles.save(org({ password: PASSWORD }, saved.id));
    expect(profiles.save(org({ username: 'other@example.com' }, saved.id)).savedSecrets).toEqual(
      [],
    );

    const token = (instanceUrl: string, accessToken?: string, id?: string) =>
      input({
        kind: 'salesforce',
        ...(id ? { id } : {}),
        name: 'Token org',
        auth: { method: 'token', instanceUrl, ...(accessToken ? { accessToken } : {}) },
      });
    const tokenOrg = profiles.save(token('https://a.my.salesforce.com', '00D!secret'));
    expect(
      profiles.save(token('https://a.my.salesforce.com', undefined, tokenOrg.id)).savedSecrets,
    ).toEqual(['accessToken']);
    expect(
      profiles.save(token('https://b.my.salesforce.com', undefined, tokenOrg.id)).savedSecrets,
    ).toEqual([]);

    const db = (url: string, id?: string) =>
      input({
        kind: 'postgres',
        ...(id ? { id } : {}),
        name: 'Db',
        connection: { method: 'url', url },
      });
    const database = profiles.save(db('postgres://app:pw@db.example.com/one'));
    // Another database on the same server, as the same user: the password still applies.
    profiles.save(db('postgres://app@db.example.com:5432/two', database.id));
    expect(cache.profiles.readSecrets(database.id)).toEqual({ password: 'pw' });
    for (const elsewhere of [
      'postgres://app@other.example.com/two',
      'postgres://app@db.example.com:6543/two',
      'postgres://admin@db.example.com/two',
    ]) {
      profiles.save(db('postgres://app:pw@db.example.com/one', database.id));
      expect(profiles.save(db(elsewhere, database.id)).savedSecrets, elsewhere).toEqual([]);
    }
  });
});
