import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type ConnectionTestResult,
  type ProfileInput,
  type ProfileSummary,
} from '../../src-shared/api';
import { SecretUnreadableError, type Cache, type StoredProfile } from '../cache';
import { testEmbeddedPostgres, testPostgresConnection } from '../postgres';
import { testSalesforceConnection, type SalesforceTarget } from '../salesforce';
import { parseSfdxAuthUrl } from './sfdx-auth-url';

type SalesforceConfig = Omit<Extract<ProfileSummary, { kind: 'salesforce' }>, SummaryOnly>;
type PostgresConfig = Omit<Extract<ProfileSummary, { kind: 'postgres' }>, SummaryOnly>;
type SummaryOnly =
  'id' | 'name' | 'kind' | 'savedSecrets' | 'secretsReadable' | 'createdAt' | 'updatedAt';

/** A Postgres target as the services use it: a full URL (password included) or the embedded server. */
export type PostgresTarget =
  { method: 'url'; url: string; schema: string } | { method: 'embedded'; schema: string };

/**
 * The services the studio runs itself (the local org, embedded Postgres), so a profile of
 * theirs can be tested; the connections room provides them.
 */
export interface LocalServices {
  /** The running local org's sign-in (the org starts when it is not running yet). */
  localOrgTarget(apiVersion: string): Promise<SalesforceTarget>;
  /** The embedded server's full URL while it runs; null when it is not started. */
  runningEmbeddedPostgresUrl(): string | null;
}

/** What the OAuth browser sign-in brings back for a profile. */
export interface OAuthSignInResult {
  refreshToken: string;
  instanceUrl: string;
  username: string | null;
}

/**
 * Connection profiles: split into what may be shown (kept as JSON) and what must not (kept
 * encrypted), merged back only inside the main process when a connection is made.
 */
export class ProfilesService {
  private localServices: LocalServices | undefined;

  constructor(private readonly cache: Cache) {}

  /** Lets profiles.test reach the local org and embedded Postgres the studio runs. */
  setLocalServices(services: LocalServices): void {
    this.localServices = services;
  }

  list(): ProfileSummary[] {
    return this.cache.profiles.list().map((p) => this.summarize(p));
  }

  get(id: string): ProfileSummary {
    return this.summarize(this.stored(id));
  }

  /** Finds a profile by id or by name (case-insensitive), as the CLI's `--org NAME` does. */
  find(idOrName: string): ProfileSummary | null {
    const stored = this.cache.profiles.get(idOrName) ?? this.cache.profiles.findByName(idOrName);
    return stored ? this.summarize(stored) : null;
  }

  save(input: ProfileInput): ProfileSummary {
    const existing = input.id ? this.stored(input.id) : null;
    const clash = this.cache.profiles.findByName(input.name);
    if (clash && clash.id !== existing?.id) {
      throw new ApiError(
        'CONFLICT',
        `A profile named "${input.name}" already exists. Choose another name, or edit that profile.`,
        { field: 'name', value: input.name },
      );
    }
    const previousSecrets = existing ? this.readSecretsOrEmpty(existing.id) : {};
    const { config, secrets } = splitSecrets(input, previousSecrets, existing?.config);
    const stored = this.cache.profiles.put({
      id: existing?.id ?? randomUUID(),
      kind: input.kind,
      name: input.name,
      config,
      secrets,
    });
    return this.summarize(stored);
  }

  remove(id: string): boolean {
    return this.cache.profiles.remove(id);
  }

  /** Tries a saved profile, or an unsaved form that may lean on a saved profile's secrets. */
  async test(params: { id?: string; profile?: ProfileInput }): Promise<ConnectionTestResult> {
    const base = params.id ? this.stored(params.id) : null;
    const saved = base ? this.readSecretsOrEmpty(base.id) : {};
    const input = params.profile ?? this.toInput(base!);
    const { config, secrets } = splitSecrets(input, saved, base?.config);
    if (input.kind === 'salesforce') {
      const sfConfig = config as SalesforceConfig;
      if (sfConfig.auth.method === 'local') return this.testLocalOrg(sfConfig.apiVersion);
      if (
        sfConfig.auth.method === 'oauth' &&
        !(secrets.refreshToken && sfConfig.auth.instanceUrl)
      ) {
        return {
          ok: false,
          message: 'This profile has not signed in yet.',
          hint: 'Use "Sign in with Salesforce" and finish the sign-in in the browser.',
          durationMs: 0,
          details: {},
        };
      }
      return testSalesforceConnection(salesforceTarget(sfConfig, secrets, input.name));
    }
    const target = postgresTarget(config as PostgresConfig, secrets);
    if (target.method === 'url') return testPostgresConnection(target.url, target.schema);
    // Running: a real round trip. Not started: whether it could start here at all.
    const running = this.localServices?.runningEmbeddedPostgresUrl();
    if (!running) return testEmbeddedPostgres();
    const result = await testPostgresConnection(running, target.schema);
    if (!result.ok) return result;
    const { serverVersion, user, database } = result.details;
    return {
      ...result,
      message: `Embedded PostgreSQL ${serverVersion} is running; connected as ${user}, database ${database}.`,
    };
  }

