// The studio's connections: the active org and database (ConnectionsService), plus the two
// services the studio runs itself on demand — the local demo org in-process and an embedded
// PostgreSQL server — and the OAuth browser sign-in. close() stops what was started.

import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ApiResult, type ProfileSummary } from '../../src-shared/api';
import { DEFAULT_SCHEMA_NAME } from '../../src-shared/mapping';
import { startLocalOrg, type LocalOrg } from '../local-org';
import { startEmbeddedPostgres, type RunningPostgres } from '../postgres';
import type { SalesforceTarget } from '../salesforce';
import { ConnectionsService, type ConnectionsServiceOptions } from './connections-service';
import { OAuthSignIns, type OAuthStarted, type OAuthStartParams } from './oauth-sign-in';

export interface StudioConnectionsOptions extends ConnectionsServiceOptions {
  log: (line: string) => void;
  /** How long a browser sign-in waits; default five minutes. */
  oauthTimeoutMs?: number;
}

/** What the one-click starts answer (the contract's StartedService). */
export type StartedService = ApiResult<'localOrg.start'>;

export const LOCAL_ORG_PROFILE_NAME = 'Local demo org';
export const EMBEDDED_POSTGRES_PROFILE_NAME = 'Embedded Postgres';

/** Lines of the embedded server's log kept to explain a failed start. */
const POSTGRES_LOG_LINES = 40;

export class StudioConnections extends ConnectionsService {
  /**
   * Opens a URL in the system browser. The Electron shell sets it (main.ts:
   * `studio.connections.openExternal = (url) => void shell.openExternal(url)`); the web host
   * leaves it unset and the renderer opens the sign-in page itself.
   */
  openExternal: ((url: string) => void) | undefined;

  private localOrg: Promise<LocalOrg> | undefined;
  private postgres: Promise<RunningPostgres> | undefined;
  /** The embedded server's URL once it answers (profiles.test reads it synchronously). */
  private postgresUrlNow: string | null = null;
  private readonly signIns: OAuthSignIns;
  private closed = false;

  constructor(private readonly studioOptions: StudioConnectionsOptions) {
    super(studioOptions);
    this.signIns = new OAuthSignIns({
      profiles: studioOptions.profiles,
      events: studioOptions.events,
      log: studioOptions.log,
      ...(studioOptions.oauthTimeoutMs ? { timeoutMs: studioOptions.oauthTimeoutMs } : {}),
    });
    studioOptions.profiles.setLocalServices({
      localOrgTarget: async (apiVersion) => this.localOrgTarget(apiVersion),
      runningEmbeddedPostgresUrl: () => this.postgresUrlNow,
    });
  }

