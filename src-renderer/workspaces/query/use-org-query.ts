import { useCallback, useRef, useState } from 'react';
import { ApiError, type QueryPage } from '../../../src-shared/api';
import { api } from '../../api';
import {
  firstPageLoaded,
  idleQuery,
  pageFailed,
  pageRequested,
  pagesLoaded,
  queryFailed,
  queryStarted,
  type OrgQueryState,
  type QueryFailure,
} from './org-query-state';

export type { OrgQueryState } from './org-query-state';

/** How often "load all" hands the pages it has to the grid. */
const FLUSH_MS = 400;

function asError(error: unknown): QueryFailure {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** A query against the active org: the first page, more pages on demand, or all of them. */
export function useOrgQuery(options: { batchSize?: number } = {}) {
  const [state, setState] = useState<OrgQueryState>(idleQuery);
  // Paging reads these across awaits: one page at a time, from the latest cursor.
  const cursorRef = useRef<string | null>(null);
  const pageInFlight = useRef(false);
  const runId = useRef(0);
  const stopAll = useRef(false);

  const run = useCallback(
    async (soql: string, all: boolean): Promise<OrgQueryState['error']> => {
      const id = ++runId.current;
      stopAll.current = true;
      cursorRef.current = null;
      pageInFlight.current = true;
      setState(queryStarted(soql, all));
      try {
        const page = await api.query.run({ soql, all, batchSize: options.batchSize ?? 2000 });
        if (id !== runId.current) return null;
        cursorRef.current = page.cursor;
        pageInFlight.current = false;
        setState(firstPageLoaded(soql, all, page));
        return null;
      } catch (e) {
        if (id !== runId.current) return null;
        pageInFlight.current = false;
        const error = asError(e);
        setState(queryFailed(soql, all, error));
        return error;
      }
    },
    [options.batchSize],
  );

  /** The next page, once: later calls while it is on its way do nothing. */
  const more = useCallback(async (): Promise<boolean> => {
    const cursor = cursorRef.current;
    if (!cursor || pageInFlight.current) return false;
    const id = runId.current;
    pageInFlight.current = true;
    setState((s) => pageRequested(s, false));
    try {
      const page = await api.query.more({ cursor });
      if (id !== runId.current) return false;
      cursorRef.current = page.cursor;
      pageInFlight.current = false;
      setState((s) => ({ ...pagesLoaded(s, [page]), loadingMore: false }));
      return page.cursor !== null;
    } catch (e) {
      if (id !== runId.current) return false;
      pageInFlight.current = false;
      setState((s) => pageFailed(s, asError(e)));
      return false;
    }
  }, []);

  /**
   * Every remaining page. The grid rebuilds its rows for each new records array, so pages are
   * handed over at most every FLUSH_MS rather than one by one (100,000 records are 50 pages).
   */
  const loadAll = useCallback(async () => {
    if (!cursorRef.current || pageInFlight.current) return;
    const id = runId.current;
    stopAll.current = false;
    pageInFlight.current = true;
    setState((s) => pageRequested(s, true));
    let buffer: QueryPage[] = [];
    let flushedAt = performance.now();
    const flush = () => {
      const pages = buffer;
      buffer = [];
      flushedAt = performance.now();
      if (pages.length > 0) setState((s) => pagesLoaded(s, pages));
    };
    let failure: QueryFailure | null = null;
    try {
      while (!stopAll.current && cursorRef.current && id === runId.current) {
        const page = await api.query.more({ cursor: cursorRef.current });
        if (id !== runId.current) return;
        cursorRef.current = page.cursor;
        buffer.push(page);
        if (performance.now() - flushedAt >= FLUSH_MS) flush();
      }
      flush();
    } catch (e) {
      if (id !== runId.current) return;
      flush();
      failure = asError(e);
    } finally {
      if (id === runId.current) {
        pageInFlight.current = false;
        const failed = failure;
        setState((s) =>
          failed ? pageFailed(s, failed) : { ...s, loadingAll: false, loadingMore: false },
        );
      }
    }
  }, []);

  const stop = useCallback(() => {
    stopAll.current = true;
  }, []);

  const clear = useCallback(() => {
    runId.current++;
    cursorRef.current = null;
    pageInFlight.current = false;
    setState(idleQuery);
  }, []);

  return { state, run, more, loadAll, stop, clear };
}
