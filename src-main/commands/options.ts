import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  API_VERSION_PATTERN,
  DEFAULT_API_VERSION,
  DEFAULT_LOGIN_URL,
  HTTP_URL_PATTERN,
  POSTGRES_URL_PATTERN,
} from '../../src-shared/api';
import { UsageError } from './errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type ParsedValues = Record<string, string | boolean | undefined>;

/**
 * Options every command that talks to an org shares. An org is named by an instance URL and
 * access token, by login URL, username and password, by a saved profile, or (offline) by a
 * folder of describe files.
 */
export const orgOptions = {
  'instance-url': { type: 'string' },
  'access-token': { type: 'string' },
  'login-url': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  org: { type: 'string' },
  describe: { type: 'string' },
  'api-version': { type: 'string' },
} as const satisfies OptionSpec;

export const dbOptions = {
  db: { type: 'string' },
} as const satisfies OptionSpec;

export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'user-data': { type: 'string' },
} as const satisfies OptionSpec;

export const ORG_OPTIONS_HELP = `Org options (one way to name an org):
  --instance-url URL --access-token TOKEN   a session you already have
  --login-url URL --username U --password P sign in (password + security token)
  --org NAME                                a saved connection profile
  --describe DIR                            offline: <Object>.json describe files
  --api-version 62.0                        Salesforce API version
  Fallbacks: SF_INSTANCE_URL, SF_ACCESS_TOKEN, SF_LOGIN_URL, SF_USERNAME, SF_PASSWORD`;

export const DB_OPTIONS_HELP = `Database options:
  --db URL                                  postgres://user:pass@host:5432/db (default: DATABASE_URL)`;

export function parseCommandLine(
  args: string[],
  options: OptionSpec,
  command: string,
): { values: ParsedValues; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--prot'"; add where to look.
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify.*$/s, '')} (see: connect-studio ${command} --help)`,
    );
  }
}

export type OrgSelection =
  | { kind: 'token'; instanceUrl: string; accessToken: string; apiVersion: string }
  | {
      kind: 'password';
      loginUrl: string;
      username: string;
      password: string;
      apiVersion: string;
    }
  | { kind: 'profile'; name: string }
  | { kind: 'describe'; dir: string };

/** Reads the org options, falling back to the SF_* variables. Null when nothing names an org. */
export function resolveOrgSelection(
  values: ParsedValues,
  env: NodeJS.ProcessEnv = process.env,
): OrgSelection | null {
  const flag = (name: string) => {
    const v = values[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const apiVersion = flag('api-version') ?? DEFAULT_API_VERSION;
  if (!API_VERSION_PATTERN.test(apiVersion)) {
    throw new UsageError(`--api-version ${apiVersion} is not a version; use the form 62.0`);
  }
  const ways = [
    flag('instance-url') || flag('access-token') ? '--instance-url/--access-token' : null,
    flag('login-url') || flag('username') || flag('password')
      ? '--login-url/--username/--password'
      : null,
    flag('org') ? '--org' : null,
    flag('describe') ? '--describe' : null,
  ].filter((w): w is string => w !== null);
  if (ways.length > 1) {
    throw new UsageError(`Name the org one way only; got ${ways.join(' and ')}`);
  }

  if (flag('org')) return { kind: 'profile', name: flag('org')! };
  if (flag('describe')) return { kind: 'describe', dir: flag('describe')! };
  if (ways.length === 1) return fromFlags(flag, apiVersion);

  // Nothing on the command line: the environment may name one.
  const fromEnv = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  if (fromEnv('SF_INSTANCE_URL') || fromEnv('SF_ACCESS_TOKEN')) {
    return {
      kind: 'token',
      instanceUrl: checkUrl(
        need(fromEnv('SF_INSTANCE_URL'), 'SF_INSTANCE_URL (the instance URL)'),
        'SF_INSTANCE_URL',
      ),
      accessToken: need(fromEnv('SF_ACCESS_TOKEN'), 'SF_ACCESS_TOKEN (the access token)'),
      apiVersion,
    };
  }
  if (fromEnv('SF_USERNAME') || fromEnv('SF_PASSWORD')) {
    return {
      kind: 'password',
      loginUrl: checkUrl(fromEnv('SF_LOGIN_URL') ?? DEFAULT_LOGIN_URL, 'SF_LOGIN_URL'),
      username: need(fromEnv('SF_USERNAME'), 'SF_USERNAME'),
      password: need(fromEnv('SF_PASSWORD'), 'SF_PASSWORD'),
      apiVersion,
    };
  }
  return null;
}

function fromFlags(flag: (name: string) => string | undefined, apiVersion: string): OrgSelection {
  if (flag('instance-url') || flag('access-token')) {
    return {
      kind: 'token',
      instanceUrl: checkUrl(need(flag('instance-url'), '--instance-url URL'), '--instance-url'),
      accessToken: need(flag('access-token'), '--access-token TOKEN'),
      apiVersion,
    };
  }
  return {
    kind: 'password',
    loginUrl: checkUrl(flag('login-url') ?? DEFAULT_LOGIN_URL, '--login-url'),
    username: need(flag('username'), '--username U'),
    password: need(flag('password'), '--password P'),
    apiVersion,
  };
}

/** The database URL from --db, falling back to DATABASE_URL. Null when neither is set. */
export function resolveDbUrl(
  values: ParsedValues,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const given =
    typeof values.db === 'string' && values.db.trim() !== '' ? values.db.trim() : undefined;
  const url = given ?? (env.DATABASE_URL?.trim() || undefined);
  if (url === undefined) return null;
  if (!POSTGRES_URL_PATTERN.test(url)) {
    throw new UsageError(
      `${given ? '--db' : 'DATABASE_URL'} must be a postgres:// URL, e.g. postgres://user:pass@localhost:5432/app`,
    );
  }
  return url;
}

export function parsePort(
  value: string | boolean | undefined,
  option = '--port',
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new UsageError(
      `${option} ${text} is not a port; use a number from 0 (any free port) to 65535`,
    );
  }
  return Number(text);
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new UsageError(`Missing ${what}`);
  return value;
}

function checkUrl(value: string, option: string): string {
  if (!HTTP_URL_PATTERN.test(value)) {
    throw new UsageError(`${option} ${value} is not a URL; use e.g. https://login.salesforce.com`);
  }
  return value.replace(/\/+$/, '');
}
