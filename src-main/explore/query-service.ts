// SOQL on the active org: the first page and an opaque cursor for the rest (the org's
// nextRecordsUrl stays here, with the org it belongs to), records exactly as Salesforce returns
// them, the API calls each page cost, and a history of every run.
import { randomUUID } from 'node:crypto';
import { ApiError, type ApiResult } from '../../src-shared/api';
import type { Cache } from '../cache';
import type { OrgConnection } from '../connections';
import { orgFailure } from './errors';
import type { ExploreConnections } from './mapped-database';
import { orgRequest, RequestMeter } from './org-requests';

/** A cursor nobody asked for in this long is forgotten (the org drops its locators too). */
export const CURSOR_IDLE_MS = 15 * 60_000;

export type QueryPageResult = ApiResult<'query.run'>;

interface Cursor {
  orgKey: string;
  nextRecordsUrl: string;
  batchSize: number;
  lastUsed: number;
}

/** One page of the REST query resource. */
export interface RestQueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

export interface QueryServiceOptions {
  connections: ExploreConnections;
  cache: Cache;
  /** Milliseconds, for cursor expiry. */
  clock?: () => number;
}

export class QueryService {
  private readonly cursors = new Map<string, Cursor>();
  private readonly clock: () => number;

  constructor(private readonly options: QueryServiceOptions) {
    this.clock = options.clock ?? (() => Date.now());
  }

