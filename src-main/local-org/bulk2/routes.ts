// Bulk API 2.0 over HTTP (salesforce-rest.md §2.15, §2.16, rules 14–16): query jobs run their
// SOQL when created and ingest jobs process their rows when closed, so the first status GET
// already says JobComplete and jsforce never sleeps through a poll interval.

import { SalesforceError, notFound } from '../errors';
import type { ApiRequest, ApiResponse, ApiRoute } from '../server/routes';
import {
  COLUMN_DELIMITERS,
  csvRecord,
  isColumnDelimiter,
  isLineEnding,
  LINE_ENDINGS,
  type ColumnDelimiter,
  type LineEnding,
} from './csv';
import { runIngest, unprocessedOnAbort, uploadedHeader } from './ingest-job';
import {
  invalidJobState,
  jobsOf,
  type BulkJob,
  type BulkJobRepository,
  type IngestOperation,
  type IngestResultKind,
  type JobKind,
} from './jobs';
import { csvRecordsOf, planBulkQuery } from './query-job';

const INGEST_OPERATIONS: readonly IngestOperation[] = [
  'insert',
  'update',
  'upsert',
  'delete',
  'hardDelete',
];

type JsonBody = Record<string, unknown>;

/** A job definition Bulk 2.0 cannot accept (errorCode UNCONFIRMED: INVALIDJOB, 400). */
const invalidJob = (message: string): SalesforceError =>
  new SalesforceError('INVALIDJOB', message, [], 400);

/** A request parameter Bulk 2.0 cannot use (errorCode UNCONFIRMED). */
const badRequest = (message: string): SalesforceError =>
  new SalesforceError('API_ERROR', message, [], 400);

function jsonBody(request: ApiRequest): JsonBody {
  const body = request.json();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      'The request body must be a JSON object describing the job',
    );
  }
  return body as JsonBody;
}

function stringOption(body: JsonBody, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidJob(`${name} must be a string`);
  return value;
}

function formatOptions(body: JsonBody): {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
} {
  const columnDelimiter = body.columnDelimiter ?? 'COMMA';
  const lineEnding = body.lineEnding ?? 'LF';
  if (!isColumnDelimiter(columnDelimiter)) {
    throw invalidJob(
      `columnDelimiter ${JSON.stringify(columnDelimiter)} is not one of ` +
        Object.keys(COLUMN_DELIMITERS).join(', '),
    );
  }
  if (!isLineEnding(lineEnding)) {
    throw invalidJob(`lineEnding ${JSON.stringify(lineEnding)} is not one of LF, CRLF`);
  }
  const contentType = body.contentType ?? 'CSV';
  if (contentType !== 'CSV') {
    throw invalidJob(`contentType ${JSON.stringify(contentType)} is not supported; use CSV`);
  }
  return { columnDelimiter, lineEnding };
}

/** `2024-01-02T03:04:05.000+0000`, the form of timestamps in job info. */
const envelopeDate = (iso: string): string => iso.replace(/Z$/, '+0000');

/** apiVersion is a JSON number in job info (`62.0` arrives as 62). */
const versionNumber = (version: string): number => Number(version);

function jobs(request: ApiRequest): BulkJobRepository {
  return jobsOf(request.org.store.db);
}

const json = (body: unknown, status = 200): ApiResponse => ({ status, body });

// ---------------------------------------------------------------------------------------------
// Job info

function baseInfo(job: BulkJob): JsonBody {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: envelopeDate(job.createdDate),
    systemModstamp: envelopeDate(job.systemModstamp),
    state: job.state,
  };
}

function queryInfo(job: BulkJob, detailed: boolean): JsonBody {
  const info: JsonBody = {
    ...baseInfo(job),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: versionNumber(job.apiVersion),
  };
  if (detailed) info.jobType = 'V2Query';
  info.lineEnding = job.lineEnding;
  info.columnDelimiter = job.columnDelimiter;
  if (detailed) {
    info.numberRecordsProcessed = job.numberRecordsProcessed;
    info.retries = 0;
    info.totalProcessingTime = job.totalProcessingTime;
    info.isPkChunkingSupported = true;
  }
  return info;
}

function ingestInfo(job: BulkJob, detailed: boolean): JsonBody {
  const info: JsonBody = baseInfo(job);
  if (job.externalIdFieldName) info.externalIdFieldName = job.externalIdFieldName;
  Object.assign(info, {
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: versionNumber(job.apiVersion),
    jobType: 'V2Ingest',
    contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  });
  if (detailed) {
    Object.assign(info, {
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: 0,
      totalProcessingTime: job.totalProcessingTime,
      apiActiveProcessingTime: job.totalProcessingTime,
      apexProcessingTime: 0,
    });
    if (job.errorMessage !== null) info.errorMessage = job.errorMessage;
  }
  return info;
}

