import { describe, expect, it } from 'vitest';
import {
  UsageError,
  commonOptions,
  dbOptions,
  orgOptions,
  parseCommandLine,
  parsePort,
  resolveDbUrl,
  resolveOrgSelection,
  type ParsedValues,
} from '../../src-main/commands';

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

/** Parses like `org test` does, so the tests read as command lines. */
function orgFlags(...args: string[]): ParsedValues {
  return parseCommandLine(args, { ...commonOptions, ...orgOptions }, 'org test').values;
}

describe('resolveOrgSelection: command-line flags', () => {
  it('reads an instance URL and access token, trimming trailing slashes', () => {
    expect(
      resolveOrgSelection(
        orgFlags('--instance-url', 'https://acme.my.salesforce.com/', '--access-token', '00D!abc'),
        {},
      ),
    ).toEqual({
      kind: 'token',
      instanceUrl: 'https://acme.my.salesforce.com',
      accessToken: '00D!abc',
      apiVersion: '62.0',
    });
  });

  it('reads username and password, defaulting the login URL', () => {
    expect(
      resolveOrgSelection(orgFlags('--username', 'me@acme.com', '--password', 'pw'), {}),
    ).toEqual({
      kind: 'password',
      loginUrl: 'https://login.salesforce.com',
      username: 'me@acme.com',
      password: 'pw',
      apiVersion: '62.0',
    });
    expect(
      resolveOrgSelection(
        orgFlags(
          '--login-url',
          'https://test.salesforce.com',
          '--username',
          'me@acme.com.dev',
          '--password',
          'pw',
          '--api-version',
          '61.0',
        ),
        {},
      ),
    ).toMatchObject({
      kind: 'password',
      loginUrl: 'https://test.salesforce.com',
      apiVersion: '61.0',
    });
  });

  it('reads a profile name and a describe folder', () => {
    expect(resolveOrgSelection(orgFlags('--org', ' My Sandbox '), {})).toEqual({
      kind: 'profile',
      name: 'My Sandbox',
    });
    expect(resolveOrgSelection(orgFlags('--describe', './describes'), {})).toEqual({
      kind: 'describe',
      dir: './describes',
    });
  });

  it('answers null when nothing names an org (blank values count as nothing)', () => {
    expect(resolveOrgSelection(orgFlags(), {})).toBeNull();
    expect(resolveOrgSelection(orgFlags('--org', '   '), { SF_USERNAME: '  ' })).toBeNull();
  });

  it('refuses two ways at once, naming both', () => {
    expect(
      usageErrorOf(() =>
        resolveOrgSelection(
          orgFlags('--org', 'dev', '--instance-url', 'https://x.my.salesforce.com'),
          {},
        ),
      ).message,
    ).toBe('Name the org one way only; got --instance-url/--access-token and --org');
    expect(
      usageErrorOf(() => resolveOrgSelection(orgFlags('--username', 'u', '--describe', 'dir'), {}))
        .message,
    ).toBe('Name the org one way only; got --login-url/--username/--password and --describe');
  });

  it.each([
    [['--instance-url', 'https://x.my.salesforce.com'], 'Missing --access-token TOKEN'],
    [['--access-token', 'tok'], 'Missing --instance-url URL'],
    [['--username', 'u'], 'Missing --password P'],
    [['--password', 'p'], 'Missing --username U'],
    [['--login-url', 'https://test.salesforce.com'], 'Missing --username U'],
  ])('names the missing part: %j', (args, message) => {
    expect(usageErrorOf(() => resolveOrgSelection(orgFlags(...args), {})).message).toBe(message);
  });

  it('refuses URLs and API versions that are not', () => {
    expect(
      usageErrorOf(() =>
        resolveOrgSelection(
          orgFlags('--instance-url', 'acme.my.salesforce.com', '--access-token', 't'),
          {},
        ),
      ).message,
    ).toBe(
      '--instance-url acme.my.salesforce.com is not a URL; use e.g. https://login.salesforce.com',
    );
    expect(
      usageErrorOf(() =>
        resolveOrgSelection(
          orgFlags('--login-url', 'login', '--username', 'u', '--password', 'p'),
          {},
        ),
      ).message,
    ).toContain('--login-url login is not a URL');
    expect(
      usageErrorOf(() => resolveOrgSelection(orgFlags('--org', 'x', '--api-version', 'v62'), {}))
        .message,
    ).toBe('--api-version v62 is not a version; use the form 62.0');
  });
});