  /** The local demo org, started once per studio run (in <userDataDir>/local-org.sqlite). */
  startLocalOrg(): Promise<LocalOrg> {
    this.refuseWhenClosed();
    if (!this.localOrg) {
      const starting = startLocalOrg({
        data: join(this.studioOptions.userDataDir, 'local-org.sqlite'),
        seed: 'demo',
        port: 0,
        onUnexpectedError: (error) =>
          this.studioOptions.log(
            `connect-studio: the local org failed a request: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          ),
      }).catch((error: unknown) => {
        this.localOrg = undefined;
        throw new ApiError(
          'NOT_AVAILABLE',
          `The local demo org did not start: ${error instanceof Error ? error.message : String(error)}. ` +
            'Check that the studio can write to its data folder, then try again.',
        );
      });
      this.localOrg = starting;
    }
    return this.localOrg;
  }

  /**
   * Embedded PostgreSQL in <userDataDir>/postgres, started once per studio run. The first start
   * creates the cluster, which takes a few seconds.
   */
  startEmbeddedPostgres(): Promise<RunningPostgres> {
    this.refuseWhenClosed();
    if (!this.postgres) {
      const log: string[] = [];
      const dataDir = join(this.studioOptions.userDataDir, 'postgres');
      const starting = (async () => {
        letPostgresUserIn(this.studioOptions.userDataDir);
        const running = await startEmbeddedPostgres({
          dataDir,
          onLog: (line) => {
            log.push(line.trimEnd());
            if (log.length > POSTGRES_LOG_LINES) log.shift();
          },
        });
        this.postgresUrlNow = running.url;
        return running;
      })().catch((error: unknown) => {
        this.postgres = undefined;
        const reason = error instanceof Error && error.message ? error.message : String(error);
        this.studioOptions.log(
          `connect-studio: embedded Postgres did not start (${reason}):\n${log.join('\n')}`,
        );
        throw new ApiError(
          'NOT_AVAILABLE',
          `Embedded Postgres did not start: ${reason}. Its data folder is ${dataDir}; the ` +
            "studio's log has the server's own messages. Use a Postgres profile with a URL " +
            'if it cannot run on this machine.',
        );
      });
      this.postgres = starting;
    }
    return this.postgres;
  }

  /** 'localOrg.start': the org running, its profile saved once and made the active org. */
  async useLocalOrg(): Promise<StartedService> {
    const org = await this.startLocalOrg();
    const { profiles, settings, events } = this.studioOptions;
    let profile = profiles.list().find((p) => p.kind === 'salesforce' && p.auth.method === 'local');
    const created = !profile;
    if (!profile) {
      profile = profiles.save({
        kind: 'salesforce',
        name: profiles.freeName(LOCAL_ORG_PROFILE_NAME),
        apiVersion: org.apiVersion,
        auth: { method: 'local' },
      });
      events.emit('profiles.changed', { profiles: profiles.list() });
    }
    if (settings.get().activeOrgProfileId !== profile.id) {
      settings.set({ activeOrgProfileId: profile.id });
    }
    return { profile, url: org.instanceUrl, created };
  }

  /** 'embeddedPostgres.start': the server running, its profile saved once, the active database. */
  async useEmbeddedPostgres(): Promise<StartedService> {
    const running = await this.startEmbeddedPostgres();
    const { profiles, settings, events } = this.studioOptions;
    let profile = profiles
      .list()
      .find((p) => p.kind === 'postgres' && p.connection.method === 'embedded');
    const created = !profile;
    if (!profile) {
      profile = profiles.save({
        kind: 'postgres',
        name: profiles.freeName(EMBEDDED_POSTGRES_PROFILE_NAME),
        schema: DEFAULT_SCHEMA_NAME,
        connection: { method: 'embedded' },
      });
      events.emit('profiles.changed', { profiles: profiles.list() });
    }
    if (settings.get().activeDbProfileId !== profile.id) {
      settings.set({ activeDbProfileId: profile.id });
    }
    const shown = new URL(running.url);
    shown.password = '';
    return { profile, url: shown.toString(), created };
  }

  /** 'profiles.oauthStart': the sign-in page to open; profiles.oauthFinished follows. */
  async startOAuth(params: OAuthStartParams): Promise<OAuthStarted> {
    this.refuseWhenClosed();
    const started = await this.signIns.start(params);
    this.openExternal?.(started.authorizeUrl);
    return started;
  }

  /** 'profiles.oauthCancel': stop the sign-in that waits for the browser, if any. */
  cancelOAuth(): { cancelled: boolean } {
    return { cancelled: this.signIns.stopWaiting() };
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.signIns.close();
    await super.close();
    const org = this.localOrg;
    const postgres = this.postgres;
    this.localOrg = undefined;
    this.postgres = undefined;
    this.postgresUrlNow = null;
    await Promise.all([
      org?.then((o) => o.close()).catch(() => {}),
      postgres?.then((p) => p.stop()).catch(() => {}),
    ]);
  }

  protected override async salesforceTarget(profile: ProfileSummary): Promise<SalesforceTarget> {
    if (profile.kind === 'salesforce' && profile.auth.method === 'local') {
      return this.localOrgTarget(profile.apiVersion);
    }
    return super.salesforceTarget(profile);
  }

  protected override async postgresUrl(profile: ProfileSummary): Promise<string> {
    if (profile.kind === 'postgres' && profile.connection.method === 'embedded') {
      return (await this.startEmbeddedPostgres()).url;
    }
    return super.postgresUrl(profile);
  }

  private async localOrgTarget(apiVersion: string): Promise<SalesforceTarget> {
    const org = await this.startLocalOrg();
    return {
      method: 'token',
      instanceUrl: org.instanceUrl,
      accessToken: org.accessToken,
      apiVersion,
    };
  }

  private refuseWhenClosed(): void {
    if (this.closed) {
      throw new ApiError('UNAVAILABLE', 'The studio is shutting down; start it again.');
    }
  }
}

/**
 * Run as root, embedded-postgres starts the server as a separate `postgres` user, which must be
 * able to pass through the user-data folder to reach its data inside: give others "search"
 * (x) on that one folder — not read, so they still cannot list it.
 */
function letPostgresUserIn(userDataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const mode = statSync(userDataDir).mode;
  if ((mode & 0o001) === 0) chmodSync(userDataDir, (mode & 0o7777) | 0o001);
}
