// The sync engine's contracts: the Salesforce calls it makes, the parts it is built from (reader,
// writer) and what it reports. Everything the engine does is restartable: state lives in
// Postgres (the trigger log and the engine's bookkeeping table), never only in memory.

import type pg from 'pg';
import type { MappingDocument, WriteAlgorithm } from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import type { MappingContext } from './context';

// ---------------------------------------------------------------------------------------------
// Salesforce, as the engine needs it (salesforce-api.ts implements it over jsforce).

/** A record as REST returns it: field values plus `attributes`; parent paths as nested objects. */
export type SalesforceRecord = { attributes?: { type: string; url?: string } } & Record<
  string,
  unknown
>;

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** One record's outcome in a collections call or a Bulk ingest job, in request order. */
export type RecordResult =
  { ok: true; id: string; created?: boolean } | { ok: false; id?: string; errors: RecordError[] };

export type CollectionOperation = 'create' | 'update' | 'upsert' | 'delete';
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete';

/** One page of Bulk 2.0 query results: CSV rows keyed by header (`Account.Name` for paths). */
export interface BulkQueryPage {
  columns: string[];
  /** Values exactly as the CSV holds them; an empty field is ''. */
  rows: Array<Record<string, string>>;
  /** The locator of the next page; null after the last one. */
  nextLocator: string | null;
}

/** What a Bulk 2.0 ingest job did, per row, in the order of the rows given. */
export interface IngestOutcome {
  jobId: string;
  results: RecordResult[];
}

/**
 * Why a Salesforce call failed, as the engine must react to it:
 * - retryable: worth trying again later (503, dropped connection, timeout, lock errors); the
 *   client has already retried it `attempts` times with backoff.
 * - session: the session expired and cannot be renewed (a token-only connection): sign in again.
 * - limit: the org's daily API limit is reached; wait for it to reset.
 * - permanent: the request itself is wrong (bad SOQL, unknown object); retrying cannot help.
 */
export type SalesforceFailureKind = 'retryable' | 'session' | 'limit' | 'permanent';

export class SalesforceCallError extends Error {
  override readonly name = 'SalesforceCallError';
  constructor(
    readonly kind: SalesforceFailureKind,
    readonly errorCode: string,
    message: string,
    /**
     * The request may have reached Salesforce and been applied although no answer came back
     * (timeout, connection dropped after sending). Only matters for non-idempotent writes.
     */
    readonly ambiguous = false,
    readonly attempts = 1,
  ) {
    super(message);
  }
}

export interface SalesforceApi {
  readonly apiVersion: string;
  /** API requests this client has sent so far (retries included): the figure users pay for. */
  readonly callsMade: number;
  /** The org's daily API usage from the last `Sforce-Limit-Info` header, when one was seen. */
  readonly dailyUsage: { used: number; max: number } | undefined;
  /** The org's id (00D…), known after the first call. */
  organizationId(): Promise<string | undefined>;

  /** REST query (queryAll with `all`), one page at a time (batchSize 200–2000, default 2000). */
  queryPages(
    soql: string,
    options?: { all?: boolean; batchSize?: number },
  ): AsyncIterable<{ records: SalesforceRecord[]; totalSize: number }>;
  /** `SELECT COUNT() FROM …`: the number of matching records (queryAll with `all`). */
  count(soql: string, options?: { all?: boolean }): Promise<number>;

  /** Creates a Bulk 2.0 query (queryAll with `all`) job and waits until it is JobComplete. */
  bulkQuery(
    soql: string,
    options?: { all?: boolean } & BulkWaitOptions,
  ): Promise<{ jobId: string; records: number }>;
  /** One page of a finished job's results; `locator` null for the first page. */
  bulkQueryPage(jobId: string, locator: string | null, maxRecords: number): Promise<BulkQueryPage>;

  /**
   * One composite collections call (at most 200 records, allOrNone false). `records` carry
   * field values (and `Id` for update); delete takes ids in `records[i].Id`. Upsert needs
   * `externalIdField`. Results come back per record, in order.
   */
  collection(
    operation: CollectionOperation,
    objectName: string,
    records: Array<Record<string, unknown>>,
    options?: { externalIdField?: string },
  ): Promise<RecordResult[]>;

