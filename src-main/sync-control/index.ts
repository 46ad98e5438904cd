// The studio's control of the sync (issue 8): the Mapping editor's applies and drafts, the
// engine the Sync dashboard runs and watches, and the trigger-log inspector's reads and actions.
//   createSyncControl({ connections, cache, events, log }): SyncControl
//     .mappings    state / validate / apply / saveDraft
//     .sync        status / start / stop / pause / resume / reload / log / openDemo / running
//     .triggerLog  list / rows / summary / detail / retry / retryMatching / ignore
export { createSyncControl } from './sync-control';
export type { SyncControlOptions } from './sync-control';
export type { SyncControl, MappingsService, SyncService, TriggerLogService } from './types';