describe('resolveOrgSelection: SF_* environment fallbacks', () => {
  it('reads SF_INSTANCE_URL and SF_ACCESS_TOKEN', () => {
    expect(
      resolveOrgSelection(orgFlags(), {
        SF_INSTANCE_URL: 'https://acme.my.salesforce.com/',
        SF_ACCESS_TOKEN: ' tok ',
      }),
    ).toEqual({
      kind: 'token',
      instanceUrl: 'https://acme.my.salesforce.com',
      accessToken: 'tok',
      apiVersion: '62.0',
    });
  });

  it('reads SF_USERNAME, SF_PASSWORD and SF_LOGIN_URL', () => {
    expect(
      resolveOrgSelection(orgFlags('--api-version', '60.0'), {
        SF_USERNAME: 'me@acme.com',
        SF_PASSWORD: 'pw',
        SF_LOGIN_URL: 'https://test.salesforce.com',
      }),
    ).toEqual({
      kind: 'password',
      loginUrl: 'https://test.salesforce.com',
      username: 'me@acme.com',
      password: 'pw',
      apiVersion: '60.0',
    });
    expect(
      resolveOrgSelection(orgFlags(), { SF_USERNAME: 'me@acme.com', SF_PASSWORD: 'pw' }),
    ).toMatchObject({
      loginUrl: 'https://login.salesforce.com',
    });
  });

  it('prefers the command line over the environment', () => {
    expect(
      resolveOrgSelection(orgFlags('--org', 'dev'), {
        SF_INSTANCE_URL: 'https://x.my.salesforce.com',
        SF_ACCESS_TOKEN: 't',
      }),
    ).toEqual({ kind: 'profile', name: 'dev' });
  });

  it.each([
    [
      { SF_INSTANCE_URL: 'https://x.my.salesforce.com' },
      'Missing SF_ACCESS_TOKEN (the access token)',
    ],
    [{ SF_ACCESS_TOKEN: 't' }, 'Missing SF_INSTANCE_URL (the instance URL)'],
    [{ SF_USERNAME: 'u' }, 'Missing SF_PASSWORD'],
    [{ SF_PASSWORD: 'p' }, 'Missing SF_USERNAME'],
    [
      { SF_USERNAME: 'u', SF_PASSWORD: 'p', SF_LOGIN_URL: 'test.salesforce.com' },
      'SF_LOGIN_URL test.salesforce.com is not a URL; use e.g. https://login.salesforce.com',
    ],
    [
      { SF_INSTANCE_URL: 'acme', SF_ACCESS_TOKEN: 't' },
      'SF_INSTANCE_URL acme is not a URL; use e.g. https://login.salesforce.com',
    ],
  ])('names the variable that is missing or wrong: %j', (env, message) => {
    expect(usageErrorOf(() => resolveOrgSelection(orgFlags(), env)).message).toBe(message);
  });
});

describe('resolveDbUrl', () => {
  const dbFlags = (...args: string[]) =>
    parseCommandLine(args, { ...commonOptions, ...dbOptions }, 'db test').values;

  it('takes --db first, then DATABASE_URL, else null', () => {
    const env = { DATABASE_URL: 'postgres://env@localhost/env' };
    expect(resolveDbUrl(dbFlags('--db', ' postgres://flag@localhost/flag '), env)).toBe(
      'postgres://flag@localhost/flag',
    );
    expect(resolveDbUrl(dbFlags(), env)).toBe('postgres://env@localhost/env');
    expect(resolveDbUrl(dbFlags('--db', 'postgresql://u@h/d'), {})).toBe('postgresql://u@h/d');
    expect(resolveDbUrl(dbFlags(), {})).toBeNull();
    expect(resolveDbUrl(dbFlags('--db', ''), { DATABASE_URL: ' ' })).toBeNull();
  });

  it('refuses a URL that is not postgres://, naming where it came from', () => {
    expect(usageErrorOf(() => resolveDbUrl(dbFlags('--db', 'mysql://u@h/d'), {})).message).toBe(
      '--db must be a postgres:// URL, e.g. postgres://user:pass@localhost:5432/app',
    );
    expect(
      usageErrorOf(() => resolveDbUrl(dbFlags(), { DATABASE_URL: 'localhost:5432' })).message,
    ).toMatch(/^DATABASE_URL must be a postgres:\/\/ URL/);
  });
});

describe('parsePort', () => {
  it('accepts 0 to 65535 and leaves an absent port undefined', () => {
    expect(parsePort(undefined)).toBeUndefined();
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8080')).toBe(8080);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['65536', 'abc', '-1', '80.5', '', ' 80'])('refuses %j, naming the option', (value) => {
    expect(usageErrorOf(() => parsePort(value)).message).toBe(
      `--port ${value} is not a port; use a number from 0 (any free port) to 65535`,
    );
  });

  it('names another option when told to', () => {
    expect(usageErrorOf(() => parsePort('http', '--local-org-port')).message).toContain(
      '--local-org-port http',
    );
  });
});

describe('parseCommandLine', () => {
  it('turns an unknown option into a UsageError pointing at the help', () => {
    const error = usageErrorOf(() => parseCommandLine(['--prot', '80'], commonOptions, 'start'));
    expect(error.message).toContain("'--prot'");
    expect(error.message).toContain('(see: connect-studio start --help)');
    expect(error.message).not.toContain('To specify');
  });

  it('refuses a string option without its value', () => {
    expect(usageErrorOf(() => parseCommandLine(['--db'], dbOptions, 'db test')).message).toContain(
      '--db',
    );
  });
});
