import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SyncStatus } from '../../../src-shared/api';
import { api } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { mappingRoute, navigate } from '../../state/route';
import { useActiveProfiles, useStudio } from '../../state/studio';
import { FirstStep } from '../FirstStep';
import { EventLog } from './EventLog';
import {
  ENGINE_LABELS,
  formatAgo,
  formatClock,
  formatCount,
  loadEndsSince,
  toneOf,
} from './format';
import { MappingTable, type MappingAction } from './MappingTable';
import { useNow, useSyncLog, useSyncStatus } from './use-sync';
import './sync.css';

const isMac = /Mac/i.test(navigator.platform);
const START_KEYS = isMac ? '⌘Enter' : 'Ctrl+Enter';
const STOP_KEYS = isMac ? '⇧⌘S' : 'Ctrl+Shift+S';
const PAUSE_KEYS = isMac ? '⇧⌘P' : 'Ctrl+Shift+P';

/** A modal dialog is open (this dashboard's or anyone's): the page's shortcuts keep still. */
const dialogOpen = () => document.querySelector('dialog[open]') !== null;

type EngineAction = 'start' | 'stop' | 'pauseAll' | 'resumeAll';

/** The engine's states in which it runs (it can be stopped, its mappings paused or reloaded). */
const isOn = (engine: SyncStatus['engine']) =>
  engine === 'starting' || engine === 'running' || engine === 'paused';

export function SyncWorkspace() {
  const { org, db } = useActiveProfiles();
  const key = org && db ? `${org.id}|${db.id}` : null;

  if (!key) {
    return (
      <div className="sync">
        <header className="workspace__header">
          <h1>Sync</h1>
          <p className="muted">The sync engine between the active org and database.</p>
        </header>
        <EmptyState
          icon="sync"
          title="Run the sync on your machine"
          action={
            <div className="button-row">
              <FirstStep needs={['org', 'db']} />
              <button className="button" onClick={() => navigate('welcome')}>
                Or open the demo
              </button>
            </div>
          }
        >
          <p>
            Initial loads with progress, polling for changes, and writes back to Salesforce from the
            trigger log, with the same table layout and write semantics as Heroku Connect. Pause,
            resume and reload each mapping.
          </p>
        </EmptyState>
      </div>
    );
  }
  return <SyncDashboard key={key} statusKey={key} />;
}

