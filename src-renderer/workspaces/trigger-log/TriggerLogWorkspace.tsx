import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ApiError } from '../../../src-shared/api';
import { api } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import {
  mappingRoute,
  navigate,
  parseTriggerLogRoute,
  replaceRoute,
  triggerLogRoute,
  useHashLocation,
} from '../../state/route';
import { useActiveProfiles, useStudio } from '../../state/studio';
import { FirstStep } from '../FirstStep';
import { BulkRetry } from './BulkRetry';
import { DetailPanel } from './DetailPanel';
import { FilterBar } from './FilterBar';
import {
  EMPTY_FILTER,
  filterFromRoute,
  filterKey,
  hasFilters,
  routeFromFilter,
  stateCounts,
  type InspectorFilter,
} from './filter-model';
import { formatCount } from './format';
import { LogGrid, ROW_HEIGHT } from './LogGrid';
import { idsOnScreen, stepRow, type InspectorRow } from './rows-model';
import {
  prefetchFirstPage,
  toApiError,
  useDetail,
  useLogRows,
  useSummary,
  type LiveView,
  type RenderReason,
} from './use-trigger-log';
import './trigger-log.css';

/** With no engine of this studio writing the schema (Heroku Connect does), the log is polled. */
const POLL_MS = 5000;

/** What the grid last painted; the benchmark and the e2e wait for it. */
export interface TriggerLogRenderMark {
  /** Increases with every mark of this page's life. */
  seq: number;
  reason: RenderReason;
  /** filterKey of the rows shown. */
  filter: string;
  rows: number;
  /** The studio's own time for the page (triggerLog.list durationMs). */
  serverMs: number | null;
  /** performance.now() when the grid held the rows. */
  at: number;
}

declare global {
  interface Window {
    __triggerLogRendered?: TriggerLogRenderMark;
  }
  interface WindowEventMap {
    'trigger-log:rendered': CustomEvent<TriggerLogRenderMark>;
  }
}

const NO_TABLES: string[] = [];

/** Counts render marks across mounts (leaving the workspace and coming back starts a new grid). */
let renderMarks = 0;

const KEYS_LEGEND = '↑ ↓ or j k move · Enter opens · Esc closes · R retries · / text filter';

export function TriggerLogWorkspace() {
  const { settings } = useStudio();
  const { db } = useActiveProfiles();
  if (settings === null) return null; // the studio is still loading
  if (!db) return <NoDatabase />;
  // Another database (or the same profile edited to point elsewhere): start afresh.
  return <Inspector key={`${db.id} ${db.updatedAt}`} />;
}

function Header({ children }: { children?: ReactNode }) {
  return (
    <header className="tl-header">
      <h1>Trigger Log</h1>
      {children}
    </header>
  );
}

function NoDatabase() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Trigger Log</h1>
        <p className="muted">Every change headed for Salesforce, and why a write failed.</p>
      </header>
      <EmptyState
        icon="trigger-log"
        title="Find out why a write failed"
        action={<FirstStep needs={['db']} />}
      >
        <p>
          <code>_trigger_log</code> and its archive in one filterable list; each failed row with the
          change, the Salesforce error in plain words, the likely fix, and retry. It needs only a
          database (an org adds the Salesforce record beside each row), and works read-only on a
          database Heroku Connect itself writes.
        </p>
      </EmptyState>
    </div>
  );
}

/** The summary or the first page answered that the schema has no trigger log at all. */
function isMissingLog(error: ApiError | null): boolean {
  if (!error) return false;
  if (error.code === 'NOT_FOUND') return true;
  return (
    /_trigger_log/.test(error.message) &&
    /not exist|no such|missing|not found|nothing is mapped/i.test(error.message)
  );
}

function NoTriggerLog({ message }: { message: string }) {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Trigger Log</h1>
        <p className="muted">Every change headed for Salesforce, and why a write failed.</p>
      </header>
      <EmptyState
        icon="trigger-log"
        title="Nothing is mapped read-write yet"
        action={
          <button className="button button--primary" onClick={() => navigate(mappingRoute())}>
            Open the Mappings
          </button>
        }
      >
        <p>
          There is no trigger log to read. Make a mapping read-write in Mappings and apply it: every
          change made in Postgres to its table is then logged here on its way to Salesforce. Or, in
          Connections, pick the database and schema Heroku Connect writes.
        </p>
        <p className="muted tl-empty-detail">{message}</p>
      </EmptyState>
    </div>
  );
}

