// The inspector's data: the rows of the current filter (first page, more on scroll, live
// updates), the summary behind the chips, and one row's detail. Every answer that arrives after
// the user moved on (another filter, another row) is dropped.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  ApiError,
  type TriggerLogDetail,
  type TriggerLogRow,
  type TriggerLogSummary,
} from '../../../src-shared/api';
import { api } from '../../api';
import { filterKey, toApiFilter, type InspectorFilter } from './filter-model';
import {
  appendPage,
  applyUpdates,
  clearFlash,
  insertRows,
  unseenRows,
  type InspectorRow,
} from './rows-model';

/** The first page fills a tall window twice over; later pages are bigger (one request per scroll). */
export const FIRST_PAGE_ROWS = 100;
export const NEXT_PAGE_ROWS = 500;
const FLASH_MS = 1600;

export type RenderReason = 'filter' | 'page' | 'live';

export interface LogRowsState {
  /** filterKey of the filter these rows answer. */
  key: string;
  rows: InspectorRow[];
  hasMore: boolean;
  /** The first page of a new filter is on its way (the old rows stay until it lands). */
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
  /** New rows held back while the user is scrolled down ("N new rows"). */
  pending: TriggerLogRow[];
  /** The studio's time for the last page. */
  durationMs: number | null;
  /** Counts the row sets the grid was given: the render marker's sequence. */
  renderSeq: number;
  renderReason: RenderReason;
}

const initialRows = (key: string): LogRowsState => ({
  key,
  rows: [],
  hasMore: false,
  loading: true,
  loadingMore: false,
  error: null,
  pending: [],
  durationMs: null,
  renderSeq: 0,
  renderReason: 'filter',
});

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}

type ListAnswer = Awaited<ReturnType<typeof api.triggerLog.list>>;

/**
 * First pages asked for by the control the user just used, before the URL (the filter's home)
 * has caught up: the request leaves on the click, not a hashchange and a render later.
 */
const earlyPages = new Map<string, Promise<ListAnswer>>();

/** Starts `filter`'s first page now; the grid takes it when the URL shows that filter. */
export function prefetchFirstPage(filter: InspectorFilter): void {
  const key = filterKey(filter);
  if (earlyPages.has(key)) return;
  const page = api.triggerLog.list({
    filter: toApiFilter(filter, new Date()),
    limit: FIRST_PAGE_ROWS,
  });
  page.catch(() => {}); // whoever takes it sees the error; untaken, it is dropped
  earlyPages.set(key, page);
  setTimeout(() => {
    if (earlyPages.get(key) === page) earlyPages.delete(key);
  }, 2000);
}

function firstPage(filter: InspectorFilter, key: string): Promise<ListAnswer> {
  const early = earlyPages.get(key);
  earlyPages.delete(key);
  return (
    early ??
    api.triggerLog.list({ filter: toApiFilter(filter, new Date()), limit: FIRST_PAGE_ROWS })
  );
}

/** The rows once a filter's first page has landed: they replace whatever was shown. */
function withFirstPage(s: LogRowsState, key: string, page: ListAnswer): LogRowsState {
  return {
    ...s,
    key,
    rows: page.rows,
    hasMore: page.hasMore,
    loading: false,
    error: null,
    pending: [],
    durationMs: page.durationMs,
    renderSeq: s.renderSeq + 1,
    renderReason: 'filter',
  };
}

export interface LiveView {
  /** The grid shows its first row (new rows can go in without moving anything). */
  atTop(): boolean;
  /** Ids of the rows on screen (and the open one): their states are read again. */
  idsOnScreen(): number[];
}