function SyncDashboard({ statusKey }: { statusKey: string }) {
  const { notify } = useStudio();
  const { load, refresh, show, stale } = useSyncStatus(statusKey);
  const log = useSyncLog(statusKey);
  const now = useNow(1000);
  const [busy, setBusy] = useState<string | null>(null);

  const run = useCallback(
    async (label: string, call: () => Promise<SyncStatus>) => {
      setBusy(label);
      try {
        show(await call());
      } catch (error) {
        notify('error', error instanceof Error ? error.message : String(error));
      } finally {
        setBusy(null);
      }
    },
    [notify, show],
  );

  const engineAction = useCallback(
    (action: EngineAction) =>
      run(action, () => {
        switch (action) {
          case 'start':
            return api.sync.start();
          case 'stop':
            return api.sync.stop();
          case 'pauseAll':
            return api.sync.pause({});
          case 'resumeAll':
            return api.sync.resume({});
        }
      }),
    [run],
  );

  const mappingAction = useCallback(
    (action: MappingAction, object: string) =>
      void run(`${action}:${object}`, () => {
        if (action === 'pause') return api.sync.pause({ object });
        if (action === 'resume') return api.sync.resume({ object });
        return api.sync.reload({ object });
      }),
    [run],
  );

  const status = load.state === 'ready' ? load.status : null;
  const startedAt = status?.startedAt ?? null;
  const loadEnds = useMemo(() => loadEndsSince(log.entries, startedAt), [log.entries, startedAt]);

  // Ctrl/Cmd+Enter starts the engine (never stops it: a key pressed twice must not undo the
  // first), Ctrl/Cmd+Shift+S stops it, Ctrl/Cmd+Shift+P pauses or resumes it all. Not while a
  // dialog is open, and not for a key something else already handled.
  useEffect(() => {
    if (!status) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.defaultPrevented || busy) return;
      if (dialogOpen()) return;
      const key = e.key.toLowerCase();
      if (key === 'enter' && !e.shiftKey) {
        e.preventDefault();
        if (!isOn(status.engine) && status.mappings.length > 0) void engineAction('start');
      } else if (e.shiftKey && key === 's') {
        e.preventDefault();
        if (isOn(status.engine)) void engineAction('stop');
      } else if (e.shiftKey && key === 'p') {
        e.preventDefault();
        if (status.engine === 'paused') void engineAction('resumeAll');
        else if (status.engine === 'running') void engineAction('pauseAll');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [status, busy, engineAction]);

  if (load.state === 'loading') {
    return (
      <div className="sync">
        <SyncTitle />
        <p className="muted" role="status">
          Reading the engine’s status…
        </p>
      </div>
    );
  }
  if (load.state === 'failed') {
    return (
      <div className="sync">
        <SyncTitle />
        <div className="sync-callout sync-callout--danger" role="alert">
          <Icon name="alert" />
          <div>
            <p>
              <strong>The engine’s status could not be read.</strong> {load.message}
            </p>
          </div>
          <button className="button" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  const s = load.status;
  const on = isOn(s.engine);
  return (
    <div className="sync">
      <SyncHeader
        status={s}
        now={now}
        busy={busy}
        stale={stale}
        onAction={(a) => void engineAction(a)}
      />

      {s.mappings.length === 0 ? (
        <EmptyState
          icon="mappings"
          title="Design a mapping first"
          action={
            <button className="button button--primary" onClick={() => navigate(mappingRoute())}>
              Open Mappings
            </button>
          }
        >
          <p>
            The engine syncs the mappings applied to {s.databaseName ?? 'the database'}
            {s.schemaName ? ` (schema ${s.schemaName})` : ''}, and there are none yet. Pick objects
            and fields in Mappings and apply them; they appear here.
          </p>
        </EmptyState>
      ) : (
        <>
          {s.engine === 'error' ? (
            <div className="sync-callout sync-callout--danger" role="alert">
              <Icon name="alert" />
              <div>
                <p>
                  <strong>The engine stopped on an error.</strong>{' '}
                  {s.message ?? 'The event log below says more.'}
                </p>
              </div>
              <button
                className="button button--primary"
                onClick={() => void engineAction('start')}
                disabled={busy !== null}
                title={`Start the engine again (${START_KEYS})`}
              >
                Start again
              </button>
            </div>
          ) : null}
          {!on && s.engine !== 'error' ? (
            <div className="sync-callout sync-callout--start" role="region" aria-label="Engine off">
              <Icon name="sync" size={28} />
              <div>
                <p>
                  <strong>The engine is not running.</strong> {s.message ? `${s.message} ` : ''}
                  Start it to keep{' '}
                  {s.mappings.length === 1
                    ? `the ${s.mappings[0]?.objectName ?? ''} mapping`
                    : `the ${s.mappings.length} mappings`}{' '}
                  in sync with {s.orgName ?? 'the org'}.
                </p>
              </div>
              <button
                className="button button--primary sync-callout__start"
                onClick={() => void engineAction('start')}
                disabled={busy !== null}
                title={`Start the engine (${START_KEYS})`}
              >
                {busy === 'start' ? 'Starting…' : 'Start the sync'}
              </button>
            </div>
          ) : null}
          <MappingTable
            mappings={s.mappings}
            schemaName={s.schemaName}
            engineOn={on}
            now={now}
            busy={busy}
            loadEnds={loadEnds}
            onAction={mappingAction}
          />
        </>
      )}

      <EventLog entries={log.entries} error={log.error} />
    </div>
  );
}

function SyncTitle() {
  return (
    <header className="sync-header">
      <div className="sync-header__top">
        <h1>Sync</h1>
      </div>
    </header>
  );
}

function SyncHeader({
  status: s,
  now,
  busy,
  stale,
  onAction,
}: {
  status: SyncStatus;
  now: number;
  busy: string | null;
  /** Why the status shown could not be read again, while it cannot. */
  stale: string | null;
  onAction(action: EngineAction): void;
}) {
  const on = isOn(s.engine);
  const disabled = busy !== null;
  return (
    <header className="sync-header">
      <div className="sync-header__top">
        <h1>Sync</h1>
        <span
          className={`sync-chip sync-chip--${toneOf(s.engine)}`}
          data-testid="engine-state"
          title={s.message ?? undefined}
        >
          <span className="sync-chip__dot" aria-hidden="true" />
          {ENGINE_LABELS[s.engine]}
        </span>
        {stale ? (
          <span className="sync-stale" role="status" title={stale}>
            <Icon name="alert" size={14} />
            As of {formatClock(s.at)}: the status could not be read again
          </span>
        ) : null}
        <span className="spacer" />
        {s.engine === 'paused' ? (
          <button
            className="button"
            onClick={() => onAction('resumeAll')}
            disabled={disabled}
            title={`Resume every mapping (${PAUSE_KEYS})`}
          >
            Resume all
          </button>
        ) : (
          <button
            className="button"
            onClick={() => onAction('pauseAll')}
            disabled={disabled || s.engine !== 'running'}
            title={`Pause every mapping: no polls and no writes (${PAUSE_KEYS})`}
          >
            Pause all
          </button>
        )}
        {on ? (
          <button
            className="button"
            onClick={() => onAction('stop')}
            disabled={disabled}
            title={`Stop the engine; unsent changes stay in the trigger log (${STOP_KEYS})`}
          >
            {busy === 'stop' ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            className="button button--primary"
            onClick={() => onAction('start')}
            disabled={disabled || s.mappings.length === 0}
            title={`Start the engine (${START_KEYS})`}
          >
            {busy === 'start' ? 'Starting…' : 'Start'}
          </button>
        )}
      </div>
      <div className="sync-header__facts">
        <p className="sync-header__between">
          <span title="Org">
            <Icon name="cloud" size={14} /> {s.orgName ?? 'No org'}
          </span>
          <span aria-hidden="true">⇄</span>
          <span title="Database">
            <Icon name="database" size={14} /> {s.databaseName ?? 'No database'}
          </span>
          {s.schemaName ? (
            <span className="muted">
              schema <code>{s.schemaName}</code>
            </span>
          ) : null}
          {s.writeAlgorithm ? (
            <span
              className="muted"
              title={
                s.writeAlgorithm === 'merged'
                  ? 'Merged writes: changes to a record since its last write go as one'
                  : 'Ordered writes: every change goes in the order it was made'
              }
            >
              {s.writeAlgorithm} writes
            </span>
          ) : null}
          {s.startedAt ? (
            <span className="muted" title={s.startedAt}>
              started {formatAgo(s.startedAt, now)}
            </span>
          ) : null}
        </p>
        <ApiUsage usage={s.apiUsage} thisRun={s.apiCallsThisRun} engineOn={on} />
      </div>
    </header>
  );
}

/** The org's API requests in the last 24 hours against its daily limit. */
function ApiUsage({
  usage,
  thisRun,
  engineOn,
}: {
  usage: SyncStatus['apiUsage'];
  thisRun: number;
  engineOn: boolean;
}) {
  if (!usage || usage.max <= 0) {
    return (
      <p className="sync-usage muted" title="The org reports its usage with each API answer">
        {engineOn
          ? `API usage: not reported yet · ${formatCount(thisRun)} calls this run`
          : 'API usage: read from the org once the sync runs'}
      </p>
    );
  }
  const share = Math.min(1, usage.used / usage.max);
  const percent = Math.round(share * 100);
  const tone = usage.used >= usage.max ? 'full' : share > 0.8 ? 'warn' : 'ok';
  return (
    <div className={`sync-usage sync-usage--${tone}`}>
      <span className="sync-usage__label">API requests, 24 h</span>
      <div
        className="sync-usage__meter"
        role="meter"
        aria-label="API requests in the last 24 hours"
        aria-valuemin={0}
        aria-valuemax={usage.max}
        aria-valuenow={usage.used}
        aria-valuetext={`${formatCount(usage.used)} of ${formatCount(usage.max)}`}
      >
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span className="sync-usage__numbers">
        {formatCount(usage.used)} / {formatCount(usage.max)} · {percent} %
      </span>
      <span className="muted" title="Requests this engine made since it started">
        {formatCount(thisRun)} this run
      </span>
      {tone !== 'ok' ? (
        <span className="sync-usage__warning" role="status">
          <Icon name="alert" size={14} />
          {tone === 'full'
            ? 'The daily limit is used up: polls and writes wait until the rolling 24-hour window frees requests.'
            : 'Above 80 % of the daily limit: when it runs out, polls and writes wait until the rolling 24-hour window frees requests.'}
        </span>
      ) : null}
    </div>
  );
}
