// The active org and database as live connections, shared by every workspace: one signed-in
// jsforce connection and one pg pool, made on first use and replaced when the user picks
// another profile (or edits the active one).
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { ApiError, type ProfileSummary } from '../../src-shared/api';
import type { EventBus } from '../api';
import { openPool, PostgresConnectError } from '../postgres';
import type { ProfilesService } from '../profiles';
import {
  connectToSalesforce,
  explainSalesforceError,
  targetOrigin,
  type SalesforceTarget,
} from '../salesforce';
import type { SettingsService } from '../settings';

export interface OrgConnection {
  conn: Connection;
  profileId: string;
  /**
   * Key of this org's entries in the describe cache and query history: the org's id, so a
   * profile edited to point at another org never reads the first org's entries.
   */
  orgKey: string;
  apiVersion: string;
}

export interface DatabaseConnection {
  pool: pg.Pool;
  /** The full URL, password included: for the sync engine's own LISTEN connection. Never sent to the renderer. */
  url: string;
  profileId: string;
  schemaName: string;
}

export interface ConnectionsServiceOptions {
  profiles: ProfilesService;
  settings: SettingsService;
  events: EventBus;
  userDataDir: string;
}

interface Held<T> {
  profileId: string;
  /** The profile's updatedAt when connected: an edit makes the connection stale. */
  version: string;
  value: Promise<T>;
}

export class ConnectionsService {
  private org: Held<OrgConnection> | undefined;
  private database: Held<DatabaseConnection> | undefined;

  constructor(protected readonly options: ConnectionsServiceOptions) {
    // A removed or edited profile must not keep serving through an old connection.
    options.events.subscribe((envelope) => {
      if (envelope.event === 'profiles.changed' || envelope.event === 'settings.changed') {
        void this.dropStale();
      }
    });
  }

  /** The active org, signed in. Throws ApiError NO_ACTIVE_ORG / CONNECT_FAILED with a hint. */
  async activeOrg(): Promise<OrgConnection> {
    const profile = this.activeProfile('org');
    if (!this.org || !this.isCurrent(this.org, profile)) {
      const value = this.connectOrg(profile);
      this.org = { profileId: profile.id, version: profile.updatedAt, value };
      // A failed sign-in is not kept: the next call tries again.
      value.catch(() => {
        if (this.org?.value === value) this.org = undefined;
      });
    }
    return this.org.value;
  }

  /** The active database's pool. Throws ApiError NO_ACTIVE_DATABASE / CONNECT_FAILED. */
  async activeDatabase(): Promise<DatabaseConnection> {
    const profile = this.activeProfile('db');
    if (!this.database || !this.isCurrent(this.database, profile)) {
      const old = this.database;
      const value = this.connectDatabase(profile);
      this.database = { profileId: profile.id, version: profile.updatedAt, value };
      value.catch(() => {
        if (this.database?.value === value) this.database = undefined;
      });
      if (old) void old.value.then((d) => d.pool.end()).catch(() => {});
    }
    return this.database.value;
  }

  async close(): Promise<void> {
    const database = this.database;
    this.database = undefined;
    this.org = undefined;
    if (database) await database.value.then((d) => d.pool.end()).catch(() => {});
  }

  /** The sign-in details of a Salesforce profile; subclasses add the methods that need a service. */
  protected async salesforceTarget(profile: ProfileSummary): Promise<SalesforceTarget> {
    return this.options.profiles.salesforceTarget(profile.id);
  }

  /** The full URL (password included) of a Postgres profile. */
  protected async postgresUrl(profile: ProfileSummary): Promise<string> {
    const target = this.options.profiles.postgresTarget(profile.id);
    if (target.method === 'url') return target.url;
    throw new ApiError(
      'NOT_AVAILABLE',
      `Profile "${profile.name}" uses the embedded Postgres server, which is not started. ` +
        'Start it from Connections ("Use embedded Postgres").',
    );
  }

