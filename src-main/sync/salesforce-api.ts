// The engine's Salesforce client: REST queries, sObject Collections and Bulk 2.0 over plain
// fetch with the jsforce connection's session. We send requests ourselves rather than through
// jsforce because jsforce retries GETs on 5xx for ~15 s on its own, cannot page Bulk 2.0 query
// results (salesforce-rest.md §6.1) and hides the headers we need (Sforce-Locator,
// Sforce-Limit-Info). Retries, relogin and the ambiguity rule for creates live here.

import type { Connection } from 'jsforce';
import { toEighteenCharacterId } from '../../src-shared/salesforce';
import { connectToSalesforce, type SalesforceTarget } from '../salesforce';
import {
  classifySalesforceFailure,
  backoffDelay,
  RequestTimeoutError,
  SalesforceHttpError,
} from './retry';
import { parseCsv, writeCsv } from './bulk-csv';
import {
  SalesforceCallError,
  type BulkQueryPage,
  type BulkWaitOptions,
  type CollectionOperation,
  type IngestOperation,
  type IngestOutcome,
  type RecordError,
  type RecordResult,
  type SalesforceApi,
  type SalesforceRecord,
} from './types';

export interface SalesforceApiOptions {
  /** Abort a request that has not answered after this long (default 60 s). */
  requestTimeoutMs?: number;
  /** Tries per request, the first included (default 6). */
  maxAttempts?: number;
  /** Backoff before the second try (default 250 ms), doubling up to backoffMaxMs (default 8 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Signs in again after INVALID_SESSION_ID (a password target); without it the error is 'session'. */
  relogin?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How a Bulk call may be stopped. These options are ours, beyond the SalesforceApi contract
 * (which the lead owns): callers that know this client pass them through a variable.
 */
const MAX_COLLECTION_RECORDS = 200;
const POLL_FIRST_MS = 50;
const POLL_MAX_MS = 1_000;
const BULK_MAX_WAIT_MS = 10 * 60_000;

interface SendRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A path under /services/data/vXX.X (starting with '/'), or an absolute /services/... path. */
  path: string;
  body?: string;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** Sending it twice does no harm; false: an ambiguous failure is not retried. */
  idempotent: boolean;
  /** Stops the request (and its retries) when aborted; the call rejects with abortReason(). */
  signal?: AbortSignal;
}

interface SendResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface CollectionAnswer {
  id?: string | null;
  success?: boolean;
  created?: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message?: string; fields?: string[] }>;
}

interface JobInfo {
  id: string;
  state: string;
  errorMessage?: string | null;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  contentUrl?: string;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

class RestSalesforceApi implements SalesforceApi {
  readonly apiVersion: string;
  callsMade = 0;
  dailyUsage: { used: number; max: number } | undefined;

  private readonly requestTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly relogin: (() => Promise<void>) | undefined;
  /** One relogin at a time: concurrent 401s wait for the same sign-in. */
  private reloginInFlight: Promise<void> | undefined;

  constructor(
    private readonly conn: Connection,
    options: SalesforceApiOptions,
  ) {
    this.apiVersion = conn.version;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 6);
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.backoffMaxMs = options.backoffMaxMs ?? 8_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.relogin = options.relogin;
  }