export function useLogRows(filter: InspectorFilter, view: LiveView) {
  const key = filterKey(filter);
  const [state, setState] = useState<LogRowsState>(() => initialRows(key));
  const filterRef = useRef(filter);
  const keyRef = useRef(key);
  const viewRef = useRef(view);
  const stateRef = useRef(state);
  // Before the request below reads them (layout effects run in order, before passive ones).
  useLayoutEffect(() => {
    filterRef.current = filter;
    keyRef.current = key;
    viewRef.current = view;
    stateRef.current = state;
  });

  // The first page whenever the filter changes. A layout effect: the request leaves as soon as
  // the new filter is committed, not after the next paint (a passive effect waits for it).
  const request = useRef(0);
  useLayoutEffect(() => {
    const id = ++request.current;
    const current = filterRef.current;
    let cancelled = false;
    firstPage(current, key).then(
      (page) => {
        if (cancelled || id !== request.current) return;
        setState((s) => ({ ...withFirstPage(s, key, page), loadingMore: false }));
      },
      (error: unknown) => {
        if (cancelled || id !== request.current) return;
        setState((s) => ({
          ...s,
          key,
          rows: [],
          hasMore: false,
          loading: false,
          error: toApiError(error),
          pending: [],
          renderSeq: s.renderSeq + 1,
          renderReason: 'filter',
        }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]);

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    const last = s.rows[s.rows.length - 1];
    if (!s.hasMore || s.loadingMore || s.loading || !last) return;
    const forKey = s.key;
    setState((prev) => ({ ...prev, loadingMore: true }));
    api.triggerLog
      .list({
        filter: toApiFilter(filterRef.current, new Date()),
        limit: NEXT_PAGE_ROWS,
        beforeId: last.id,
      })
      .then(
        (page) =>
          setState((prev) =>
            prev.key !== forKey
              ? prev
              : {
                  ...prev,
                  rows: appendPage(prev.rows, page.rows),
                  hasMore: page.hasMore,
                  loadingMore: false,
                  durationMs: page.durationMs,
                  renderSeq: prev.renderSeq + 1,
                  renderReason: 'page',
                },
          ),
        (error: unknown) =>
          setState((prev) =>
            prev.key !== forKey ? prev : { ...prev, loadingMore: false, error: toApiError(error) },
          ),
      );
  }, []);

  // Live updates: one refresh at a time; a change that comes meanwhile asks for one more.
  const refreshing = useRef(false);
  const again = useRef(false);
  const flashTimers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const refresh = useCallback(async () => {
    if (refreshing.current) {
      again.current = true;
      return;
    }
    refreshing.current = true;
    try {
      do {
        again.current = false;
        const forKey = keyRef.current;
        const s = stateRef.current;
        if (s.loading || s.key !== forKey) return;
        const ids = viewRef.current.idsOnScreen();
        const [updated, page] = await Promise.all([
          ids.length ? api.triggerLog.rows({ ids }).then((r) => r.rows) : Promise.resolve([]),
          api.triggerLog.list({
            filter: toApiFilter(filterRef.current, new Date()),
            limit: FIRST_PAGE_ROWS,
          }),
        ]);
        if (keyRef.current !== forKey) return;
        const atTop = viewRef.current.atTop();
        let flashed: number[] = [];
        setState((prev) => {
          if (prev.key !== forKey) return prev;
          const { rows: updatedRows, changedIds } = applyUpdates(
            prev.rows,
            updated,
            filterRef.current,
          );
          flashed = changedIds;
          const unseen = unseenRows(updatedRows, page.rows, prev.hasMore);
          const byId = new Map(prev.pending.map((r) => [r.id, r]));
          for (const row of unseen) byId.set(row.id, row);
          const waiting = [...byId.values()];
          const rows = atTop ? insertRows(updatedRows, waiting) : updatedRows;
          if (rows === prev.rows && (atTop ? prev.pending.length === 0 : unseen.length === 0))
            return prev;
          return {
            ...prev,
            rows,
            pending: atTop ? [] : waiting,
            renderSeq: rows === prev.rows ? prev.renderSeq : prev.renderSeq + 1,
            renderReason: 'live',
          };
        });
        if (flashed.length) {
          const ids = flashed;
          const timer = setTimeout(() => {
            flashTimers.current.delete(timer);
            setState((prev) => ({ ...prev, rows: clearFlash(prev.rows, ids) }));
          }, FLASH_MS);
          flashTimers.current.add(timer);
        }
      } while (again.current);
    } catch {
      // A failed live refresh leaves the rows as they were; the next change or poll tries again.
    } finally {
      refreshing.current = false;
    }
  }, []);

  useEffect(() => {
    const timers = flashTimers.current;
    return () => timers.forEach((t) => clearTimeout(t));
  }, []);

  /** The held-back new rows go in (the "N new rows" pill). */
  const showPending = useCallback(() => {
    setState((prev) =>
      prev.pending.length === 0
        ? prev
        : {
            ...prev,
            rows: insertRows(prev.rows, prev.pending),
            pending: [],
            renderSeq: prev.renderSeq + 1,
            renderReason: 'live',
          },
    );
  }, []);

  /** The filter's first page again (after an error, or a bulk retry). */
  const reload = useCallback(() => {
    const id = ++request.current;
    const forKey = keyRef.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    api.triggerLog
      .list({ filter: toApiFilter(filterRef.current, new Date()), limit: FIRST_PAGE_ROWS })
      .then(
        (page) => {
          if (id !== request.current) return;
          setState((s) => withFirstPage(s, forKey, page));
        },
        (error: unknown) => {
          if (id !== request.current) return;
          setState((s) => ({ ...s, loading: false, error: toApiError(error) }));
        },
      );
  }, []);

  // Rows of another filter are still on screen while the new first page is on its way.
  const loading = state.loading || state.key !== key;
  return {
    state: loading === state.loading ? state : { ...state, loading },
    loadMore,
    refresh,
    showPending,
    reload,
  };
}

export interface SummaryState {
  summary: TriggerLogSummary | null;
  error: ApiError | null;
  loaded: boolean;
}

/** How often the summary is read at most while changes stream in. */
const SUMMARY_EVERY_MS = 1000;

/**
 * triggerLog.summary, read again on `refresh`: at most once a second, and always once more
 * after the last change asked (a change inside the quiet second is read when it ends).
 */
export function useSummary() {
  const [state, setState] = useState<SummaryState>({ summary: null, error: null, loaded: false });
  const inFlight = useRef(false);
  const again = useRef(false);
  const lastAt = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const load = useCallback(async (force = false): Promise<void> => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    const wait = lastAt.current + SUMMARY_EVERY_MS - Date.now();
    if (!force && wait > 0) {
      trailing.current ??= setTimeout(() => {
        trailing.current = undefined;
        void load(true);
      }, wait);
      return;
    }
    inFlight.current = true;
    lastAt.current = Date.now();
    try {
      const summary = await api.triggerLog.summary();
      setState({ summary, error: null, loaded: true });
    } catch (error) {
      setState((s) => ({ summary: s.summary, error: toApiError(error), loaded: true }));
    } finally {
      inFlight.current = false;
    }
    if (again.current) {
      again.current = false;
      void load();
    }
  }, []);
  useEffect(() => {
    void load(true);
    return () => clearTimeout(trailing.current);
  }, [load]);
  return { ...state, refresh: load };
}

export interface DetailState {
  id: number | null;
  detail: TriggerLogDetail | null;
  loading: boolean;
  error: ApiError | null;
}

/** The open row's detail; read again when `version` (its state as the grid last saw it) changes. */
export function useDetail(id: number | null, version: string) {
  const [state, setState] = useState<DetailState>({
    id: null,
    detail: null,
    loading: false,
    error: null,
  });
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    if (id === null) return;
    let cancelled = false;
    api.triggerLog.detail({ id }).then(
      (detail) => {
        if (!cancelled) setState({ id, detail, loading: false, error: null });
      },
      (error: unknown) => {
        if (!cancelled)
          setState((s) => ({
            id,
            detail: s.id === id ? s.detail : null,
            loading: false,
            error: toApiError(error),
          }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, version, reloads]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  // Another row's detail is never shown for this one: until its own lands, it is loading.
  const current: DetailState =
    state.id === id ? state : { id, detail: null, loading: id !== null, error: null };
  return { ...current, reload };
}