  /** Keeps what the OAuth browser sign-in brought back: the refresh token (a secret), who, where. */
  completeOAuth(id: string, result: OAuthSignInResult): ProfileSummary {
    const stored = this.stored(id);
    const config = stored.config as SalesforceConfig;
    if (stored.kind !== 'salesforce' || config.auth.method !== 'oauth') {
      throw new ApiError(
        'BAD_PARAMS',
        `Profile "${stored.name}" does not sign in with OAuth in the browser.`,
      );
    }
    const secrets = { ...this.readSecretsOrEmpty(id), refreshToken: result.refreshToken };
    const saved = this.cache.profiles.put({
      id,
      kind: 'salesforce',
      name: stored.name,
      config: {
        ...config,
        auth: { ...config.auth, instanceUrl: result.instanceUrl, username: result.username },
      },
      secrets,
    });
    return this.summarize(saved);
  }

  /** A name no other profile has: `base`, else `base (2)`, `base (3)` … */
  freeName(base: string): string {
    if (!this.cache.profiles.findByName(base)) return base;
    for (let n = 2; ; n++) {
      const candidate = `${base} (${n})`;
      if (!this.cache.profiles.findByName(candidate)) return candidate;
    }
  }

  private async testLocalOrg(apiVersion: string): Promise<ConnectionTestResult> {
    if (!this.localServices) {
      return {
        ok: false,
        message: 'The local demo org runs inside the studio, and this host cannot start it.',
        hint: 'Open the studio (connect-studio start) and use "Use the local demo org".',
        durationMs: 0,
        details: {},
      };
    }
    const started = performance.now();
    let target: SalesforceTarget;
    try {
      target = await this.localServices.localOrgTarget(apiVersion);
    } catch (error) {
      return {
        ok: false,
        message: `The local demo org did not start: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'Check that the studio can write to its data folder, then try again.',
        durationMs: Math.round(performance.now() - started),
        details: {},
      };
    }
    return testSalesforceConnection(target);
  }

  /** The org a saved profile names, secrets included, for the services that connect. */
  salesforceTarget(id: string): SalesforceTarget {
    const stored = this.stored(id);
    if (stored.kind !== 'salesforce') {
      throw new ApiError(
        'BAD_PARAMS',
        `Profile "${stored.name}" is a Postgres profile, not an org.`,
      );
    }
    return salesforceTarget(
      stored.config as SalesforceConfig,
      this.readSecrets(stored),
      stored.name,
    );
  }

  postgresTarget(id: string): PostgresTarget {
    const stored = this.stored(id);
    if (stored.kind !== 'postgres') {
      throw new ApiError(
        'BAD_PARAMS',
        `Profile "${stored.name}" is a Salesforce profile, not a database.`,
      );
    }
    return postgresTarget(stored.config as PostgresConfig, this.readSecrets(stored));
  }

  private stored(id: string): StoredProfile {
    const stored = this.cache.profiles.get(id);
    if (!stored) {
      throw new ApiError(
        'NOT_FOUND',
        `No profile with id ${id}. It may have been removed; reload the list.`,
        {
          field: 'id',
          value: id,
        },
      );
    }
    return stored;
  }

  private readSecrets(stored: StoredProfile): Record<string, string> {
    try {
      return this.cache.profiles.readSecrets(stored.id);
    } catch (error) {
      if (error instanceof SecretUnreadableError) {
        throw new ApiError(
          'CONFLICT',
          `The saved secrets of profile "${stored.name}" cannot be read: ${error.message}. ` +
            'Edit the profile and enter its password or token again.',
          { profile: stored.id },
        );
      }
      throw error;
    }
  }

  private readSecretsOrEmpty(id: string): Record<string, string> {
    try {
      return this.cache.profiles.readSecrets(id);
    } catch (error) {
      if (error instanceof SecretUnreadableError) return {};
      throw error;
    }
  }

  /** A saved profile as if it were an unsaved form with every secret left blank ("keep"). */
  private toInput(stored: StoredProfile): ProfileInput {
    const config = stored.config as SalesforceConfig | PostgresConfig;
    return { ...config, kind: stored.kind, id: stored.id, name: stored.name } as ProfileInput;
  }

  private summarize(stored: StoredProfile): ProfileSummary {
    return {
      ...(stored.config as SalesforceConfig | PostgresConfig),
      kind: stored.kind,
      id: stored.id,
      name: stored.name,
      savedSecrets: stored.secretNames,
      secretsReadable:
        stored.secretNames.length === 0 || this.cache.profiles.secretsReadable(stored.id),
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    } as ProfileSummary;
  }
}

/**
 * Separates the shown part of a profile from its secrets. A secret left undefined keeps its
 * saved value — only while it would go where it was saved for (same login URL / instance /
 * database server, same user); an empty string clears it. Secrets that do not belong to the
 * chosen sign-in method are dropped.
 */
export function splitSecrets(
  input: ProfileInput,
  saved: Record<string, string>,
  /** The saved profile's config: saved secrets serve only the origin and user they were for. */
  previousConfig?: unknown,
): { config: SalesforceConfig | PostgresConfig; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  let reusable = saved;
  const keep = (name: string, given: string | undefined) => {
    const value = given ?? reusable[name];
    if (value !== undefined && value !== '') secrets[name] = value;
  };
  const previousAuth = authOf(previousConfig);
  if (input.kind === 'salesforce') {
    const { auth } = input;
    if (auth.method === 'password') {
      // A password typed for one org must not be sent to another login host or user.
      const sameTarget =
        previousAuth?.method === 'password' &&
        sameOrigin(previousAuth.loginUrl, auth.loginUrl) &&
        sameUser(previousAuth.username, auth.username);
      if (!sameTarget) reusable = {};
      keep('password', auth.password);
      keep('securityToken', auth.securityToken);
      return {
        config: {
          apiVersion: input.apiVersion,
          auth: { method: 'password', loginUrl: auth.loginUrl, username: auth.username },
        },
        secrets,
      };
    }
    if (auth.method === 'token') {
      const sameTarget =
        previousAuth?.method === 'token' && sameOrigin(previousAuth.instanceUrl, auth.instanceUrl);
      if (!sameTarget) reusable = {};
      keep('accessToken', auth.accessToken);
      return {
        config: {
          apiVersion: input.apiVersion,
          auth: { method: 'token', instanceUrl: auth.instanceUrl },
        },
        secrets,
      };
    }
    if (auth.method === 'sfdx') {
      keep('authUrl', auth.authUrl?.trim());
      if (!secrets.authUrl) {
        throw new ApiError(
          'BAD_PARAMS',
          'The SFDX auth URL is required: paste the "Sfdx Auth Url" that `sf org display --verbose` prints.',
          {
            field: 'authUrl',
            problems: [{ path: 'auth.authUrl', message: 'The SFDX auth URL is required.' }],
          },
        );
      }
      const { instanceUrl } = parseSfdxAuthUrl(secrets.authUrl);
      return {
        config: { apiVersion: input.apiVersion, auth: { method: 'sfdx', instanceUrl } },
        secrets,
      };
    }
    if (auth.method === 'oauth') {
      const previous = oauthConfigOf(previousConfig);
      // A refresh token belongs to one connected app on one login host: another client id or
      // login URL needs a new sign-in.
      const sameClient =
        previous !== null &&
        previous.loginUrl === auth.loginUrl &&
        previous.clientId === auth.clientId;
      if (sameClient) keep('refreshToken', undefined);
      return {
        config: {
          apiVersion: input.apiVersion,
          auth: {
            method: 'oauth',
            loginUrl: auth.loginUrl,
            clientId: auth.clientId,
            instanceUrl: sameClient ? previous.instanceUrl : null,
            username: sameClient ? previous.username : null,
          },
        },
        secrets,
      };
    }
    return { config: { apiVersion: input.apiVersion, auth: { method: 'local' } }, secrets };
  }
  const { connection } = input;
  if (connection.method === 'embedded') {
    return { config: { schema: input.schema, connection: { method: 'embedded' } }, secrets };
  }
  const url = parseDatabaseUrl(connection.url);
  // A URL typed without a password keeps the saved one — for the same server and user only; a
  // URL with a password replaces it.
  const previousUrl = urlConnectionOf(previousConfig);
  if (!previousUrl || databaseServerOf(previousUrl) !== databaseServerOf(url)) reusable = {};
  keep('password', url.password === '' ? undefined : url.password);
  url.password = '';
  return {
    config: { schema: input.schema, connection: { method: 'url', url: url.toString() } },
    secrets,
  };
}

type OAuthConfig = Extract<SalesforceConfig['auth'], { method: 'oauth' }>;

function authOf(config: unknown): SalesforceConfig['auth'] | null {
  const auth = (config as { auth?: { method?: unknown } } | undefined)?.auth;
  return typeof auth?.method === 'string' ? (auth as SalesforceConfig['auth']) : null;
}

/** Scheme, host and port of a URL; the text itself when it is not one. */
function originOf(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return raw.trim().toLowerCase();
  }
}

const sameOrigin = (a: string, b: string) => originOf(a) === originOf(b);
/** Salesforce usernames are not case-sensitive. */
const sameUser = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function urlConnectionOf(config: unknown): URL | null {
  const connection = (config as { connection?: { method?: unknown; url?: unknown } } | undefined)
    ?.connection;
  if (connection?.method !== 'url' || typeof connection.url !== 'string') return null;
  try {
    return new URL(connection.url);
  } catch {
    return null;
  }
}

/** Who connects where: user @ host : port (5432 when not given). */
function databaseServerOf(url: URL): string {
  return `${url.username}@${url.hostname.toLowerCase()}:${url.port || '5432'}`;
}

function oauthConfigOf(config: unknown): OAuthConfig | null {
  const auth = (config as { auth?: { method?: unknown } } | undefined)?.auth;
  return auth?.method === 'oauth' ? (auth as OAuthConfig) : null;
}

function parseDatabaseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ApiError(
      'BAD_PARAMS',
      `The database URL "${raw.replace(/:[^:@/]*@/, ':***@')}" cannot be parsed. ` +
        'Use the form postgres://user:password@host:5432/database',
      { field: 'connection.url' },
    );
  }
}

function salesforceTarget(
  config: SalesforceConfig,
  secrets: Record<string, string>,
  name: string,
): SalesforceTarget {
  const missing = (what: string): never => {
    throw new ApiError('BAD_PARAMS', `Profile "${name}" has no ${what}. Enter it and try again.`, {
      field: what,
    });
  };
  if (config.auth.method === 'password') {
    return {
      method: 'password',
      loginUrl: config.auth.loginUrl,
      username: config.auth.username,
      password: secrets.password ?? missing('password'),
      ...(secrets.securityToken ? { securityToken: secrets.securityToken } : {}),
      apiVersion: config.apiVersion,
    };
  }
  const { auth } = config;
  if (auth.method === 'token') {
    return {
      method: 'token',
      instanceUrl: auth.instanceUrl,
      accessToken: secrets.accessToken ?? missing('access token'),
      apiVersion: config.apiVersion,
    };
  }
  if (auth.method === 'sfdx') {
    const parsed = parseSfdxAuthUrl(secrets.authUrl ?? missing('SFDX auth URL'));
    return {
      method: 'refreshToken',
      // The CLI refreshes at the instance itself; its token endpoint serves that org.
      loginUrl: parsed.instanceUrl,
      clientId: parsed.clientId,
      ...(parsed.clientSecret ? { clientSecret: parsed.clientSecret } : {}),
      refreshToken: parsed.refreshToken,
      instanceUrl: parsed.instanceUrl,
      apiVersion: config.apiVersion,
    };
  }
  if (auth.method === 'oauth') {
    if (!secrets.refreshToken || !auth.instanceUrl) {
      throw new ApiError(
        'CONNECT_FAILED',
        `Profile "${name}" has not signed in yet. Open it in Connections and use "Sign in with Salesforce".`,
        { profile: name },
      );
    }
    return {
      method: 'refreshToken',
      loginUrl: auth.loginUrl,
      clientId: auth.clientId,
      refreshToken: secrets.refreshToken,
      instanceUrl: auth.instanceUrl,
      apiVersion: config.apiVersion,
    };
  }
  throw new ApiError(
    'NOT_AVAILABLE',
    `Profile "${name}" is the built-in local org, which runs inside the studio and is not started. ` +
      'Start it from Connections ("Use the local demo org").',
  );
}

function postgresTarget(config: PostgresConfig, secrets: Record<string, string>): PostgresTarget {
  if (config.connection.method === 'embedded') return { method: 'embedded', schema: config.schema };
  const url = new URL(config.connection.url);
  if (secrets.password) url.password = secrets.password;
  return { method: 'url', url: url.toString(), schema: config.schema };
}