  async organizationId(): Promise<string | undefined> {
    const known = this.conn.userInfo?.organizationId;
    if (known) return known;
    // Session ids start with the org's 15-character id and '!' (salesforce-rest.md §1.4).
    const prefix = /^(00D[0-9A-Za-z]{12})!/.exec(this.conn.accessToken ?? '');
    if (prefix?.[1]) return toEighteenCharacterId(prefix[1]);
    // Otherwise the identity URL of the version resource names it: .../id/<orgId>/<userId>.
    const answer = await this.sendJson<{ identity?: string }>({
      method: 'GET',
      path: '/',
      idempotent: true,
    });
    const match = answer.identity ? /\/id\/(00D[0-9A-Za-z]{12,15})\//.exec(answer.identity) : null;
    return match?.[1] ? toEighteenCharacterId(match[1]) : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // REST query

  async *queryPages(
    soql: string,
    options: { all?: boolean; batchSize?: number } = {},
  ): AsyncIterable<{ records: SalesforceRecord[]; totalSize: number }> {
    const batchSize = options.batchSize ?? 2000;
    if (!Number.isInteger(batchSize) || batchSize < 200 || batchSize > 2000) {
      throw new SalesforceCallError(
        'permanent',
        'INVALID_BATCH_SIZE',
        `The query batch size must be a whole number from 200 to 2000, not ${batchSize}.`,
      );
    }
    const headers = { 'Sforce-Query-Options': `batchSize=${batchSize}` };
    let path: string | undefined =
      `/${options.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
    while (path !== undefined) {
      const page: QueryAnswer = await this.sendJson<QueryAnswer>({
        method: 'GET',
        path,
        headers,
        idempotent: true,
      });
      yield { records: page.records ?? [], totalSize: page.totalSize ?? 0 };
      path = !page.done && page.nextRecordsUrl ? page.nextRecordsUrl : undefined;
    }
  }

  async count(soql: string, options: { all?: boolean } = {}): Promise<number> {
    const answer = await this.sendJson<QueryAnswer>({
      method: 'GET',
      path: `/${options.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`,
      idempotent: true,
    });
    return answer.totalSize ?? 0;
  }

  // -------------------------------------------------------------------------------------------
  // sObject Collections

  async collection(
    operation: CollectionOperation,
    objectName: string,
    records: Array<Record<string, unknown>>,
    options: { externalIdField?: string } = {},
  ): Promise<RecordResult[]> {
    if (records.length === 0) return [];
    if (records.length > MAX_COLLECTION_RECORDS) {
      throw new SalesforceCallError(
        'permanent',
        'EXCEEDED_ID_LIMIT',
        `A collections call takes at most ${MAX_COLLECTION_RECORDS} records; split the ${records.length} ${objectName} records into batches.`,
      );
    }
    let request: SendRequest;
    switch (operation) {
      case 'create':
        request = {
          method: 'POST',
          path: '/composite/sobjects',
          body: JSON.stringify({
            allOrNone: false,
            records: records.map((r) => withType(objectName, r, false)),
          }),
          // A create sent twice makes two records.
          idempotent: false,
        };
        break;
      case 'update':
        request = {
          method: 'PATCH',
          path: '/composite/sobjects',
          body: JSON.stringify({
            allOrNone: false,
            records: records.map((r, index) => {
              requireId(r, index, objectName, 'update');
              return withType(objectName, r, true);
            }),
          }),
          idempotent: true,
        };
        break;
      case 'upsert': {
        const field = options.externalIdField;
        if (!field) {
          throw new SalesforceCallError(
            'permanent',
            'MISSING_EXTERNAL_ID_FIELD',
            `An upsert of ${objectName} needs the external ID field to match on (externalIdField).`,
          );
        }
        request = {
          method: 'PATCH',
          path: `/composite/sobjects/${encodeURIComponent(objectName)}/${encodeURIComponent(field)}`,
          body: JSON.stringify({
            allOrNone: false,
            records: records.map((r) => withType(objectName, r, false)),
          }),
          idempotent: true,
        };
        break;
      }
      case 'delete': {
        const ids = records.map((r, index) => requireId(r, index, objectName, 'delete'));
        request = {
          method: 'DELETE',
          path: `/composite/sobjects?ids=${ids.map(encodeURIComponent).join(',')}&allOrNone=false`,
          idempotent: true,
        };
        break;
      }
    }
    const answers = await this.sendJson<CollectionAnswer[]>(request);
    if (!Array.isArray(answers) || answers.length !== records.length) {
      throw new SalesforceCallError(
        'permanent',
        'UNEXPECTED_RESPONSE',
        `Salesforce answered a ${operation} of ${records.length} ${objectName} records with ${Array.isArray(answers) ? answers.length : 'no'} results.`,
      );
    }
    return answers.map(toRecordResult);
  }

  // -------------------------------------------------------------------------------------------
  // Bulk 2.0 query

  async bulkQuery(
    soql: string,
    options: { all?: boolean } & BulkWaitOptions = {},
  ): Promise<{ jobId: string; records: number }> {
    const created = await this.sendJson<JobInfo>({
      method: 'POST',
      path: '/jobs/query',
      body: JSON.stringify({
        operation: options.all ? 'queryAll' : 'query',
        query: soql,
        contentType: 'CSV',
        columnDelimiter: 'COMMA',
        lineEnding: 'LF',
      }),
      // A second query job reads the same data; an abandoned one costs nothing.
      idempotent: true,
      ...signalOf(options),
    });
    const done = await this.waitForJob('query', created.id, false, options);
    return { jobId: done.id, records: done.numberRecordsProcessed ?? 0 };
  }

  async bulkQueryPage(
    jobId: string,
    locator: string | null,
    maxRecords: number,
  ): Promise<BulkQueryPage> {
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new SalesforceCallError(
        'permanent',
        'INVALID_MAX_RECORDS',
        `maxRecords must be a whole number of 1 or more, not ${maxRecords}.`,
      );
    }
    const params = new URLSearchParams({ maxRecords: String(maxRecords) });
    if (locator !== null) params.set('locator', locator);
    const answer = await this.send({
      method: 'GET',
      path: `/jobs/query/${encodeURIComponent(jobId)}/results?${params.toString()}`,
      accept: 'text/csv',
      idempotent: true,
    });
    const next = answer.headers.get('sforce-locator');
    const { columns, rows } = parseCsv(answer.text);
    // A missing header would otherwise make us ask for the first page again, forever.
    return { columns, rows, nextLocator: next && next !== 'null' ? next : null };
  }

  // -------------------------------------------------------------------------------------------
  // Bulk 2.0 ingest

  async ingest(
    operation: IngestOperation,
    objectName: string,
    rows: Array<Record<string, string | null>>,
    options: { externalIdField?: string } & BulkWaitOptions = {},
  ): Promise<IngestOutcome> {
    if (operation === 'insert') {
      throw new SalesforceCallError(
        'permanent',
        'INSERT_NOT_SUPPORTED',
        `A Bulk insert of ${objectName} cannot be matched back to its rows; use collections (create) or an upsert on an external ID.`,
      );
    }
    const keyField = operation === 'upsert' ? options.externalIdField : 'Id';
    if (!keyField) {
      throw new SalesforceCallError(
        'permanent',
        'MISSING_EXTERNAL_ID_FIELD',
        `A Bulk upsert of ${objectName} needs the external ID field to match on (externalIdField).`,
      );
    }
    if (rows.length === 0) return { jobId: '', results: [] };
    const columns = columnsOf(rows);
    const keyColumn = columns.find((c) => c.toLowerCase() === keyField.toLowerCase());
    if (keyColumn === undefined) {
      throw new SalesforceCallError(
        'permanent',
        'MISSING_KEY_COLUMN',
        `Every row of a Bulk ${operation} of ${objectName} needs a ${keyField} value to match results to rows.`,
      );
    }
    const csv = writeCsv(
      columns,
      rows.map((row) => columns.map((c) => ingestValue(row[c]))),
    );

    const job = await this.sendJson<JobInfo>({
      method: 'POST',
      path: '/jobs/ingest',
      body: JSON.stringify({
        object: objectName,
        operation,
        ...(operation === 'upsert' ? { externalIdFieldName: keyField } : {}),
        contentType: 'CSV',
        columnDelimiter: 'COMMA',
        lineEnding: 'LF',
      }),
      // An extra Open job holds no data and is never processed.
      idempotent: true,
      ...signalOf(options),
    });
    const jobPath = `/jobs/ingest/${encodeURIComponent(job.id)}`;
    await this.send({
      method: 'PUT',
      path: job.contentUrl ? `/${job.contentUrl.replace(/^\/+/, '')}` : `${jobPath}/batches`,
      body: csv,
      contentType: 'text/csv',
      // update, upsert and delete give the same outcome when applied twice.
      idempotent: true,
      ...signalOf(options),
    });
    await this.closeIngestJob(jobPath, options.signal);
    // Stopped from here on, the job may still run to its end in Salesforce: its rows are sent
    // again later, which update, upsert and delete can bear.
    const done = await this.waitForJob('ingest', job.id, true, options);
    const processed = done.numberRecordsProcessed ?? 0;
    const failedCount = done.numberRecordsFailed ?? 0;
    if (done.state === 'Failed' && processed === 0) {
      throw new SalesforceCallError(
        'permanent',
        'BULK_JOB_FAILED',
        `The Bulk ${operation} job ${job.id} on ${objectName} failed: ${done.errorMessage ?? 'no reason given'}.`,
      );
    }

    const results: Array<RecordResult | undefined> = new Array<RecordResult | undefined>(
      rows.length,
    );
    const match = rowMatcher(rows, keyColumn, operation === 'upsert');
    if (processed - failedCount > 0) {
      const successful = await this.resultFile(jobPath, 'successfulResults');
      for (const row of successful.rows) {
        const index = match(row[keyColumn] ?? row.sf__Id ?? '');
        if (index === undefined) continue;
        const id = row.sf__Id ?? '';
        // sf__Created is only meaningful for an upsert (the contract's `created`).
        const created = operation === 'upsert' ? row.sf__Created : undefined;
        results[index] =
          created === undefined ? { ok: true, id } : { ok: true, id, created: created === 'true' };
      }
    }
    if (failedCount > 0) {
      const failed = await this.resultFile(jobPath, 'failedResults');
      for (const row of failed.rows) {
        const index = match(row[keyColumn] ?? '');
        if (index === undefined) continue;
        const id = row.sf__Id;
        results[index] = {
          ok: false,
          ...(id ? { id } : {}),
          errors: [parseBulkError(row.sf__Error ?? '')],
        };
      }
    }
    if (processed < rows.length) {
      // Rows Salesforce never got to: the unprocessed file only confirms them; rows matched by
      // nothing below are marked UNPROCESSED either way.
      await this.resultFile(jobPath, 'unprocessedrecords');
    }
    const jobState = done.state;
    return {
      jobId: job.id,
      results: Array.from(results, (result) =>
        result === undefined
          ? {
              ok: false as const,
              errors: [
                {
                  statusCode: 'UNPROCESSED',
                  message:
                    jobState === 'Failed'
                      ? `The Bulk job stopped before this row: ${done.errorMessage ?? 'no reason given'}`
                      : 'Salesforce did not process this row of the Bulk job.',
                  fields: [],
                },
              ],
            }
          : result,
      ),
    };
  }

  private async closeIngestJob(jobPath: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.send({
        method: 'PATCH',
        path: jobPath,
        body: JSON.stringify({ state: 'UploadComplete' }),
        idempotent: true,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // A retried close whose first try went through is refused (the job is no longer Open);
      // the job is then on its way, which is all we wanted.
      if (!(error instanceof SalesforceCallError) || error.kind !== 'permanent') throw error;
      const info = await this.sendJson<JobInfo>({
        method: 'GET',
        path: jobPath,
        idempotent: true,
        ...(signal ? { signal } : {}),
      });
      if (info.state === 'Open' || info.state === 'Aborted') throw error;
    }
  }

  private async resultFile(
    jobPath: string,
    which: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
  ): Promise<{ columns: string[]; rows: Array<Record<string, string>> }> {
    const answer = await this.send({
      method: 'GET',
      path: `${jobPath}/${which}`,
      accept: 'text/csv',
      idempotent: true,
    });
    return parseCsv(answer.text);
  }

  /**
   * Polls a job until it has finished: 50 ms, then longer, up to 1 s between looks. Gives up
   * after `maxWaitMs` (a status look under way is cut off too), or at once when `signal` aborts.
   */
  private async waitForJob(
    kind: 'query' | 'ingest',
    jobId: string,
    acceptFailed: boolean,
    wait: BulkWaitOptions,
  ): Promise<JobInfo> {
    const maxWaitMs = wait.maxWaitMs ?? BULK_MAX_WAIT_MS;
    const stop = new AbortController();
    const timer = setTimeout(
      () =>
        stop.abort(
          new SalesforceCallError(
            'retryable',
            'BULK_JOB_TIMEOUT',
            `The Bulk ${kind} job ${jobId} did not finish within ${describeWait(maxWaitMs)}; ` +
              'it is left to Salesforce and the work is tried again later.',
          ),
        ),
      maxWaitMs,
    );
    const onAbort = () => stop.abort(abortReason(wait.signal));
    if (wait.signal?.aborted) onAbort();
    wait.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let interval = POLL_FIRST_MS;
      for (;;) {
        const info = await this.sendJson<JobInfo>({
          method: 'GET',
          path: `/jobs/${kind}/${encodeURIComponent(jobId)}`,
          idempotent: true,
          signal: stop.signal,
        });
        if (info.state === 'JobComplete') return info;
        if (info.state === 'Failed' && acceptFailed) return info;
        if (info.state === 'Failed' || info.state === 'Aborted') {
          throw new SalesforceCallError(
            'permanent',
            kind === 'query' ? 'BULK_QUERY_FAILED' : 'BULK_JOB_FAILED',
            `The Bulk ${kind} job ${jobId} ended ${info.state}: ${info.errorMessage ?? 'no reason given'}.`,
          );
        }
        await untilAborted(this.sleep(interval), stop.signal);
        interval = Math.min(POLL_MAX_MS, interval * 2);
      }
    } finally {
      clearTimeout(timer);
      wait.signal?.removeEventListener('abort', onAbort);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Transport: one request with timeout, retries, relogin and usage bookkeeping.

  private async sendJson<T>(request: SendRequest): Promise<T> {
    const answer = await this.send({ ...request, accept: 'application/json' });
    if (answer.text === '') return undefined as T;
    try {
      return JSON.parse(answer.text) as T;
    } catch {
      throw new SalesforceCallError(
        'permanent',
        'UNEXPECTED_RESPONSE',
        `Salesforce answered ${request.method} ${request.path.split('?')[0]} with something that is not JSON: ${answer.text.slice(0, 200)}`,
      );
    }
  }

  private async send(request: SendRequest): Promise<SendResponse> {
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw abortReason(request.signal);
      const token = this.conn.accessToken ?? '';
      let failure: unknown;
      try {
        return await this.sendOnce(request, token);
      } catch (error) {
        if (request.signal?.aborted) throw abortReason(request.signal);
        failure = error;
      }
      const classified = classifySalesforceFailure(failure);
      if (classified.kind === 'session') {
        if (this.relogin && !relogged) {
          relogged = true;
          await this.renewSession(token);
          attempt--; // a new session is not a retry of a failing request
          continue;
        }
        throw new SalesforceCallError(
          'session',
          classified.errorCode,
          `The Salesforce session has expired or is not valid (${classified.message}). Sign in to the org again (connect-studio profiles) and restart the sync.`,
          false,
          attempt,
        );
      }
      if (classified.kind === 'limit') {
        throw new SalesforceCallError(
          'limit',
          classified.errorCode,
          `The org's daily API request limit is used up (${classified.message}). The sync resumes when Salesforce resets the allowance (a rolling 24 hours).`,
          false,
          attempt,
        );
      }
      if (classified.kind === 'permanent') {
        throw new SalesforceCallError(
          'permanent',
          classified.errorCode,
          classified.message,
          false,
          attempt,
        );
      }
      if (classified.ambiguous && !request.idempotent) {
        throw new SalesforceCallError(
          'retryable',
          classified.errorCode,
          `${classified.message}; the request may have been applied, so it was not sent again.`,
          true,
          attempt,
        );
      }
      if (attempt >= this.maxAttempts) {
        throw new SalesforceCallError(
          'retryable',
          classified.errorCode,
          `${classified.message} (tried ${attempt} times)`,
          classified.ambiguous,
          attempt,
        );
      }
      await untilAborted(
        this.sleep(backoffDelay(attempt, this.backoffBaseMs, this.backoffMaxMs)),
        request.signal,
      );
    }
  }

  private async renewSession(failedToken: string): Promise<void> {
    // Another request may have signed in already while this one was on its way.
    if (this.conn.accessToken && this.conn.accessToken !== failedToken) return;
    if (!this.reloginInFlight) {
      const relogin = this.relogin;
      if (!relogin) return;
      this.reloginInFlight = relogin().finally(() => {
        this.reloginInFlight = undefined;
      });
    }
    try {
      await this.reloginInFlight;
    } catch (error) {
      throw new SalesforceCallError(
        'session',
        'INVALID_SESSION_ID',
        `The Salesforce session expired and signing in again failed: ${classifySalesforceFailure(error).message}. Check the profile's credentials.`,
      );
    }
  }

  private urlOf(path: string): string {
    const instanceUrl = this.conn.instanceUrl.replace(/\/+$/, '');
    if (/^https?:\/\//i.test(path)) return path;
    if (path.startsWith('/services/')) return instanceUrl + path;
    return `${instanceUrl}/services/data/v${this.apiVersion}${path === '/' ? '/' : path}`;
  }

  private async sendOnce(request: SendRequest, token: string): Promise<SendResponse> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new RequestTimeoutError(this.requestTimeoutMs)),
      this.requestTimeoutMs,
    );
    const onStop = () => controller.abort(abortReason(request.signal));
    request.signal?.addEventListener('abort', onStop, { once: true });
    this.callsMade++;
    try {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: request.accept ?? 'application/json',
        ...request.headers,
      };
      if (request.body !== undefined) {
        headers['Content-Type'] = request.contentType ?? 'application/json; charset=UTF-8';
      }
      let response: Response;
      let text: string;
      try {
        response = await fetch(this.urlOf(request.path), {
          method: request.method,
          headers,
          body: request.body,
          signal: controller.signal,
        });
        text = await response.text();
      } catch (error) {
        // fetch rejects with the abort reason; make sure our timeout is recognisable.
        if (controller.signal.aborted) throw new RequestTimeoutError(this.requestTimeoutMs);
        throw error;
      }
      this.noteUsage(response.headers.get('sforce-limit-info'));
      if (response.status >= 400) throw httpError(response.status, text);
      return { status: response.status, headers: response.headers, text };
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onStop);
    }
  }

  private noteUsage(header: string | null): void {
    if (!header) return;
    const match = /api-usage=(\d+)\/(\d+)/.exec(header);
    if (match) this.dailyUsage = { used: Number(match[1]), max: Number(match[2]) };
  }
}

