// Trigger-log operations for the CLI and the inspector (pool + schema name):
//   listTriggerLog(pool, schema, filter): TriggerLogEntry[]            newest first (the CLI's)
//   retryTriggerLogRows(pool, schema, { ids?, table?, allFailed?, includeIgnored? }, algorithm)
//       : { requeued }   merged: FAILED → NEW; ordered: re-capture + REQUEUED; archive: copy back
//   ignoreTriggerLogRows(pool, schema, { ids }): { ignored }           FAILED/NEW → IGNORED
//   archiveTriggerLog(pool, schema, { olderThanMs, purgeAfterMs, now }): { archived, purged }
//   triggerLogCounts(pool, schema): Record<state, number>
// The inspector's reads (SELECT only; fast over a million rows with the planner's indexes):
//   pageTriggerLog(pool, schema, selection, { limit, beforeId? }): { rows, hasMore }
//       selection: { states?, table?, action?, since?, until?, text? (sf_message only),
//                    recordId?, sfid?, source?: live | archive | both }
//   triggerLogRowsById(pool, schema, ids): TriggerLogListRow[]         wherever they are now
//   triggerLogRow(pool, schema, id): TriggerLogFullRow | null          with values and old
//   triggerLogStateCounts(pool, schema): { live, archive }             SUCCESS estimated when big
//   retryMatchingTriggerLogRows(pool, schema, selection, algorithm): { requeued }
//       every FAILED row the selection matches, in one transaction
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
export {
  pageTriggerLog,
  triggerLogRowsById,
  triggerLogRow,
  triggerLogStateCounts,
  retryMatchingTriggerLogRows,
  MAX_PAGE_ROWS,
} from './inspector';
export type {
  TriggerLogSelection,
  TriggerLogListRow,
  TriggerLogFullRow,
  TriggerLogPage,
} from './inspector';