  async run(params: { soql: string; all: boolean; batchSize: number }): Promise<QueryPageResult> {
    const org = await this.options.connections.activeOrg();
    const resource = params.all ? 'queryAll' : 'query';
    const started = performance.now();
    try {
      const page = await this.page(
        org,
        `/${resource}?q=${encodeURIComponent(params.soql)}`,
        params.batchSize,
      );
      this.options.cache.history.add({
        orgKey: org.orgKey,
        soql: params.soql,
        rowCount: page.totalSize,
        durationMs: page.durationMs,
        error: null,
      });
      return page;
    } catch (error) {
      this.options.cache.history.add({
        orgKey: org.orgKey,
        soql: params.soql,
        rowCount: null,
        durationMs: Math.round(performance.now() - started),
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  async more(cursorId: string): Promise<QueryPageResult> {
    this.forgetIdle();
    const cursor = this.cursors.get(cursorId);
    if (!cursor) {
      throw new ApiError(
        'NOT_FOUND',
        'This result cursor has expired (cursors are kept 15 minutes) or was never issued; run ' +
          'the query again.',
      );
    }
    const org = await this.options.connections.activeOrg();
    if (org.orgKey !== cursor.orgKey) {
      throw new ApiError(
        'NOT_FOUND',
        'This result cursor belongs to a query on another org; run the query again on the ' +
          'active org.',
      );
    }
    cursor.lastUsed = this.clock();
    return this.page(org, cursor.nextRecordsUrl, cursor.batchSize);
  }

  /**
   * Every record of a query, following nextRecordsUrl, up to `limit` records (Compare). Child
   * subquery results that the org left unfinished are completed too.
   */
  async all(
    org: OrgConnection,
    soql: string,
    limit: number,
  ): Promise<{ records: Record<string, unknown>[]; totalSize: number; truncated: boolean }> {
    const meter = new RequestMeter();
    const records: Record<string, unknown>[] = [];
    let page = await this.request(org, `/query?q=${encodeURIComponent(soql)}`, 2000, meter);
    const totalSize = page.totalSize;
    for (;;) {
      for (const record of page.records) {
        if (records.length >= limit) break;
        await this.completeChildren(org, record, meter);
        records.push(record);
      }
      if (records.length >= limit || page.done || !page.nextRecordsUrl) break;
      page = await this.request(org, page.nextRecordsUrl, 2000, meter);
    }
    return { records, totalSize, truncated: totalSize > records.length };
  }

  // ── history and saved queries ─────────────────────────────────────────────────
  async history(limit: number): Promise<ApiResult<'query.history'>> {
    const org = await this.options.connections.activeOrg();
    const entries = this.options.cache.history.list(org.orgKey, limit).map((e) => ({
      id: e.id,
      soql: e.soql,
      ranAt: e.ranAt,
      rowCount: e.rowCount,
      durationMs: e.durationMs,
      error: e.error,
    }));
    return { entries };
  }

  saved(): ApiResult<'query.saved'> {
    return { queries: this.options.cache.savedQueries.list() };
  }

  save(params: { id?: string | undefined; name: string; soql: string }): ApiResult<'query.save'> {
    const existing = this.options.cache.savedQueries.list();
    if (params.id !== undefined && !existing.some((q) => q.id === params.id)) {
      throw new ApiError(
        'NOT_FOUND',
        `There is no saved query with id ${params.id}; save it without an id to create it.`,
      );
    }
    const clash = existing.find(
      (q) => q.name.toLowerCase() === params.name.toLowerCase() && q.id !== params.id,
    );
    if (clash) {
      throw new ApiError(
        'CONFLICT',
        `A saved query is already named "${clash.name}". Choose another name, or update that ` +
          'query (save with its id).',
      );
    }
    return this.options.cache.savedQueries.save({
      id: params.id ?? randomUUID(),
      name: params.name,
      soql: params.soql,
    });
  }

  removeSaved(id: string): ApiResult<'query.removeSaved'> {
    return { removed: this.options.cache.savedQueries.remove(id) };
  }

  // ── paging ────────────────────────────────────────────────────────────────────
  private async page(org: OrgConnection, url: string, batchSize: number): Promise<QueryPageResult> {
    const meter = new RequestMeter();
    const started = performance.now();
    const page = await this.request(org, url, batchSize, meter);
    let cursor: string | null = null;
    if (!page.done && page.nextRecordsUrl) {
      this.forgetIdle();
      cursor = randomUUID();
      this.cursors.set(cursor, {
        orgKey: org.orgKey,
        nextRecordsUrl: page.nextRecordsUrl,
        batchSize,
        lastUsed: this.clock(),
      });
    }
    return {
      cursor,
      records: page.records,
      totalSize: page.totalSize,
      done: cursor === null,
      durationMs: Math.round(performance.now() - started),
      apiCalls: meter.calls,
    };
  }

  private async request(
    org: OrgConnection,
    url: string,
    batchSize: number,
    meter: RequestMeter,
  ): Promise<RestQueryPage> {
    let body: unknown;
    try {
      const response = await orgRequest<unknown>(
        org.conn,
        { url, headers: { 'Sforce-Query-Options': `batchSize=${batchSize}` } },
        meter,
      );
      body = response.body;
    } catch (error) {
      throw orgFailure(error, org.conn.instanceUrl);
    }
    const page = asQueryPage(body);
    if (!page) {
      throw new ApiError(
        'REMOTE_ERROR',
        `${org.conn.instanceUrl} answered the query without "totalSize", "done" and "records".`,
      );
    }
    return page;
  }

  /** Fetches the rest of any child subquery result the org paged (done: false). */
  private async completeChildren(
    org: OrgConnection,
    record: Record<string, unknown>,
    meter: RequestMeter,
  ): Promise<void> {
    for (const [key, value] of Object.entries(record)) {
      const child = asQueryPage(value);
      if (!child || child.done || !child.nextRecordsUrl) continue;
      const records = [...child.records];
      let next: string | undefined = child.nextRecordsUrl;
      while (next) {
        const more = await this.request(org, next, 2000, meter);
        records.push(...more.records);
        next = more.done ? undefined : more.nextRecordsUrl;
      }
      record[key] = { totalSize: child.totalSize, done: true, records };
    }
  }

  private forgetIdle(): void {
    const now = this.clock();
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > CURSOR_IDLE_MS) this.cursors.delete(id);
    }
  }
}

function asQueryPage(value: unknown): RestQueryPage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.totalSize !== 'number' || typeof v.done !== 'boolean' || !Array.isArray(v.records)) {
    return undefined;
  }
  return {
    totalSize: v.totalSize,
    done: v.done,
    records: v.records as Record<string, unknown>[],
    ...(typeof v.nextRecordsUrl === 'string' ? { nextRecordsUrl: v.nextRecordsUrl } : {}),
  };
}
