// The writer (Postgres → Salesforce): the trigger log is the queue. See writer.ts.
//   createTriggerLogWriter(part, { contexts, leaseKey, isPaused?, claimLimit?, retryBackoffMs? })
//     : TriggerLogWriter   — drain(signal) claims NEW rows, sends them, writes results back.
//   parseHstore(text): Map<column, value | null>   the text form of _trigger_log.values / old
export { createTriggerLogWriter } from './writer';
export type { TriggerLogWriterOptions } from './writer';
export { parseHstore, HstoreParseError } from './hstore';
