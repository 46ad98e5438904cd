// Shapes of the Mappings, Sync and Trigger Log workspaces (and the first-run demo) as they cross
// the contract. Mapping documents travel as Heroku Connect export JSON text, the one format both
// sides already parse (src-shared/mapping), so nothing of the file is lost on the way.
import { z } from 'zod';
import { TRIGGER_LOG_ACTIONS, TRIGGER_LOG_STATES, type DatabaseSnapshot } from '../mapping';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Mappings.

/** introspectSchema's answer (src-shared/mapping DatabaseSnapshot), checked for its outline. */
export const DatabaseSnapshotJson = z.custom<DatabaseSnapshot>(
  (v) => isObject(v) && typeof v.schemaName === 'string' && Array.isArray(v.tables),
  { message: 'expected a database snapshot with schemaName and tables' },
);

export const MappingAccessJson = z.enum(['read_only', 'read_write']);

/** One mapping of the applied document and what the database has of it. */
export const MappedTableState = z.object({
  objectName: z.string(),
  table: z.string(),
  access: MappingAccessJson,
  /** The table is in the schema (someone may have dropped it since the apply). */
  exists: z.boolean(),
  /** Rows in the table; null when it does not exist. */
  rowCount: z.number().nullable(),
});
export type MappedTableState = z.output<typeof MappedTableState>;

export const MappingDraft = z.object({
  /** Heroku Connect export JSON of the whole document being edited. */
  document: z.string(),
  savedAt: z.string(),
});

/** The active database's mappings, as the Mapping editor starts from. */
export const MappingsState = z.object({
  /** The active database profile's name and its sync schema. */
  databaseName: z.string(),
  schemaName: z.string(),
  /**
   * The applied document as Heroku Connect export JSON; for a schema that Heroku Connect (not
   * this studio) laid out, the mappings read from its tables. Null when nothing is mapped.
   */
  applied: z.string().nullable(),
  /** Where `applied` came from: the last apply's _hcmeta record, or the tables themselves. */
  appliedFrom: z.enum(['hcmeta', 'tables']).nullable(),
  /** ISO time of the last apply; null when unknown. */
  appliedAt: z.string().nullable(),
  /** The org the mappings were applied for (its id), when recorded. */
  organizationId: z.string().nullable(),
  /** What the schema holds now: the editor plans its DDL against it. */
  snapshot: DatabaseSnapshotJson,
  tables: z.array(MappedTableState),
  /** The unapplied edit the user left, kept in the studio's cache; null when none. */
  draft: MappingDraft.nullable(),
});
export type MappingsState = z.output<typeof MappingsState>;

/** A validation problem (src-shared/mapping MappingProblem) as it crosses the contract. */
export const MappingProblemJson = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  object: z.string(),
  field: z.string().optional(),
  message: z.string(),
  fix: z.string(),
});

export const MappingApplyResult = z.object({
  /** Nothing needed doing: the schema and the applied document already matched. */
  unchanged: z.boolean(),
  statementsRun: z.number(),
  /** Tables that did not exist before. */
  createdTables: z.array(z.string()),
  /** Purposes of the destructive statements that ran (columns dropped). */
  destructive: z.array(z.string()),
  /** Warnings of the plan and the validation (errors refuse the apply). */
  warnings: z.array(z.string()),
  state: MappingsState,
});

// ---------------------------------------------------------------------------------------------
// Sync.

export const SYNC_ENGINE_STATES = [
  'off',
  'starting',
  'running',
  'paused',
  'stopped',
  'error',
] as const;
export const SyncEngineState = z.enum(SYNC_ENGINE_STATES);
export type SyncEngineState = z.output<typeof SyncEngineState>;

/** The engine's mapping phases (src-main/sync MappingPhase), plus `stopped` when it is off. */
export const SYNC_MAPPING_PHASES = [
  'stopped',
  'waiting',
  'initial_load',
  'polling',
  'synced',
  'paused',
  'error',
  'read_only_wait',
] as const;
export const SyncMappingPhase = z.enum(SYNC_MAPPING_PHASES);