function listJobs(request: ApiRequest, kind: JobKind): ApiResponse {
  const jobType = request.query.get('jobType');
  const records = jobs(request)
    .list(kind)
    .filter(() => jobType === null || jobType === (kind === 'query' ? 'V2Query' : 'V2Ingest'))
    .map((job) => (kind === 'query' ? queryInfo(job, true) : ingestInfo(job, true)));
  // One page: the org holds few jobs (paging by queryLocator not implemented).
  return json({ done: true, records, nextRecordsUrl: null });
}

function deleteJob(request: ApiRequest, kind: JobKind, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = repository.require(kind, jobId);
  // SFDOC: a job can be deleted in UploadComplete, JobComplete, Aborted or Failed.
  if (job.state === 'Open') {
    throw invalidJobState(`Job ${job.id} is Open; abort it (state Aborted) before deleting it`);
  }
  repository.delete(job);
  return { status: 204 };
}

function requestedState(request: ApiRequest, allowed: readonly string[]): string {
  const state = jsonBody(request).state;
  if (typeof state !== 'string' || !allowed.includes(state)) {
    throw invalidJobState(
      `Cannot change a job's state to ${JSON.stringify(state)}; use ${allowed.join(' or ')}`,
    );
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Query jobs

function createQueryJob(request: ApiRequest): ApiResponse {
  const body = jsonBody(request);
  const soql = stringOption(body, 'query');
  if (soql === undefined || soql.trim() === '') {
    throw invalidJob('The job needs a query: {"operation": "query", "query": "SELECT …"}');
  }
  const operation = body.operation;
  if (operation !== 'query' && operation !== 'queryAll') {
    throw invalidJob(
      `operation ${JSON.stringify(operation)} is not a query operation; use query or queryAll`,
    );
  }
  const { columnDelimiter, lineEnding } = formatOptions(body);
  const store = request.org.store;
  const started = Date.now();
  const plan = planBulkQuery(soql, store.schema);
  const { records } = store.queryAll(soql, {
    includeDeleted: operation === 'queryAll',
    apiVersion: request.apiVersion,
  });
  // The store validated the query, so the plan exists and FROM names a known object.
  if (!plan) throw new SalesforceError('MALFORMED_QUERY', 'The query could not be read');
  const lines = csvRecordsOf(records, plan, COLUMN_DELIMITERS[columnDelimiter]);
  const repository = jobs(request);
  const created = repository.inTransaction(() => {
    let job = repository.create({
      kind: 'query',
      operation,
      object: plan.object,
      createdById: request.userId,
      // Results are ready now; the state turns JobComplete when first looked at (rule 15), so a
      // job can still be aborted right after creation.
      state: 'UploadComplete',
      apiVersion: request.apiVersion,
      columnDelimiter,
      lineEnding,
      externalIdFieldName: null,
      query: soql,
      columns: plan.columns.map((c) => c.header),
    });
    repository.saveQueryRecords(job, lines);
    job = repository.update(job, {
      numberRecordsProcessed: lines.length,
      totalProcessingTime: Date.now() - started,
    });
    return job;
  });
  return json(queryInfo(created, false));
}

/** A query job seen by a client: the finished work now shows as JobComplete. */
function observedQueryJob(repository: BulkJobRepository, job: BulkJob): BulkJob {
  return job.state === 'UploadComplete' ? repository.update(job, { state: 'JobComplete' }) : job;
}

function getQueryJob(request: ApiRequest, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = observedQueryJob(repository, repository.require('query', jobId));
  return json(queryInfo(job, true));
}

function patchQueryJob(request: ApiRequest, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = repository.require('query', jobId);
  requestedState(request, ['Aborted']);
  if (job.state !== 'UploadComplete' && job.state !== 'InProgress') {
    throw invalidJobState(`Job ${job.id} is ${job.state} and can no longer be aborted`);
  }
  repository.dropQueryRecords(job);
  return json(queryInfo(repository.update(job, { state: 'Aborted' }), false));
}

const LOCATOR = /^[A-Za-z0-9_-]+$/;

function offsetOfLocator(locator: string | null): number {
  if (locator === null || locator === '') return 0;
  const offset = LOCATOR.test(locator)
    ? Number(Buffer.from(locator, 'base64url').toString('utf8'))
    : NaN;
  if (!Number.isInteger(offset) || offset < 0) {
    // errorCode UNCONFIRMED for Bulk 2.0 result locators.
    throw new SalesforceError(
      'INVALID_QUERY_LOCATOR',
      `invalid query locator: ${locator}; use the Sforce-Locator header of the previous page`,
    );
  }
  return offset;
}

const locatorOf = (offset: number): string => Buffer.from(String(offset)).toString('base64url');

function queryResults(request: ApiRequest, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = observedQueryJob(repository, repository.require('query', jobId));
  if (job.state !== 'JobComplete') {
    // 400 JOB_NOT_COMPLETE (older SFDOC shows 412; status UNCONFIRMED). Never 5xx: jsforce
    // retries those on GET.
    throw new SalesforceError(
      'JOB_NOT_COMPLETE',
      `Job ${job.id} is ${job.state}; only a JobComplete query job has results`,
    );
  }
  const maxRecordsText = request.query.get('maxRecords');
  let maxRecords = Number.POSITIVE_INFINITY;
  if (maxRecordsText !== null) {
    maxRecords = Number(maxRecordsText);
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw badRequest(`maxRecords must be a positive whole number, not ${maxRecordsText}`);
    }
  }
  const total = job.numberRecordsProcessed;
  const offset = offsetOfLocator(request.query.get('locator'));
  if (offset > total) throw new SalesforceError('INVALID_QUERY_LOCATOR', 'invalid query locator');
  const count = Math.min(maxRecords, total - offset);
  const records = repository.queryRecords(job, offset, count);
  const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
  const lineEnding = LINE_ENDINGS[job.lineEnding];
  let body = csvRecord(job.columns ?? [], delimiter) + lineEnding;
  for (const record of records) body += record + lineEnding;
  const next = offset + records.length;
  return {
    status: 200,
    contentType: 'text/csv',
    body,
    headers: {
      'Sforce-NumberOfRecords': String(records.length),
      // The literal string "null" on the last page (rule 14): jsforce loops without it.
      'Sforce-Locator': next < total ? locatorOf(next) : 'null',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Ingest jobs

function createIngestJob(request: ApiRequest): ApiResponse {
  const body = jsonBody(request);
  const store = request.org.store;
  const objectName = stringOption(body, 'object');
  if (objectName === undefined || objectName === '') {
    throw invalidJob('The job needs an object: {"object": "Account", "operation": "insert"}');
  }
  const object = store.schema.object(objectName);
  if (!object) {
    throw invalidJob(`Unknown object ${objectName}; use an object API name such as Account`);
  }
  const operation = body.operation;
  if (!INGEST_OPERATIONS.includes(operation as IngestOperation)) {
    throw invalidJob(
      `operation ${JSON.stringify(operation)} is not an ingest operation; use one of ` +
        INGEST_OPERATIONS.join(', '),
    );
  }
  let externalIdFieldName: string | null = null;
  if (operation === 'upsert') {
    const name = stringOption(body, 'externalIdFieldName');
    if (name === undefined || name === '') {
      throw invalidJob('An upsert job needs externalIdFieldName (an External ID field, or Id)');
    }
    const field = object.field(name);
    const usable =
      field && (field.name === 'Id' || field.describe.externalId || field.describe.idLookup);
    if (!field || !usable) {
      // Salesforce's wording for this refusal.
      throw invalidJob(
        `Field name provided, ${name} does not match an External ID, Salesforce Id, or indexed ` +
          `field for ${object.name}`,
      );
    }
    externalIdFieldName = field.name;
  }
  const { columnDelimiter, lineEnding } = formatOptions(body);
  const job = jobs(request).create({
    kind: 'ingest',
    operation: operation as IngestOperation,
    object: object.name,
    createdById: request.userId,
    state: 'Open',
    apiVersion: request.apiVersion,
    columnDelimiter,
    lineEnding,
    externalIdFieldName,
    query: null,
    columns: null,
  });
  return json(ingestInfo(job, false));
}

function uploadBatch(request: ApiRequest, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = repository.require('ingest', jobId);
  if (job.state !== 'Open') {
    throw invalidJobState(`Job ${job.id} is ${job.state}; data can be uploaded only while Open`);
  }
  const csv = request.body.toString('utf8');
  if (csv.trim() === '') {
    throw badRequest('The upload is empty; send CSV text with a header row of field names');
  }
  repository.addUpload(job, csv);
  return { status: 201 };
}

function patchIngestJob(request: ApiRequest, jobId: string): ApiResponse {
  const repository = jobs(request);
  const job = repository.require('ingest', jobId);
  const state = requestedState(request, ['UploadComplete', 'Aborted']);
  if (job.state !== 'Open') {
    throw invalidJobState(
      `Job ${job.id} is ${job.state}; only an Open job can be ${state === 'Aborted' ? 'aborted' : 'closed'}`,
    );
  }
  const uploads = repository.uploads(job);
  if (state === 'Aborted') {
    repository.saveResult(job, 'unprocessed', unprocessedOnAbort(job, uploads));
    return json(ingestInfo(repository.update(job, { state: 'Aborted' }), false));
  }
  const started = Date.now();
  const outcome = runIngest(request.org.store, job, uploads, request.userId);
  repository.saveResult(job, 'successful', outcome.successfulResults);
  repository.saveResult(job, 'failed', outcome.failedResults);
  repository.saveResult(job, 'unprocessed', outcome.unprocessedRecords);
  const finished = repository.update(job, {
    state: outcome.state,
    numberRecordsProcessed: outcome.numberRecordsProcessed,
    numberRecordsFailed: outcome.numberRecordsFailed,
    totalProcessingTime: Date.now() - started,
    errorMessage: outcome.errorMessage,
  });
  // The answer to the close says UploadComplete, as Salesforce's does; the work is done already,
  // so the first status GET reports JobComplete (rule 15).
  return json(ingestInfo({ ...finished, state: 'UploadComplete' }, false));
}

function ingestResults(request: ApiRequest, jobId: string, kind: IngestResultKind): ApiResponse {
  const repository = jobs(request);
  const job = repository.require('ingest', jobId);
  let csv = repository.result(job, kind);
  if (csv === undefined) {
    if (job.state === 'Open') {
      throw new SalesforceError(
        'JOB_NOT_COMPLETE',
        `Job ${job.id} is still Open; close it (state UploadComplete) before reading its results`,
      );
    }
    // An aborted job processed nothing: header-only files.
    const header = uploadedHeader(job, repository.uploads(job));
    const lead =
      kind === 'successful'
        ? ['sf__Id', 'sf__Created']
        : kind === 'failed'
          ? ['sf__Id', 'sf__Error']
          : [];
    const columns = [...lead, ...header];
    csv =
      columns.length > 0
        ? csvRecord(columns, COLUMN_DELIMITERS[job.columnDelimiter]) + LINE_ENDINGS[job.lineEnding]
        : '';
  }
  return { status: 200, contentType: 'text/csv', body: csv };
}

// ---------------------------------------------------------------------------------------------

function route(
  method: ApiRoute['method'],
  pattern: string,
  handle: (request: ApiRequest, params: Readonly<Record<string, string>>) => ApiResponse,
): ApiRoute {
  return { method, pattern, handler: handle };
}

const jobIdOf = (params: Readonly<Record<string, string>>): string => {
  const id = params.jobId;
  if (id === undefined) throw notFound();
  return id;
};

/** Every Bulk API 2.0 route, for the HTTP server to mount. */
export function bulk2Routes(): ApiRoute[] {
  return [
    route('POST', '/jobs/query', (r) => createQueryJob(r)),
    route('GET', '/jobs/query', (r) => listJobs(r, 'query')),
    route('GET', '/jobs/query/:jobId', (r, p) => getQueryJob(r, jobIdOf(p))),
    route('PATCH', '/jobs/query/:jobId', (r, p) => patchQueryJob(r, jobIdOf(p))),
    route('DELETE', '/jobs/query/:jobId', (r, p) => deleteJob(r, 'query', jobIdOf(p))),
    route('GET', '/jobs/query/:jobId/results', (r, p) => queryResults(r, jobIdOf(p))),
    route('POST', '/jobs/ingest', (r) => createIngestJob(r)),
    route('GET', '/jobs/ingest', (r) => listJobs(r, 'ingest')),
    route('GET', '/jobs/ingest/:jobId', (r, p) =>
      json(ingestInfo(jobs(r).require('ingest', jobIdOf(p)), true)),
    ),
    route('PATCH', '/jobs/ingest/:jobId', (r, p) => patchIngestJob(r, jobIdOf(p))),
    route('DELETE', '/jobs/ingest/:jobId', (r, p) => deleteJob(r, 'ingest', jobIdOf(p))),
    route('PUT', '/jobs/ingest/:jobId/batches', (r, p) => uploadBatch(r, jobIdOf(p))),
    route('GET', '/jobs/ingest/:jobId/successfulResults', (r, p) =>
      ingestResults(r, jobIdOf(p), 'successful'),
    ),
    route('GET', '/jobs/ingest/:jobId/failedResults', (r, p) =>
      ingestResults(r, jobIdOf(p), 'failed'),
    ),
    route('GET', '/jobs/ingest/:jobId/unprocessedrecords', (r, p) =>
      ingestResults(r, jobIdOf(p), 'unprocessed'),
    ),
  ];
}
