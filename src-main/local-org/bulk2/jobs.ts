// Bulk API 2.0 jobs kept in the org's own database, so a restart on the same file still knows
// its finished jobs and their results. Tables: `_bulk_jobs` (one row per job), `_bulk_counter`
// (the job-id counter), `_bulk_query_pages` (query results, CSV records in pages),
// `_bulk_ingest_uploads` (the CSV of each PUT) and `_bulk_ingest_results` (result files).

import type Database from 'better-sqlite3';
import { SalesforceError, notFound } from '../errors';
import { makeId, normalizeId } from '../ids';
import type { ColumnDelimiter, LineEnding } from './csv';

/** Salesforce's key prefix for AsyncApexJob, which Bulk 2.0 job ids carry. */
const JOB_KEY_PREFIX = '750';

export type JobKind = 'query' | 'ingest';

export type JobState =
  'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export type QueryOperation = 'query' | 'queryAll';
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

export interface BulkJob {
  id: string;
  kind: JobKind;
  operation: QueryOperation | IngestOperation;
  object: string;
  createdById: string;
  /** Date#toISOString. */
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  /** '62.0'. */
  apiVersion: string;
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
  externalIdFieldName: string | null;
  /** The SOQL of a query job. */
  query: string | null;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  totalProcessingTime: number;
  errorMessage: string | null;
  /** Query jobs: the result columns. */
  columns: string[] | null;
}

export type IngestResultKind = 'successful' | 'failed' | 'unprocessed';