  /**
   * A Bulk 2.0 ingest job over `rows` (CSV columns are the keys of the first row; null is
   * written as `#N/A` so a field is cleared). Waits until the job ends and maps each row to its
   * result. Only for operations where results can be matched to rows: update, delete (by Id)
   * and upsert (by the external ID); insert without a key is refused.
   */
  ingest(
    operation: IngestOperation,
    objectName: string,
    rows: Array<Record<string, string | null>>,
    options?: { externalIdField?: string } & BulkWaitOptions,
  ): Promise<IngestOutcome>;
}

/** How long a Bulk call may wait for its job, and how to stop it (engine stop, drain abort). */
export interface BulkWaitOptions {
  /** Aborting stops the call (its requests and its wait): it rejects with 'ABORTED' (retryable). */
  signal?: AbortSignal;
  /** The longest wait for the job to finish (default 10 minutes), then 'BULK_JOB_TIMEOUT' (retryable). */
  maxWaitMs?: number;
}

// ---------------------------------------------------------------------------------------------
// What the engine reports.

export type MappingPhase =
  'waiting' | 'initial_load' | 'polling' | 'synced' | 'paused' | 'error' | 'read_only_wait';

export interface LoadProgress {
  done: number;
  /** Records Salesforce said the load would bring (a COUNT() or the Bulk job's count). */
  total: number;
  ratePerSecond: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  api: 'rest' | 'bulk';
}

export interface MappingStatus {
  objectName: string;
  table: string;
  phase: MappingPhase;
  paused: boolean;
  /** ISO times. */
  lastPollAt: string | null;
  nextPollAt: string | null;
  /** The SystemModstamp up to which Salesforce changes are in Postgres. */
  highWaterMark: string | null;
  load: LoadProgress | null;
  error: string | null;
}

export type EngineState = 'starting' | 'running' | 'paused' | 'stopped' | 'error';

export type SyncEvent =
  | { type: 'engine.state'; state: EngineState; message?: string }
  | { type: 'mapping.status'; status: MappingStatus }
  | { type: 'load.progress'; objectName: string; progress: LoadProgress }
  | {
      type: 'poll.done';
      objectName: string;
      upserted: number;
      deleted: number;
      conflicts: number;
      api: 'rest' | 'bulk';
    }
  | {
      /** A polled record whose Postgres row has changes not yet sent (see reader/poll.ts). */
      type: 'conflict';
      objectName: string;
      sfid: string;
      recordId: number;
      /** Columns whose unsent Postgres values were kept over Salesforce's. */
      keptColumns: string[];
    }
  | {
      type: 'write.batch';
      table: string;
      operation: CollectionOperation | IngestOperation;
      api: 'collections' | 'bulk';
      records: number;
      succeeded: number;
      failed: number;
      /** Records put back to try again later (lock errors and the like). */
      retrying: number;
      /** The first refused record's Salesforce errorCode (`FIELD_CUSTOM_VALIDATION_EXCEPTION`). */
      firstErrorCode?: string;
    }
  | { type: 'log'; level: 'info' | 'warning' | 'error'; message: string };

export type SyncEventListener = (event: SyncEvent) => void;

// ---------------------------------------------------------------------------------------------
// The parts.

export interface EngineSettings {
  schemaName: string;
  writeAlgorithm: WriteAlgorithm;
  /** Records above which loads and polls use Bulk 2.0 (Heroku Connect: 10,000). */
  bulkReadThreshold: number;
  /** Records of one table and operation in a drain above which writes use a Bulk 2.0 ingest job. UNCONFIRMED in Heroku Connect; ours is 2,000. */
  bulkWriteThreshold: number;
  /** `features.disable_bulk_writes` of the mapping document. */
  bulkWritesDisabled: boolean;
  /** Records per collections call (Salesforce's maximum, and Heroku Connect's soap_batch_size). */
  batchSize: number;
  /** Rows per Bulk 2.0 results page on loads. */
  bulkPageSize: number;
  /** Polls ask for changes since (high-water mark - overlap), so late commits are not missed. */
  pollOverlapMs: number;
  /** Retryable record failures are tried this many times before they count as FAILED. */
  maxRecordAttempts: number;
  /** Processed trigger-log rows move to the archive after this long (24 h). */
  archiveAfterMs: number;
  /** Archived rows are purged after this long (31 days). */
  purgeAfterMs: number;
  now: () => Date;
}

