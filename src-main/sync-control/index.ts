// The studio's control of the sync (issue 8): the Mapping editor's applies and drafts, the
// engine the Sync dashboard runs and watches, and the trigger-log inspector's reads and actions.
//   createSyncControl({ connections, cache, events, log }): SyncControl
//     .mappings    state / validate / apply / saveDraft
//     .sync        status / start / stop / pause / resume / reload / log / openDemo / running
//     .triggerLog  list / rows / summary / detail / retry / retryMatching / ignore
// Shared with the CLI (`sync`): prepareSync / documentToSync make a run's mappings and describes
// ready; their refusals are PrepareSyncError, which each caller words for its own user.
export { createSyncControl } from './sync-control';
export type { SyncControlOptions } from './sync-control';
export type { SyncControl, MappingsService, SyncService, TriggerLogService } from './types';
export { prepareSync, documentToSync, PrepareSyncError } from './prepare-sync';
export type { PreparedSync, PrepareSyncOptions, PrepareSyncFailure } from './prepare-sync';