/** Query results are stored in pages of this many CSV records. */
export const QUERY_PAGE_ROWS = 2000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS _bulk_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _bulk_jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  operation TEXT NOT NULL,
  object TEXT NOT NULL,
  created_by_id TEXT NOT NULL,
  created_date TEXT NOT NULL,
  system_modstamp TEXT NOT NULL,
  state TEXT NOT NULL,
  api_version TEXT NOT NULL,
  column_delimiter TEXT NOT NULL,
  line_ending TEXT NOT NULL,
  external_id_field_name TEXT,
  query TEXT,
  number_records_processed INTEGER NOT NULL DEFAULT 0,
  number_records_failed INTEGER NOT NULL DEFAULT 0,
  total_processing_time INTEGER NOT NULL DEFAULT 0,
  error_message TEXT,
  columns TEXT
);
CREATE TABLE IF NOT EXISTS _bulk_query_pages (
  job_id TEXT NOT NULL,
  first_row INTEGER NOT NULL,
  records TEXT NOT NULL,
  PRIMARY KEY (job_id, first_row)
);
CREATE TABLE IF NOT EXISTS _bulk_ingest_uploads (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  csv TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS _bulk_ingest_results (
  job_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  csv TEXT NOT NULL,
  PRIMARY KEY (job_id, kind)
);
`;

interface JobRow {
  id: string;
  kind: string;
  operation: string;
  object: string;
  created_by_id: string;
  created_date: string;
  system_modstamp: string;
  state: string;
  api_version: string;
  column_delimiter: string;
  line_ending: string;
  external_id_field_name: string | null;
  query: string | null;
  number_records_processed: number;
  number_records_failed: number;
  total_processing_time: number;
  error_message: string | null;
  columns: string | null;
}

function jobFromRow(row: JobRow): BulkJob {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    operation: row.operation as BulkJob['operation'],
    object: row.object,
    createdById: row.created_by_id,
    createdDate: row.created_date,
    systemModstamp: row.system_modstamp,
    state: row.state as JobState,
    apiVersion: row.api_version,
    columnDelimiter: row.column_delimiter as ColumnDelimiter,
    lineEnding: row.line_ending as LineEnding,
    externalIdFieldName: row.external_id_field_name,
    query: row.query,
    numberRecordsProcessed: row.number_records_processed,
    numberRecordsFailed: row.number_records_failed,
    totalProcessingTime: row.total_processing_time,
    errorMessage: row.error_message,
    columns: row.columns === null ? null : (JSON.parse(row.columns) as string[]),
  };
}

export type NewJob = Omit<
  BulkJob,
  | 'id'
  | 'createdDate'
  | 'systemModstamp'
  | 'numberRecordsProcessed'
  | 'numberRecordsFailed'
  | 'totalProcessingTime'
  | 'errorMessage'
>;

export type JobChanges = Partial<
  Pick<
    BulkJob,
    | 'state'
    | 'numberRecordsProcessed'
    | 'numberRecordsFailed'
    | 'totalProcessingTime'
    | 'errorMessage'
    | 'columns'
  >
>;

const CHANGE_COLUMNS: Record<keyof JobChanges, string> = {
  state: 'state',
  numberRecordsProcessed: 'number_records_processed',
  numberRecordsFailed: 'number_records_failed',
  totalProcessingTime: 'total_processing_time',
  errorMessage: 'error_message',
  columns: 'columns',
};

/** The jobs of one org database. */
export class BulkJobRepository {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /** Runs fn in one transaction (a savepoint when one is open). */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  create(job: NewJob, now: Date = new Date()): BulkJob {
    const stamp = now.toISOString();
    const id = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO _bulk_counter (name, value) VALUES ('job', 1)
           ON CONFLICT (name) DO UPDATE SET value = value + 1`,
        )
        .run();
      const { value } = this.db
        .prepare(`SELECT value FROM _bulk_counter WHERE name = 'job'`)
        .get() as { value: number };
      const jobId = makeId(JOB_KEY_PREFIX, value);
      this.db
        .prepare(
          `INSERT INTO _bulk_jobs (id, kind, operation, object, created_by_id, created_date,
             system_modstamp, state, api_version, column_delimiter, line_ending,
             external_id_field_name, query, columns)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          jobId,
          job.kind,
          job.operation,
          job.object,
          job.createdById,
          stamp,
          stamp,
          job.state,
          job.apiVersion,
          job.columnDelimiter,
          job.lineEnding,
          job.externalIdFieldName,
          job.query,
          job.columns === null ? null : JSON.stringify(job.columns),
        );
      return jobId;
    })();
    return this.require(job.kind, id);
  }

  /** The job of this kind with this id (15 or 18 characters); NOT_FOUND otherwise. */
  require(kind: JobKind, id: string): BulkJob {
    const id18 = normalizeId(id);
    const row = id18
      ? (this.db.prepare(`SELECT * FROM _bulk_jobs WHERE id = ? AND kind = ?`).get(id18, kind) as
          JobRow | undefined)
      : undefined;
    if (!row) throw notFound();
    return jobFromRow(row);
  }

  list(kind: JobKind): BulkJob[] {
    const rows = this.db
      .prepare(`SELECT * FROM _bulk_jobs WHERE kind = ? ORDER BY created_date, id`)
      .all(kind) as JobRow[];
    return rows.map(jobFromRow);
  }

  update(job: BulkJob, changes: JobChanges, now: Date = new Date()): BulkJob {
    const sets = ['system_modstamp = ?'];
    const values: unknown[] = [now.toISOString()];
    for (const [key, value] of Object.entries(changes) as [keyof JobChanges, unknown][]) {
      sets.push(`${CHANGE_COLUMNS[key]} = ?`);
      values.push(key === 'columns' ? JSON.stringify(value) : value);
    }
    this.db.prepare(`UPDATE _bulk_jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, job.id);
    return this.require(job.kind, job.id);
  }

  delete(job: BulkJob): void {
    this.db.transaction(() => {
      for (const table of ['_bulk_query_pages', '_bulk_ingest_uploads', '_bulk_ingest_results']) {
        this.db.prepare(`DELETE FROM ${table} WHERE job_id = ?`).run(job.id);
      }
      this.db.prepare(`DELETE FROM _bulk_jobs WHERE id = ?`).run(job.id);
    })();
  }

  // Query results -------------------------------------------------------------------------

  /** Stores a query job's result records (CSV records without line endings). */
  saveQueryRecords(job: BulkJob, records: readonly string[]): void {
    const insert = this.db.prepare(
      `INSERT INTO _bulk_query_pages (job_id, first_row, records) VALUES (?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (let first = 0; first < records.length; first += QUERY_PAGE_ROWS) {
        insert.run(job.id, first, JSON.stringify(records.slice(first, first + QUERY_PAGE_ROWS)));
      }
    })();
  }

  /** Records [offset, offset + count) of a query job's results. */
  queryRecords(job: BulkJob, offset: number, count: number): string[] {
    const firstPage = Math.floor(offset / QUERY_PAGE_ROWS) * QUERY_PAGE_ROWS;
    const pages = this.db
      .prepare(
        `SELECT first_row, records FROM _bulk_query_pages
         WHERE job_id = ? AND first_row >= ? AND first_row < ? ORDER BY first_row`,
      )
      .all(job.id, firstPage, offset + count) as Array<{ first_row: number; records: string }>;
    const out: string[] = [];
    for (const page of pages) {
      const records = JSON.parse(page.records) as string[];
      const from = Math.max(0, offset - page.first_row);
      const to = Math.min(records.length, offset + count - page.first_row);
      for (let i = from; i < to; i++) out.push(records[i] as string);
    }
    return out;
  }

  dropQueryRecords(job: BulkJob): void {
    this.db.prepare(`DELETE FROM _bulk_query_pages WHERE job_id = ?`).run(job.id);
  }

  // Ingest data and results ---------------------------------------------------------------

  addUpload(job: BulkJob, csv: string): void {
    this.db
      .prepare(
        `INSERT INTO _bulk_ingest_uploads (job_id, seq, csv)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM _bulk_ingest_uploads WHERE job_id = ?), ?)`,
      )
      .run(job.id, job.id, csv);
  }

  uploads(job: BulkJob): string[] {
    const rows = this.db
      .prepare(`SELECT csv FROM _bulk_ingest_uploads WHERE job_id = ? ORDER BY seq`)
      .all(job.id) as Array<{ csv: string }>;
    return rows.map((r) => r.csv);
  }

  saveResult(job: BulkJob, kind: IngestResultKind, csv: string): void {
    this.db
      .prepare(
        `INSERT INTO _bulk_ingest_results (job_id, kind, csv) VALUES (?, ?, ?)
         ON CONFLICT (job_id, kind) DO UPDATE SET csv = excluded.csv`,
      )
      .run(job.id, kind, csv);
  }

  result(job: BulkJob, kind: IngestResultKind): string | undefined {
    const row = this.db
      .prepare(`SELECT csv FROM _bulk_ingest_results WHERE job_id = ? AND kind = ?`)
      .get(job.id, kind) as { csv: string } | undefined;
    return row?.csv;
  }
}

const repositories = new WeakMap<Database.Database, BulkJobRepository>();

/** The repository of an org database (tables created on first use). */
export function jobsOf(db: Database.Database): BulkJobRepository {
  let repository = repositories.get(db);
  if (!repository) {
    repository = new BulkJobRepository(db);
    repositories.set(db, repository);
  }
  return repository;
}

/** A request that cannot happen in the job's current state. */
export function invalidJobState(message: string): SalesforceError {
  // errorCode and status UNCONFIRMED: Bulk 2.0 reports state conflicts as 400 INVALIDJOBSTATE
  // as far as we know.
  return new SalesforceError('INVALIDJOBSTATE', message, [], 400);
}