export const SyncLoadProgress = z.object({
  done: z.number(),
  total: z.number(),
  ratePerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  api: z.enum(['rest', 'bulk']),
});

export const SyncMappingState = z.object({
  objectName: z.string(),
  table: z.string(),
  access: MappingAccessJson,
  phase: SyncMappingPhase,
  paused: z.boolean(),
  /** ISO times. */
  lastPollAt: z.string().nullable(),
  nextPollAt: z.string().nullable(),
  highWaterMark: z.string().nullable(),
  load: SyncLoadProgress.nullable(),
  error: z.string().nullable(),
  /** Rows in the Postgres table (refreshed every few seconds); null when unknown. */
  rowCount: z.number().nullable(),
  /** Trigger-log rows of this table waiting to be sent (NEW + PENDING) and FAILED ones. */
  pending: z.number(),
  failed: z.number(),
});
export type SyncMappingState = z.output<typeof SyncMappingState>;

export const SyncStatus = z.object({
  engine: SyncEngineState,
  /** Why the engine is in its state, when there is something to say (an error, a stop). */
  message: z.string().nullable(),
  /** What the engine runs between (profile names) and where; null when nothing is active. */
  orgName: z.string().nullable(),
  databaseName: z.string().nullable(),
  schemaName: z.string().nullable(),
  writeAlgorithm: z.enum(['merged', 'ordered']).nullable(),
  /** ISO time the engine started; null when off. */
  startedAt: z.string().nullable(),
  mappings: z.array(SyncMappingState),
  /** The org's API requests in the last 24 hours against its daily limit (Sforce-Limit-Info). */
  apiUsage: z.object({ used: z.number(), max: z.number() }).nullable(),
  /** API requests this engine made since it started. */
  apiCallsThisRun: z.number(),
  /** ISO time of this status. */
  at: z.string(),
});
export type SyncStatus = z.output<typeof SyncStatus>;

/** One line of the live event log. */
export const SyncLogEntry = z.object({
  /** Increases by one per entry within a studio's run. */
  id: z.number(),
  at: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  /** The engine event it came from (`load.progress`, `write.batch`, `conflict`, `log` …). */
  kind: z.string(),
  message: z.string(),
  objectName: z.string().optional(),
});
export type SyncLogEntry = z.output<typeof SyncLogEntry>;

export const DemoOpened = z.object({
  /** The database shown to users (no password), its sync schema, and the org's address. */
  database: z.string(),
  schemaName: z.string(),
  org: z.string(),
  durationMs: z.number(),
});

// ---------------------------------------------------------------------------------------------
// Trigger log.

/** The largest Postgres integer (int4): trigger-log ids and mapped record ids are int4 columns. */
export const MAX_POSTGRES_INT = 2_147_483_647;

/**
 * An int4 id (1 … 2,147,483,647). A larger number would reach Postgres as an out-of-range
 * error; refused here with a sentence that names the field.
 */
export const postgresIntId = (field: string) => {
  const range = `${field} must be a whole number from 1 to ${MAX_POSTGRES_INT.toLocaleString('en-US')} (a Postgres integer)`;
  return z
    .number({ error: range })
    .int({ error: range })
    .min(1, { error: range })
    .max(MAX_POSTGRES_INT, {
      error: range,
    });
};

export const TriggerLogStateJson = z.enum(TRIGGER_LOG_STATES);
export const TriggerLogActionJson = z.enum(TRIGGER_LOG_ACTIONS);

/** The inspector's filters; the same keys live in its URL. */
export const TriggerLogFilterJson = z
  .object({
    states: z.array(TriggerLogStateJson).optional(),
    /** The mapped table (`contact`). */
    table: z.string().trim().min(1).optional(),
    action: TriggerLogActionJson.optional(),
    /** ISO times: captured at or after `since`, before `until`. */
    since: z.string().optional(),
    until: z.string().optional(),
    /** Case-insensitive text in the Salesforce message. */
    text: z.string().optional(),
    recordId: postgresIntId('recordId').optional(),
    sfid: z.string().trim().min(1).optional(),
    /** Which tables: the live log, its archive, or both (default). */
    source: z.enum(['live', 'archive', 'both']).default('both'),
  })
  .strict();