export interface SyncPartContext {
  pool: pg.Pool;
  salesforce: SalesforceApi;
  settings: EngineSettings;
  emit: SyncEventListener;
}

/** Salesforce -> Postgres for one mapping (reader/). */
export interface MappingReader {
  /** Loads the table when it has never been loaded, resuming a load a crash interrupted. */
  ensureLoaded(mapping: MappingContext, signal: AbortSignal): Promise<{ loaded: number }>;
  /** One poll: changes and deletes since the high-water mark, upserted by sfid. */
  poll(
    mapping: MappingContext,
    signal: AbortSignal,
  ): Promise<{ upserted: number; deleted: number; conflicts: number }>;
  /** Empties the table and forgets its load, so the next ensureLoaded loads it again. */
  reload(mapping: MappingContext): Promise<void>;
}

export interface DrainResult {
  claimed: number;
  succeeded: number;
  failed: number;
  /** Rows MERGED into another row's write (merged writes). */
  merged: number;
  ignored: number;
  /**
   * Rows this drain put back to NEW for another try, plus every record the writer still holds
   * back for a retry backoff from earlier drains (one each): zero means nothing waits to retry.
   */
  retrying: number;
}

/** Postgres -> Salesforce: the trigger log is the queue (writer/). */
export interface TriggerLogWriter {
  /**
   * Claims NEW rows and writes them until none is left that can be sent now (rows waiting for a
   * retry backoff stay NEW). Rows claimed by an engine that died are reclaimed first.
   */
  drain(signal: AbortSignal): Promise<DrainResult>;
  /**
   * When the earliest record held back for a retry backoff may be sent again (epoch ms; may be
   * past), or undefined when none is held. A drain before then leaves those records NEW.
   */
  nextRetryAt(): number | undefined;
}

// ---------------------------------------------------------------------------------------------
// The engine.

export interface SyncEngineOptions {
  pool: pg.Pool;
  /** The database URL, for the engine's own LISTEN connection. */
  databaseUrl: string;
  salesforce: SalesforceApi;
  /** Describes of (at least) every mapped object and the parents of their relationship fields. */
  catalog: DescribeCatalog;
  /** The applied mappings (appliedMappings(snapshot)) with their connection settings. */
  document: MappingDocument;
  /** Overrides pieces of the defaults (DEFAULT_ENGINE_SETTINGS). schemaName default 'salesforce'. */
  settings?: Partial<EngineSettings>;
  /** Fallback when no NOTIFY arrives: drain the trigger log this often (default 10 s; Heroku Connect: 2 min). */
  writerPollMs?: number;
  /** NOTIFY wakes the writer at most this often (default 100 ms; Heroku Connect: 10 s). */
  notifyFloorMs?: number;
  onEvent?: SyncEventListener;
}

export interface SyncSummary {
  ok: boolean;
  durationMs: number;
  apiCalls: number;
  mappings: Array<{
    objectName: string;
    loaded: number;
    upserted: number;
    deleted: number;
    conflicts: number;
    error: string | null;
  }>;
  writes: DrainResult;
  /** Trigger-log rows left in each state after the run (NEW, PENDING, FAILED, …). */
  triggerLog: Record<string, number>;
}

export interface SyncEngine {
  /** Loads what needs loading, then polls and writes until stop(). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `sync --once`: load if needed, one poll per mapping, drain the trigger log, stop. */
  runOnce(): Promise<SyncSummary>;
  /** Pause one mapping (reads and its table's writes), or everything without an object name. */
  pause(objectName?: string): Promise<void>;
  resume(objectName?: string): Promise<void>;
  /** Empties a mapping's table and loads it again. */
  reload(objectName: string): Promise<void>;
  /** Wakes the writer now (a NOTIFY does the same). */
  wake(): void;
  state(): EngineState;
  statuses(): MappingStatus[];
  subscribe(listener: SyncEventListener): () => void;
}
