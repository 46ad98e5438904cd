// What the Query workspace knows about the SOQL it ran on the org, and how each answer changes
// it. Pure, so the paging rules are tested without a browser; use-org-query.ts drives it.
import type { QueryPage } from '../../../src-shared/api';
import { resultColumns, type ResultColumn, type SalesforceRecord } from './result-model';

export interface QueryFailure {
  code: string;
  message: string;
}

export interface OrgQueryState {
  soql: string;
  /** Whether it ran with queryAll (deleted and archived records too). */
  all: boolean;
  columns: ResultColumn[];
  records: SalesforceRecord[];
  totalSize: number;
  cursor: string | null;
  /** Milliseconds the org took, summed over the pages loaded. */
  durationMs: number;
  apiCalls: number;
  /** The first page is on its way. */
  running: boolean;
  /** A further page (or "load all") is on its way. */
  loadingMore: boolean;
  loadingAll: boolean;
  /** The query itself failed: there are no rows. */
  error: QueryFailure | null;
  /** A further page failed: the rows loaded so far stay, and the page can be asked again. */
  pageError: QueryFailure | null;
}

export const idleQuery: OrgQueryState = {
  soql: '',
  all: false,
  columns: [],
  records: [],
  totalSize: 0,
  cursor: null,
  durationMs: 0,
  apiCalls: 0,
  running: false,
  loadingMore: false,
  loadingAll: false,
  error: null,
  pageError: null,
};

export function queryStarted(soql: string, all: boolean): OrgQueryState {
  return { ...idleQuery, soql, all, running: true };
}

export function firstPageLoaded(soql: string, all: boolean, page: QueryPage): OrgQueryState {
  return {
    ...idleQuery,
    soql,
    all,
    columns: resultColumns(soql, page.records),
    records: page.records,
    totalSize: page.totalSize,
    cursor: page.cursor,
    durationMs: page.durationMs,
    apiCalls: page.apiCalls,
  };
}

export function queryFailed(soql: string, all: boolean, error: QueryFailure): OrgQueryState {
  return { ...idleQuery, soql, all, error };
}

/** Further pages appended; the cursor is the last page's. */
export function pagesLoaded(state: OrgQueryState, pages: readonly QueryPage[]): OrgQueryState {
  const last = pages[pages.length - 1];
  if (!last) return state;
  return {
    ...state,
    records: state.records.concat(...pages.map((p) => p.records)),
    cursor: last.cursor,
    totalSize: last.totalSize,
    durationMs: pages.reduce((sum, p) => sum + p.durationMs, state.durationMs),
    apiCalls: pages.reduce((sum, p) => sum + p.apiCalls, state.apiCalls),
    pageError: null,
  };
}

/** A further page is asked for (again): its earlier failure is no longer news. */
export function pageRequested(state: OrgQueryState, all: boolean): OrgQueryState {
  return { ...state, loadingMore: true, loadingAll: all || state.loadingAll, pageError: null };
}

/**
 * A further page failed. Every row already loaded stays, and so does the cursor, so the same
 * page can be asked again (a cursor the studio no longer knows needs the query run again).
 */
export function pageFailed(state: OrgQueryState, error: QueryFailure): OrgQueryState {
  return { ...state, loadingMore: false, loadingAll: false, pageError: error };
}

/** Whether a failed page can only be recovered by running the query again. */
export function needsRerun(error: QueryFailure): boolean {
  return error.code === 'NOT_FOUND';
}