/** The signal of a Bulk call's options, as a SendRequest field. */
function signalOf(options: BulkWaitOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

/** Why a stopped call stopped: the signal's reason when it is ours, else 'ABORTED'. */
function abortReason(signal: AbortSignal | undefined): SalesforceCallError {
  if (signal?.reason instanceof SalesforceCallError) return signal.reason;
  return new SalesforceCallError(
    'retryable',
    'ABORTED',
    'The Salesforce call was stopped before it finished (the sync is stopping).',
  );
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function describeWait(ms: number): string {
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1) return `${ms} ms`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

interface QueryAnswer {
  totalSize?: number;
  done?: boolean;
  nextRecordsUrl?: string;
  records?: SalesforceRecord[];
}

/** Salesforce error bodies: `[{errorCode, message}]` (REST, Bulk 2.0) or OAuth's `{error, …}`. */
function httpError(status: number, text: string): SalesforceHttpError {
  let errorCode = `HTTP_${status}`;
  let message = text.trim().slice(0, 500) || `HTTP ${status} with no body`;
  try {
    const parsed = JSON.parse(text) as unknown;
    const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    if (typeof first === 'object' && first !== null) {
      const e = first as Record<string, unknown>;
      const code = e.errorCode ?? e.statusCode ?? e.error;
      const words = e.message ?? e.error_description;
      if (typeof code === 'string') errorCode = code;
      if (typeof words === 'string') message = words;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text.
  }
  return new SalesforceHttpError(status, errorCode, `${errorCode}: ${message}`);
}

function withType(
  objectName: string,
  record: Record<string, unknown>,
  keepId: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { attributes: { type: objectName } };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue;
    if (key.toLowerCase() === 'id' && !keepId) continue;
    body[key] = value;
  }
  return body;
}

function requireId(
  record: Record<string, unknown>,
  index: number,
  objectName: string,
  operation: string,
): string {
  const id = record.Id ?? record.id;
  if (typeof id !== 'string' || id === '') {
    throw new SalesforceCallError(
      'permanent',
      'MISSING_ID',
      `Record ${index + 1} of a ${operation} of ${objectName} has no Id; every record of an ${operation} needs the Salesforce Id.`,
    );
  }
  return id;
}

function toRecordResult(answer: CollectionAnswer): RecordResult {
  if (answer.success === true && typeof answer.id === 'string') {
    return typeof answer.created === 'boolean'
      ? { ok: true, id: answer.id, created: answer.created }
      : { ok: true, id: answer.id };
  }
  const errors: RecordError[] = (answer.errors ?? []).map((e) => ({
    statusCode: e.statusCode ?? e.errorCode ?? 'UNKNOWN_ERROR',
    message: e.message ?? '',
    fields: e.fields ?? [],
  }));
  if (errors.length === 0) {
    errors.push({ statusCode: 'UNKNOWN_ERROR', message: 'Salesforce gave no reason', fields: [] });
  }
  return typeof answer.id === 'string' && answer.id !== ''
    ? { ok: false, id: answer.id, errors }
    : { ok: false, errors };
}

/** Union of the rows' keys in first-seen order (an absent key leaves the field unchanged). */
function columnsOf(rows: Array<Record<string, string | null>>): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Bulk CSV: `#N/A` clears a field; an empty cell leaves it as it is. A null is sent as `#N/A`.
 * UNCONFIRMED: whether Bulk treats '' like REST (stored as null); we send '' as `#N/A` too, so a
 * value emptied in Postgres is cleared in Salesforce the same way over both APIs.
 */
function ingestValue(value: string | null | undefined): string {
  if (value === undefined) return '';
  if (value === null || value === '') return '#N/A';
  return value;
}

/**
 * Finds the input row a result row belongs to by its key (Id, or the external ID compared
 * case-insensitively); rows with the same key are handed out in order.
 */
function rowMatcher(
  rows: Array<Record<string, string | null>>,
  keyColumn: string,
  caseInsensitive: boolean,
): (key: string) => number | undefined {
  const normalise = caseInsensitive ? (k: string) => k.toLowerCase() : (k: string) => k;
  const byKey = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = normalise(row[keyColumn] ?? '');
    const list = byKey.get(key);
    if (list) list.push(index);
    else byKey.set(key, [index]);
  });
  return (key) => {
    const list = byKey.get(normalise(key));
    // 15- and 18-character ids name the same record: Salesforce may echo either.
    if (!list && !caseInsensitive && key.length === 18) return byKey.get(key.slice(0, 15))?.shift();
    return list?.shift();
  };
}

