// Trigger-log operations for the CLI and the inspector (pool + schema name):
//   listTriggerLog(pool, schema, filter): TriggerLogEntry[]            newest first
//   retryTriggerLogRows(pool, schema, { ids?, table?, allFailed?, includeIgnored? }, algorithm)
//       : { requeued }   merged: FAILED → NEW; ordered: re-capture + REQUEUED; archive: copy back
//   ignoreTriggerLogRows(pool, schema, { ids }): { ignored }           FAILED/NEW → IGNORED
//   archiveTriggerLog(pool, schema, { olderThanMs, purgeAfterMs, now }): { archived, purged }
//   triggerLogCounts(pool, schema): Record<state, number>
// Refusals (a row in the wrong state, a bad filter) throw TriggerLogOperationError with a sentence.
export {
  listTriggerLog,
  retryTriggerLogRows,
  ignoreTriggerLogRows,
  archiveTriggerLog,
  triggerLogCounts,
  TriggerLogOperationError,
  TRIGGER_LOG_STATES,
} from './operations';
export type { TriggerLogFilter, TriggerLogEntry, TriggerLogSource } from './operations';