  private activeProfile(which: 'org' | 'db'): ProfileSummary {
    const settings = this.options.settings.get();
    const id = which === 'org' ? settings.activeOrgProfileId : settings.activeDbProfileId;
    const profile = id ? this.options.profiles.list().find((p) => p.id === id) : undefined;
    if (!profile) {
      throw which === 'org'
        ? new ApiError(
            'NO_ACTIVE_ORG',
            'No org is active. Open Connections and choose an org (or "Use the local demo org").',
          )
        : new ApiError(
            'NO_ACTIVE_DATABASE',
            'No database is active. Open Connections and choose a database (or "Use embedded Postgres").',
          );
    }
    return profile;
  }

  private isCurrent<T>(held: Held<T>, profile: ProfileSummary): boolean {
    return held.profileId === profile.id && held.version === profile.updatedAt;
  }

  private async connectOrg(profile: ProfileSummary): Promise<OrgConnection> {
    if (profile.kind !== 'salesforce')
      throw new Error('the active org is not a Salesforce profile');
    const target = await this.salesforceTarget(profile);
    try {
      const conn = await connectToSalesforce(target);
      const orgKey = await orgKeyOf(conn, target);
      return { conn, profileId: profile.id, orgKey, apiVersion: target.apiVersion };
    } catch (error) {
      const { message, hint } = explainSalesforceError(error, targetOrigin(target));
      throw new ApiError('CONNECT_FAILED', hint ? `${message} ${hint}` : message, {
        profile: profile.name,
      });
    }
  }

  private async connectDatabase(profile: ProfileSummary): Promise<DatabaseConnection> {
    if (profile.kind !== 'postgres')
      throw new Error('the active database is not a Postgres profile');
    const url = await this.postgresUrl(profile);
    try {
      const pool = await openPool(url, { max: 4, applicationName: 'connect-studio' });
      return { pool, url, profileId: profile.id, schemaName: profile.schema };
    } catch (error) {
      if (error instanceof PostgresConnectError) {
        throw new ApiError('CONNECT_FAILED', error.message, { profile: profile.name });
      }
      throw error;
    }
  }

  private async dropStale(): Promise<void> {
    const settings = this.options.settings.get();
    const profiles = this.options.profiles.list();
    const stale = <T>(held: Held<T> | undefined, activeId: string | null) => {
      if (!held) return false;
      const profile = profiles.find((p) => p.id === held.profileId);
      return !profile || held.profileId !== activeId || profile.updatedAt !== held.version;
    };
    if (stale(this.org, settings.activeOrgProfileId)) this.org = undefined;
    if (stale(this.database, settings.activeDbProfileId)) {
      const old = this.database;
      this.database = undefined;
      await old?.value.then((d) => d.pool.end()).catch(() => {});
    }
  }
}

/** Org ids are compared in their 15-character form (the 18-character one adds a checksum). */
const orgIdKey = (orgId: string) => orgId.slice(0, 15);

/**
 * Which org a connection reaches. Password logins and refresh tokens name it (userInfo); a
 * session id starts with it (`00D…!…`); otherwise the identity service is asked once. The
 * instance URL (and the username when known) is the last resort.
 */
async function orgKeyOf(conn: Connection, target: SalesforceTarget): Promise<string> {
  const known = conn.userInfo?.organizationId;
  if (known) return orgIdKey(known);
  const sessionOrg = /^(00D[A-Za-z0-9]{12,15})!/.exec(conn.accessToken ?? '')?.[1];
  if (sessionOrg) return orgIdKey(sessionOrg);
  try {
    const identity = await conn.identity();
    if (identity.organization_id) return orgIdKey(identity.organization_id);
  } catch {
    // The first real request reports what is wrong with the sign-in.
  }
  const username = target.method === 'password' ? target.username.toLowerCase() : null;
  return username ? `${conn.instanceUrl} ${username}` : conn.instanceUrl;
}