/** sf__Error is `CODE:message:field1,field2 --` (the message may hold colons itself). */
export function parseBulkError(text: string): RecordError {
  const trimmed = text.replace(/\s*--\s*$/, '');
  const first = trimmed.indexOf(':');
  if (first < 0) return { statusCode: trimmed || 'UNKNOWN_ERROR', message: trimmed, fields: [] };
  const statusCode = trimmed.slice(0, first);
  const rest = trimmed.slice(first + 1);
  const last = rest.lastIndexOf(':');
  if (last < 0) return { statusCode, message: rest, fields: [] };
  const fieldsText = rest.slice(last + 1).trim();
  // A trailing part with spaces is message text, not a field list.
  if (/\s/.test(fieldsText) && !/^[\w.]+(\s*,\s*[\w.]+)*$/.test(fieldsText)) {
    return { statusCode, message: rest, fields: [] };
  }
  const fields = fieldsText === '' ? [] : fieldsText.split(',').map((f) => f.trim());
  return { statusCode, message: rest.slice(0, last), fields };
}

/** The engine's Salesforce client over a jsforce connection's session. */
export function createSalesforceApi(
  conn: Connection,
  options: SalesforceApiOptions = {},
): SalesforceApi {
  return new RestSalesforceApi(conn, options);
}