export type TriggerLogFilterJson = z.input<typeof TriggerLogFilterJson>;

/** A trigger-log row as the grid shows it (the change itself comes with the detail). */
export const TriggerLogRow = z.object({
  id: z.number(),
  state: z.string(),
  action: z.string(),
  table: z.string(),
  recordId: z.number(),
  sfid: z.string().nullable(),
  /** ISO times (UTC). */
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  processedAt: z.string().nullable(),
  /** sf_message: `<CODE>: <message>` for a failed write. */
  message: z.string().nullable(),
  source: z.enum(['live', 'archive']),
});
export type TriggerLogRow = z.output<typeof TriggerLogRow>;

/** What an error means and what to do, in plain words (src-shared/salesforce explainWriteError). */
export const WriteErrorExplanation = z.object({
  /** The Salesforce errorCode (`FIELD_CUSTOM_VALIDATION_EXCEPTION`), or UNKNOWN. */
  code: z.string(),
  /** A short headline: "A validation rule refused the record". */
  title: z.string(),
  /** What happened, in a sentence or two. */
  explanation: z.string(),
  /** The likely fix: what to change where, and then "Retry". */
  fix: z.string(),
  /** Fields the message names (API names), when it names any. */
  fields: z.array(z.string()),
  /** Whether retrying unchanged may succeed (locks, limits, sessions). */
  transient: z.boolean(),
});
export type WriteErrorExplanation = z.output<typeof WriteErrorExplanation>;

export const TriggerLogColumnChange = z.object({
  column: z.string(),
  /** hstore text values: null is SQL NULL. */
  old: z.string().nullable(),
  new: z.string().nullable(),
  /** The change touched this column (UPDATE: in `values`; INSERT: every column). */
  changed: z.boolean(),
});

export const TriggerLogDetail = z.object({
  row: TriggerLogRow.extend({
    txid: z.number().nullable(),
    processedTx: z.number().nullable(),
    sfResult: z.number().nullable(),
  }),
  /** The change column by column (old vs new), in the table's column order. */
  change: z.array(TriggerLogColumnChange),
  /** The Salesforce object the table maps; null when no mapping names the table. */
  objectName: z.string().nullable(),
  /** The mapped row as it is now (by record_id); null when it has been deleted. */
  postgresRow: z.record(z.string(), z.unknown()).nullable(),
  /** The row's _hc_lastop and _hc_err (its `{op, src, msg}` JSON as stored). */
  hcLastop: z.string().nullable(),
  hcErr: z.string().nullable(),
  /** The Salesforce record fetched by sfid (mapped fields); why not, when it could not be. */
  salesforce: z.object({
    record: z.record(z.string(), z.unknown()).nullable(),
    /** Why there is no record: no sfid yet, no active org, deleted, the org's error. */
    note: z.string().nullable(),
    /** The SOQL that reads it (for "Open in Query"); null without an sfid. */
    soql: z.string().nullable(),
  }),
  explanation: WriteErrorExplanation.nullable(),
});
export type TriggerLogDetail = z.output<typeof TriggerLogDetail>;

export const TriggerLogSummary = z.object({
  schemaName: z.string(),
  /** Rows per state in the live log and in the archive. */
  live: z.record(z.string(), z.number()),
  archive: z.record(z.string(), z.number()),
  /** Tables the log names or the mappings map, for the table filter. */
  tables: z.array(z.string()),
  /** The studio's own engine is syncing this schema now (else: another writer, or none). */
  engineRunning: z.boolean(),
  /** How retries are requeued: merged (back to NEW) or ordered (captured again). */
  writeAlgorithm: z.enum(['merged', 'ordered']),
});
export type TriggerLogSummary = z.output<typeof TriggerLogSummary>;
