// Pages from Salesforce, one at a time, with the next one already on its way while the current
// one goes into Postgres (the org and the database then work side by side).

import {
  SalesforceCallError,
  type BulkQueryPage,
  type SalesforceApi,
  type SalesforceRecord,
} from '../types';

export type SourcePage =
  | { kind: 'rest'; records: SalesforceRecord[] }
  /** A Bulk job was created (a fresh load, or a lost job replaced); `records` it will bring. */
  | { kind: 'job'; jobId: string; records: number }
  | { kind: 'bulk'; jobId: string; page: BulkQueryPage };

/** REST pages of 2,000 (queryAll with `all`). */
export async function* restPages(
  salesforce: SalesforceApi,
  soql: string,
  all = false,
): AsyncGenerator<SourcePage> {
  for await (const page of salesforce.queryPages(soql, { all, batchSize: 2000 })) {
    yield { kind: 'rest', records: page.records };
  }
}

/** Error codes of a Bulk job (or locator) that no longer exists: the job must be made again. */
const LOST_JOB_CODES: ReadonlySet<string> = new Set([
  'NOT_FOUND',
  'INVALIDJOB',
  'INVALID_QUERY_LOCATOR',
]);

export function isLostBulkJob(error: unknown): boolean {
  return error instanceof SalesforceCallError && LOST_JOB_CODES.has(error.errorCode);
}

export interface BulkCursor {
  jobId: string | null;
  locator: string | null;
  /** Where a replacement job starts (the Id after which records are still missing). */
  lastId: string | null;
}

/**
 * Pages of a Bulk 2.0 query job, from `cursor` on. When the job has gone (expired, deleted:
 * NOT_FOUND, INVALIDJOB), `makeSoql(lastId)` gives the query of a replacement job that starts
 * after the last record already read; at most `maxRestarts` times in a row.
 */
export async function* bulkPages(
  salesforce: SalesforceApi,
  cursor: BulkCursor,
  makeSoql: (afterId: string | null) => string,
  options: {
    all?: boolean;
    pageSize: number;
    maxRestarts?: number;
    lastIdOf?: (page: BulkQueryPage) => string | null;
    /** Stops waiting for a Bulk job when aborted. */
    signal?: AbortSignal;
  },
): AsyncGenerator<SourcePage> {
  let { jobId, locator, lastId } = cursor;
  let restarts = 0;
  for (;;) {
    if (jobId === null) {
      const job = await salesforce.bulkQuery(makeSoql(lastId), {
        all: options.all ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      jobId = job.jobId;
      locator = null;
      yield { kind: 'job', jobId, records: job.records };
    }
    let page: BulkQueryPage;
    try {
      page = await salesforce.bulkQueryPage(jobId, locator, options.pageSize);
    } catch (error) {
      if (isLostBulkJob(error) && restarts < (options.maxRestarts ?? 3)) {
        restarts++;
        jobId = null;
        continue;
      }
      throw error;
    }
    restarts = 0;
    lastId = options.lastIdOf?.(page) ?? lastId;
    locator = page.nextLocator;
    yield { kind: 'bulk', jobId, page };
    if (locator === null) return;
  }
}

/**
 * Starts fetching item n+1 as soon as item n is handed out. A consumer that stops early (break,
 * a throw, an abort) closes the source once the item already asked for has landed, so the
 * source's own cleanup runs as it would under a plain for-await.
 */
export async function* prefetch<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    let next = iterator.next();
    for (;;) {
      let current: IteratorResult<T>;
      try {
        current = await next;
      } catch (error) {
        finished = true; // a source that threw is done; there is nothing to close
        throw error;
      }
      if (current.done) {
        finished = true;
        return;
      }
      next = iterator.next();
      // If the consumer stops before asking for it, its failure must not go unhandled.
      next.catch(() => {});
      yield current.value;
    }
  } finally {
    // As with for-await, a failure to close does not hide why the consumer stopped.
    if (!finished) await iterator.return?.().catch(() => undefined);
  }
}