/**
 * Connects to a target and returns the client with its connection. A password target signs in
 * again by itself when the session expires; a token target cannot, and reports 'session'.
 */
export async function openSalesforceApi(
  target: SalesforceTarget,
  options: Omit<SalesforceApiOptions, 'relogin'> = {},
): Promise<{ api: SalesforceApi; conn: Connection }> {
  let conn: Connection;
  try {
    conn = await connectToSalesforce(target);
  } catch (error) {
    const classified = classifySalesforceFailure(error);
    const refused = /INVALID_LOGIN|invalid_grant|authentication failure/i.test(
      `${classified.errorCode} ${classified.message}`,
    );
    throw new SalesforceCallError(
      refused ? 'session' : classified.kind,
      classified.errorCode,
      `Could not sign in to Salesforce: ${classified.message}`,
      false,
    );
  }
  // A session that expires mid-sync is renewed the way the target signed in; a bare token cannot be.
  const relogin =
    target.method === 'password'
      ? async () => {
          await conn.login(target.username, target.password + (target.securityToken ?? ''));
        }
      : target.method === 'refreshToken'
        ? async () => {
            const token = await conn.oauth2.refreshToken(target.refreshToken);
            conn.accessToken = token.access_token;
          }
        : undefined;
  return { api: createSalesforceApi(conn, relogin ? { ...options, relogin } : options), conn };
}
