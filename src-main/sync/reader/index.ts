// The reader (Salesforce -> Postgres): initial loads with COPY, resumable page by page; polls by
// SystemModstamp with an overlap window and queryAll deletes; reloads.
//
//   createMappingReader(part: SyncPartContext): MappingReader
//       ensureLoaded(mapping, signal) -> { loaded }   (returns early, load kept, when aborted)
//       poll(mapping, signal) -> { upserted, deleted, conflicts }
//       reload(mapping)
//   Value converters (Salesforce value -> COPY text cell): restValueToCopy, bulkValueToCopy,
//   escapeCopyText, datetimeToCopy, valueKindOf, readRecordPath.
export { createMappingReader } from './reader';
export { MappingNotLoadedError } from './poll';
export type { PollOutcome } from './poll';
export {
  bulkValueToCopy,
  COPY_NULL,
  datetimeMs,
  datetimeToCopy,
  escapeCopyText,
  pathSegments,
  readRecordPath,
  ReadValueError,
  restValueToCopy,
  valueKindOf,
} from './values';
export type { ValueKind } from './values';
export { encodeBulkPage, encodeRestPage, loadSoql, pollSoql, readShapeOf } from './shape';
export type { CopyLayout, EncodedPage, ReadShape } from './shape';
