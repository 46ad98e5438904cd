// Wires the three services to one set of connections, cache and events.
import type { EventBus } from '../api';
import type { Cache } from '../cache';
import type { StudioConnections } from '../connections';
import type { ProfilesService } from '../profiles';
import type { SettingsService } from '../settings';
import { createMappingsService } from './mappings-service';
import { createSyncService } from './sync-service';
import { createTriggerLogService } from './trigger-log-service';
import type { SyncControl } from './types';

export interface SyncControlOptions {
  connections: StudioConnections;
  /** The studio's own services: the active profiles, their names and versions. */
  profiles: ProfilesService;
  settings: SettingsService;
  cache: Cache;
  events: EventBus;
  log: (line: string) => void;
}

export function createSyncControl(options: SyncControlOptions): SyncControl {
  const sync = createSyncService(options);
  const mappings = createMappingsService({ ...options, sync });
  const triggerLog = createTriggerLogService({ ...options, sync });
  return {
    mappings,
    sync,
    triggerLog,
    close: async () => {
      await Promise.allSettled([sync.close(), triggerLog.close()]);
    },
  };
}
