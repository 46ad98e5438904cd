import { useCallback, useRef, useState } from 'react';
import { ApiError, type QueryPage } from '../../../src-shared/api';
import { api } from '../../api';
import { resultColumns, type ResultColumn, type SalesforceRecord } from './result-model';

export interface OrgQueryState {
  soql: string;
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
  error: { code: string; message: string } | null;
}

/** How often "load all" hands the pages it has to the grid. */
const FLUSH_MS = 400;

const idle: OrgQueryState = {
  soql: '',
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
};

function asError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** A query against the active org: the first page, more pages on demand, or all of them. */
export function useOrgQuery(options: { batchSize?: number } = {}) {
  const [state, setState] = useState<OrgQueryState>(idle);
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
      setState({ ...idle, soql, running: true });
      try {
        const page = await api.query.run({ soql, all, batchSize: options.batchSize ?? 2000 });
        if (id !== runId.current) return null;
        cursorRef.current = page.cursor;
        pageInFlight.current = false;
        setState({
          ...idle,
          soql,
          columns: resultColumns(soql, page.records),
          records: page.records,
          totalSize: page.totalSize,
          cursor: page.cursor,
          durationMs: page.durationMs,
          apiCalls: page.apiCalls,
        });
        return null;
      } catch (e) {
        if (id !== runId.current) return null;
        pageInFlight.current = false;
        const error = asError(e);
        setState({ ...idle, soql, error });
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
    setState((s) => ({ ...s, loadingMore: true }));
    try {
      const page = await api.query.more({ cursor });
      if (id !== runId.current) return false;
      cursorRef.current = page.cursor;
      pageInFlight.current = false;
      setState((s) => ({
        ...s,
        records: s.records.concat(page.records),
        cursor: page.cursor,
        totalSize: page.totalSize,
        durationMs: s.durationMs + page.durationMs,
        apiCalls: s.apiCalls + page.apiCalls,
        loadingMore: false,
      }));
      return page.cursor !== null;
    } catch (e) {
      if (id !== runId.current) return false;
      pageInFlight.current = false;
      setState((s) => ({ ...s, loadingMore: false, loadingAll: false, error: asError(e) }));
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
    setState((s) => ({ ...s, loadingAll: true, loadingMore: true }));
    let buffer: QueryPage[] = [];
    let flushedAt = performance.now();
    const flush = () => {
      const pages = buffer;
      buffer = [];
      flushedAt = performance.now();
      if (pages.length === 0) return;
      const last = pages[pages.length - 1]!;
      setState((s) => ({
        ...s,
        records: s.records.concat(...pages.map((p) => p.records)),
        cursor: last.cursor,
        totalSize: last.totalSize,
        durationMs: pages.reduce((sum, p) => sum + p.durationMs, s.durationMs),
        apiCalls: pages.reduce((sum, p) => sum + p.apiCalls, s.apiCalls),
      }));
    };
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
      setState((s) => ({ ...s, error: asError(e) }));
    } finally {
      if (id === runId.current) {
        pageInFlight.current = false;
        setState((s) => ({ ...s, loadingAll: false, loadingMore: false }));
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
    setState(idle);
  }, []);

  return { state, run, more, loadAll, stop, clear };
}
