// The sync engine (issue 6): Heroku-Connect-compatible reads and writes between an org and a
// Postgres database, restartable at any point. See types.ts for the contracts.
export * from './types';
export { buildMappingContext, buildMappingContexts, MappingContextError } from './context';
export type { MappingContext, ReadColumn, WriteColumn } from './context';
export { createSalesforceApi, openSalesforceApi, parseBulkError } from './salesforce-api';
export type { SalesforceApiOptions } from './salesforce-api';
export {
  classifySalesforceFailure,
  isRetryableRecordError,
  isLimitRecordError,
  backoffDelay,
} from './retry';
export { createSyncEngine, DEFAULT_ENGINE_SETTINGS } from './engine';
export {
  listTriggerLog,
  retryTriggerLogRows,
  ignoreTriggerLogRows,
  archiveTriggerLog,
  triggerLogCounts,
  TriggerLogOperationError,
  TRIGGER_LOG_STATES,
  pageTriggerLog,
  triggerLogRowsById,
  triggerLogRow,
  triggerLogStateCounts,
  retryMatchingTriggerLogRows,
} from './trigger-log';
export type {
  TriggerLogFilter,
  TriggerLogEntry,
  TriggerLogSource,
  TriggerLogSelection,
  TriggerLogListRow,
  TriggerLogFullRow,
} from './trigger-log';
export { createMappingReader } from './reader';
export { createTriggerLogWriter, parseHstore } from './writer';
export {
  ensureBookkeeping,
  readBookkeeping,
  updateBookkeeping,
  BOOKKEEPING_TABLE,
} from './bookkeeping';
export type { MappingBookkeeping } from './bookkeeping';
export { loadDemoMappings, demoMappingsExport } from './demo';
export { describeSyncEvent, describeLoadStart } from './describe-event';
export type { DescribedSyncEvent } from './describe-event';
