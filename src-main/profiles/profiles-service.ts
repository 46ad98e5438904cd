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

type SalesforceConfig = Omit<Extract<ProfileSummary, { kind: 'salesforce' }>, SummaryOnly>;
type PostgresConfig = Omit<Extract<ProfileSummary, { kind: 'postgres' }>, SummaryOnly>;
type SummaryOnly =
  'id' | 'name' | 'kind' | 'savedSecrets' | 'secretsReadable' | 'createdAt' | 'updatedAt';

/** A Postgres target as the services use it: a full URL (password included) or the embedded server. */
export type PostgresTarget =
  { method: 'url'; url: string; schema: string } | { method: 'embedded'; schema: string };

/**
 * Connection profiles: split into what may be shown (kept as JSON) and what must not (kept
 * encrypted), merged back only inside the main process when a connection is made.
 */
export class ProfilesService {
  constructor(private readonly cache: Cache) {}

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
    const { config, secrets } = splitSecrets(input, previousSecrets);
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
    const { config, secrets } = splitSecrets(input, saved);
    if (input.kind === 'salesforce') {
      const target = salesforceTarget(config as SalesforceConfig, secrets, input.name);
      return testSalesforceConnection(target);
    }
    const target = postgresTarget(config as PostgresConfig, secrets);
    return target.method === 'embedded'
      ? testEmbeddedPostgres()
      : testPostgresConnection(target.url, target.schema);
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
 * saved value; an empty string clears it. Secrets that do not belong to the chosen sign-in
 * method are dropped.
 */
export function splitSecrets(
  input: ProfileInput,
  saved: Record<string, string>,
): { config: SalesforceConfig | PostgresConfig; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const keep = (name: string, given: string | undefined) => {
    const value = given ?? saved[name];
    if (value !== undefined && value !== '') secrets[name] = value;
  };
  if (input.kind === 'salesforce') {
    const { auth } = input;
    if (auth.method === 'password') {
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
    keep('accessToken', auth.accessToken);
    return {
      config: {
        apiVersion: input.apiVersion,
        auth: { method: 'token', instanceUrl: auth.instanceUrl },
      },
      secrets,
    };
  }
  const { connection } = input;
  if (connection.method === 'embedded') {
    return { config: { schema: input.schema, connection: { method: 'embedded' } }, secrets };
  }
  const url = parseDatabaseUrl(connection.url);
  // A URL typed without a password keeps the saved one; a URL with a password replaces it.
  keep('password', url.password === '' ? undefined : url.password);
  url.password = '';
  return {
    config: { schema: input.schema, connection: { method: 'url', url: url.toString() } },
    secrets,
  };
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
  return {
    method: 'token',
    instanceUrl: config.auth.instanceUrl,
    accessToken: secrets.accessToken ?? missing('access token'),
    apiVersion: config.apiVersion,
  };
}

function postgresTarget(config: PostgresConfig, secrets: Record<string, string>): PostgresTarget {
  if (config.connection.method === 'embedded') return { method: 'embedded', schema: config.schema };
  const url = new URL(config.connection.url);
  if (secrets.password) url.password = secrets.password;
  return { method: 'url', url: url.toString(), schema: config.schema };
}
