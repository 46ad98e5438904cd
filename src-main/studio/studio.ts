import { join } from 'node:path';
import type { AppInfo, HostKind } from '../../src-shared/api';
import {
  EventBus,
  appHandlers,
  connectionHandlers,
  createApiRouter,
  exploreHandlers,
  profileHandlers,
  settingsHandlers,
  syncControlHandlers,
  type ApiRouter,
} from '../api';
import { KeyFileSecretBox, openCache, type Cache, type SecretBox } from '../cache';
import { StudioConnections } from '../connections';
import { createExplore } from '../explore';
import { ProfilesService } from '../profiles';
import { SettingsService } from '../settings';
import { createSyncControl, type SyncControl } from '../sync-control';
import { PRODUCT_NAME, appVersion } from './paths';

/**
 * How long closing waits for background refreshes. A refresh stuck on an unanswering org must
 * not hold the app open; one that ends later only fails its cache write (and logs it).
 */
const CLOSE_WAIT_MS = 10_000;

export interface StudioOptions {
  userDataDir: string;
  host: HostKind;
  /** Electron passes its safeStorage box; elsewhere a key file in the user-data folder. */
  secretBox?: SecretBox;
  /** Where unexpected handler failures go in full; defaults to stderr. */
  log?: (line: string) => void;
}

/** Everything the main process owns, wired once and shared by every host. */
export interface Studio {
  readonly router: ApiRouter;
  readonly events: EventBus;
  readonly cache: Cache;
  readonly profiles: ProfilesService;
  readonly settings: SettingsService;
  /** The active org and database, and the local services behind the one-click profiles. */
  readonly connections: StudioConnections;
  /** The mappings applied, the engine running, the trigger log inspected (issue 8). */
  readonly syncControl: SyncControl;
  info(): AppInfo;
  /** Stops what the studio started (local org, embedded Postgres, pools), then the cache. */
  close(): Promise<void>;
}

export function createStudio(options: StudioOptions): Studio {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const secretBox =
    options.secretBox ?? new KeyFileSecretBox(join(options.userDataDir, 'secrets.key'));
  const cacheFile = join(options.userDataDir, 'cache.sqlite');
  const { cache, notice } = openCache({ file: cacheFile, secretBox });
  if (notice) log(`connect-studio: ${notice}`);

  const events = new EventBus();
  const settings = new SettingsService(cache, events);
  const profiles = new ProfilesService(cache);
  const connections = new StudioConnections({
    profiles,
    settings,
    events,
    userDataDir: options.userDataDir,
    log,
  });
  const explore = createExplore({ connections, cache, events, log });
  const syncControl = createSyncControl({ connections, profiles, settings, cache, events, log });
  const version = appVersion();
  const info = (): AppInfo => ({
    name: PRODUCT_NAME,
    version,
    host: options.host,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    userDataDir: options.userDataDir,
    cacheFile,
    secretStorage: secretBox.kind,
    startupNotice: notice,
  });

  const router = createApiRouter(
    {
      ...appHandlers(info),
      ...profileHandlers(profiles, settings, events),
      ...settingsHandlers(settings),
      ...connectionHandlers({ connections, profiles, settings, events }),
      ...exploreHandlers(explore),
      ...syncControlHandlers(syncControl),
    },
    {
      onInternalError: (method, error) =>
        log(
          `connect-studio: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    },
  );

  return {
    router,
    events,
    cache,
    profiles,
    settings,
    connections,
    syncControl,
    info,
    close: async () => {
      // The engine first: it writes to the database and the org the connections hold.
      await syncControl.close();
      // Background schema refreshes write to the cache: let them end before it closes.
      if (!(await settlesWithin(explore.whenIdle(), CLOSE_WAIT_MS))) {
        log('connect-studio: a schema refresh was still running at shutdown; it was abandoned.');
      }
      await connections.close();
      cache.close();
    },
  };
}

/** Whether `work` settled within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