function Inspector() {
  const { notify } = useStudio();
  const location = useHashLocation();
  const route = useMemo(
    () => (location.workspace === 'trigger-log' ? parseTriggerLogRoute(location.params) : {}),
    [location],
  );
  const filter = useMemo(() => filterFromRoute(route), [route]);
  const openId = route.row ?? null;

  const go = useCallback((next: InspectorFilter, row: number | null) => {
    replaceRoute(triggerLogRoute(routeFromFilter(next, row ?? undefined)));
  }, []);
  const changeFilter = useCallback(
    (next: InspectorFilter) => {
      if (filterKey(next) !== filterKey(filter)) prefetchFirstPage(next);
      go(next, openId);
    },
    [go, openId, filter],
  );
  const openRow = useCallback((id: number | null) => go(filter, id), [go, filter]);

  // The grid's scroll box: where the rows on screen are, and whether it shows the newest.
  const gridBox = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<InspectorRow[]>([]);
  const openIdRef = useRef(openId);
  const scrollBox = () => gridBox.current?.querySelector<HTMLElement>('.data-table') ?? null;
  const view = useMemo<LiveView>(
    () => ({
      atTop: () => (scrollBox()?.scrollTop ?? 0) < ROW_HEIGHT,
      idsOnScreen: () => {
        const box = scrollBox();
        const top = box?.scrollTop ?? 0;
        const height = box?.clientHeight ?? 800;
        const first = Math.floor(top / ROW_HEIGHT) - 2;
        const last = Math.ceil((top + height) / ROW_HEIGHT) + 2;
        const open = openIdRef.current;
        return idsOnScreen(rowsRef.current, first, last, open === null ? [] : [open]);
      },
    }),
    [],
  );

  const summary = useSummary();
  const { state, loadMore, refresh, showPending, reload } = useLogRows(filter, view);
  useEffect(() => {
    rowsRef.current = state.rows;
    openIdRef.current = openId;
  });

  // Live: the studio says when the log changed; a database another writer (Heroku Connect)
  // works on says nothing, so it is read every few seconds while the inspector is in view.
  const schemaName = summary.summary?.schemaName ?? null;
  const refreshSummary = summary.refresh;
  useEffect(
    () =>
      api.on('triggerLog.changed', (change) => {
        if (schemaName !== null && change.schemaName !== schemaName) return;
        void refresh();
        void refreshSummary();
      }),
    [schemaName, refresh, refreshSummary],
  );
  const engineRunning = summary.summary?.engineRunning ?? true;
  useEffect(() => {
    if (engineRunning) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void refresh();
      void refreshSummary(true);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [engineRunning, refresh, refreshSummary]);

  // The render marker: set once the grid holds the new rows (before the browser paints them).
  useLayoutEffect(() => {
    if (state.renderSeq === 0) return;
    const box = scrollBox();
    if (state.renderReason === 'filter' && box) box.scrollTop = 0;
    const mark: TriggerLogRenderMark = {
      seq: ++renderMarks,
      reason: state.renderReason,
      filter: state.key,
      rows: state.rows.length,
      serverMs: state.durationMs,
      at: performance.now(),
    };
    window.__triggerLogRendered = mark;
    gridBox.current?.setAttribute('data-render-seq', String(mark.seq));
    window.dispatchEvent(new CustomEvent('trigger-log:rendered', { detail: mark }));
    // Only a new row set is a render; its other fields come with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.renderSeq]);

  // The open row's detail, read again when the grid sees the row change.
  const openRowInGrid = openId === null ? null : (state.rows.find((r) => r.id === openId) ?? null);
  const detail = useDetail(
    openId,
    openRowInGrid ? `${openRowInGrid.state} ${openRowInGrid.updatedAt ?? ''}` : '',
  );

  const reloadDetail = detail.reload;
  const retry = useCallback(
    async (id: number): Promise<string | null> => {
      try {
        await api.triggerLog.retry({ ids: [id] });
        notify(
          'info',
          engineRunning
            ? `Row ${id} is on its way to Salesforce again.`
            : `Row ${id} is queued again; it is sent when the engine writing this schema next runs.`,
        );
        void refresh();
        reloadDetail();
        return null;
      } catch (error) {
        return toApiError(error).message;
      }
    },
    [notify, engineRunning, refresh, reloadDetail],
  );
  const ignore = useCallback(
    async (id: number): Promise<string | null> => {
      try {
        await api.triggerLog.ignore({ ids: [id] });
        notify('info', `Row ${id} is IGNORED: it will not be sent.`);
        void refresh();
        reloadDetail();
        return null;
      } catch (error) {
        return toApiError(error).message;
      }
    },
    [notify, refresh, reloadDetail],
  );

  // Keyboard: the grid moves its own active row with the arrows when it has focus; everywhere
  // else in the inspector, ↑/↓ and j/k move the selection (and the detail, when open).
  const textInput = useRef<HTMLInputElement>(null);
  const [cursorId, setCursorId] = useState<number | null>(null);
  const selectedId = openId ?? cursorId;
  const keyState = useRef({ selectedId, openId, rows: state.rows, retry, openRow });
  useEffect(() => {
    keyState.current = { selectedId, openId, rows: state.rows, retry, openRow };
  });
  useEffect(() => {
    const scrollIntoView = (id: number) => {
      const box = scrollBox();
      const index = keyState.current.rows.findIndex((r) => r.id === id);
      if (!box || index < 0) return;
      const head = box.querySelector<HTMLElement>('.data-table__head')?.offsetHeight ?? 0;
      const top = index * ROW_HEIGHT;
      if (top < box.scrollTop) box.scrollTop = top;
      else if (top + ROW_HEIGHT > box.scrollTop + box.clientHeight - head)
        box.scrollTop = top + ROW_HEIGHT - box.clientHeight + head;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      const typing =
        target !== null &&
        (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      const k = keyState.current;
      if (e.key === 'Escape') {
        if (k.openId !== null) {
          e.preventDefault();
          k.openRow(null);
        } else if (typing) target.blur();
        return;
      }
      if (typing) return;
      const onButton = target?.tagName === 'BUTTON' || target?.tagName === 'A';
      switch (e.key) {
        case '/':
          textInput.current?.focus();
          textInput.current?.select();
          break;
        case 'j':
        case 'k':
        case 'ArrowDown':
        case 'ArrowUp': {
          const next = stepRow(
            k.rows,
            k.selectedId,
            e.key === 'j' || e.key === 'ArrowDown' ? 1 : -1,
          );
          if (!next) return;
          if (k.openId !== null) k.openRow(next.id);
          else setCursorId(next.id);
          scrollIntoView(next.id);
          break;
        }
        case 'Enter':
          if (onButton || k.selectedId === null) return;
          k.openRow(k.selectedId);
          break;
        case 'r':
        case 'R': {
          const open = k.rows.find((r) => r.id === k.openId);
          if (!open || open.state !== 'FAILED') return;
          void k.retry(open.id);
          break;
        }
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const counts = useMemo(
    () => stateCounts(summary.summary, filter.source),
    [summary.summary, filter.source],
  );
  const missing = isMissingLog(summary.error) || isMissingLog(state.error);
  if (missing) {
    return <NoTriggerLog message={(summary.error ?? state.error)?.message ?? ''} />;
  }

  const filtered = hasFilters(filter);
  const emptyMessage = state.loading ? (
    <span role="status">Reading the trigger log…</span>
  ) : state.error ? (
    ''
  ) : filtered ? (
    <span className="tl-empty">
      No rows match.{' '}
      <button
        type="button"
        className="button button--small"
        onClick={() => changeFilter(EMPTY_FILTER)}
      >
        Clear filters
      </button>
    </span>
  ) : (
    <span className="tl-empty">
      The trigger log is empty: no change has been made to a read-write table yet. Insert, update or
      delete a row of a read-write mapping in Postgres and it shows here on its way to Salesforce.
    </span>
  );

  return (
    <div className={'tl' + (openId !== null ? ' tl--with-detail' : '')}>
      <div className="tl-main">
        <Header>
          {schemaName ? (
            <span
              className="muted mono tl-header__schema"
              title="The active database's sync schema"
            >
              {schemaName}._trigger_log
            </span>
          ) : null}
          {summary.summary ? (
            summary.summary.engineRunning ? (
              <span
                className="tl-engine tl-engine--on"
                title={`The studio's sync engine writes this schema (${summary.summary.writeAlgorithm} writes); rows update as it works`}
              >
                Engine writing
              </span>
            ) : (
              <span
                className="tl-engine"
                title="No sync engine of this studio writes this schema (Heroku Connect may): the log is read again every 5 seconds"
              >
                No engine here · checking every 5 s
              </span>
            )
          ) : null}
          <span className="spacer" />
          <span className="tl-keys muted" title="Keyboard">
            {KEYS_LEGEND}
          </span>
        </Header>

        <FilterBar
          filter={filter}
          onChange={changeFilter}
          counts={counts}
          tables={summary.summary?.tables ?? NO_TABLES}
          textInputRef={textInput}
        />

        {summary.error && !summary.summary ? (
          <div className="tl-error" role="alert">
            <p>{summary.error.message}</p>
            <button
              type="button"
              className="button button--small"
              onClick={() => void summary.refresh(true)}
            >
              Try again
            </button>
          </div>
        ) : null}
        {state.error ? (
          <div className="tl-error" role="alert">
            <p>{state.error.message}</p>
            <button type="button" className="button button--small" onClick={reload}>
              Try again
            </button>
          </div>
        ) : null}

        <div className="tl-status">
          <span role="status" aria-label="Rows loaded" data-testid="trigger-log-status">
            {state.loading
              ? 'Reading…'
              : `${formatCount(state.rows.length)} row${state.rows.length === 1 ? '' : 's'}` +
                (state.hasMore ? ' · more as you scroll' : '') +
                (state.loadingMore ? ' · reading more…' : '')}
          </span>
          {state.durationMs !== null && !state.loading ? (
            <span className="muted" title="The studio's time for the last page">
              · {formatCount(Math.round(state.durationMs))} ms
            </span>
          ) : null}
          {filtered ? (
            <button
              type="button"
              className="button button--small button--quiet"
              title="Show every row of the log and its archive"
              onClick={() => changeFilter(EMPTY_FILTER)}
            >
              Clear filters
            </button>
          ) : null}
          {state.pending.length ? (
            <button
              type="button"
              className="tl-pill"
              onClick={() => {
                showPending();
                const box = scrollBox();
                if (box) box.scrollTop = 0;
              }}
            >
              ↑ {formatCount(state.pending.length)}
              {state.pending.length >= 100 ? '+' : ''} new row
              {state.pending.length === 1 ? '' : 's'}
            </button>
          ) : null}
          <span className="spacer" />
          <BulkRetry
            filter={filter}
            summary={summary.summary}
            loadedKey={state.loading ? null : state.key}
            onDone={(requeued) => {
              notify(
                'info',
                `${formatCount(requeued)} FAILED row${requeued === 1 ? ' is' : 's are'} queued again.`,
              );
              void refresh();
              void refreshSummary(true);
            }}
          />
        </div>

        <div className="tl-grid-box" ref={gridBox} data-testid="trigger-log-grid">
          <LogGrid
            rows={state.rows}
            narrow={openId !== null}
            selectedId={selectedId}
            onOpen={(row) => openRow(row.id)}
            onScrollNearEnd={loadMore}
            emptyMessage={emptyMessage}
          />
        </div>
      </div>
      {openId !== null ? (
        <DetailPanel
          key={openId}
          id={openId}
          row={openRowInGrid}
          detail={detail.detail}
          loading={detail.loading}
          error={detail.error}
          onReload={detail.reload}
          onClose={() => openRow(null)}
          onRetry={retry}
          onIgnore={ignore}
          onCopied={(what) => notify('info', `${what} copied.`)}
        />
      ) : null}
    </div>
  );
}
