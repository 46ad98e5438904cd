import { useState } from 'react';
import type { SyncMappingState } from '../../../src-shared/api';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { mappingRoute, navigate, triggerLogRoute } from '../../state/route';
import {
  formatAgo,
  formatClock,
  formatCount,
  formatCountdown,
  formatDuration,
  formatRate,
  PHASE_HELP,
  PHASE_LABELS,
  toneOf,
  type LoadEnd,
} from './format';

export type MappingAction = 'pause' | 'resume' | 'reload';

interface Props {
  mappings: SyncMappingState[];
  schemaName: string | null;
  /** The engine runs: a mapping can be paused, resumed or reloaded only then. */
  engineOn: boolean;
  now: number;
  /** `${action}:${object}` of the request on its way, if any. */
  busy: string | null;
  /** Loads that ended in this run of the engine, by object (from the event log). */
  loadEnds: ReadonlyMap<string, LoadEnd>;
  onAction(action: MappingAction, objectName: string): void;
}

/** A row per mapping: where it stands, its counts, and what can be done to it. */
export function MappingTable({
  mappings,
  schemaName,
  engineOn,
  now,
  busy,
  loadEnds,
  onAction,
}: Props) {
  const [confirming, setConfirming] = useState<SyncMappingState | null>(null);
  return (
    <>
      <table className="sync-table" aria-label="Mappings">
        <thead>
          <tr>
            <th scope="col">Mapping</th>
            <th scope="col" className="sync-table__phase">
              Phase
            </th>
            <th scope="col" className="num" title="Rows in the Postgres table">
              Rows
            </th>
            <th scope="col">Last poll</th>
            <th scope="col">Next poll</th>
            <th scope="col" className="num" title="Trigger-log rows waiting to be sent">
              Pending
            </th>
            <th scope="col" className="num" title="Trigger-log rows Salesforce refused">
              Failed
            </th>
            <th scope="col" className="sync-table__actions">
              <span className="sync-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {mappings.map((m) => (
            <MappingRow
              key={m.objectName}
              mapping={m}
              schemaName={schemaName}
              engineOn={engineOn}
              now={now}
              busy={busy}
              loadEnd={loadEnds.get(m.objectName) ?? null}
              onAction={onAction}
              onReload={() => setConfirming(m)}
            />
          ))}
        </tbody>
      </table>
      {confirming ? (
        <ReloadDialog
          mapping={confirming}
          schemaName={schemaName}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            onAction('reload', confirming.objectName);
          }}
        />
      ) : null}
    </>
  );
}

function MappingRow({
  mapping: m,
  schemaName,
  engineOn,
  now,
  busy,
  loadEnd,
  onAction,
  onReload,
}: Omit<Props, 'mappings' | 'loadEnds'> & {
  mapping: SyncMappingState;
  loadEnd: LoadEnd | null;
  onReload(): void;
}) {
  const qualified = schemaName ? `${schemaName}.${m.table}` : m.table;
  const mine = busy?.endsWith(`:${m.objectName}`) ?? false;
  const paused = m.paused || m.phase === 'paused';
  // While a load fills (or is about to empty and fill) the table, a count of its rows or the
  // poll planned before it would be out of date the moment it shows.
  const loading = m.load !== null || m.phase === 'initial_load' || m.phase === 'waiting';
  return (
    <tr className={`sync-row sync-row--${m.phase}`} aria-label={m.objectName}>
      <td>
        <div className="sync-row__object">
          <strong>{m.objectName}</strong>
          <span className="sync-row__arrow" aria-hidden="true">
            →
          </span>
          <code title={`Postgres table ${qualified}`}>{m.table}</code>
        </div>
        <span className="sync-row__access muted">
          {m.access === 'read_only' ? 'Read-only' : 'Read-write'}
        </span>
      </td>
      <td className="sync-table__phase">
        <span
          className={`sync-badge sync-badge--${toneOf(m.phase)}`}
          title={PHASE_HELP[m.phase]}
          data-testid="mapping-phase"
        >
          {PHASE_LABELS[m.phase]}
        </span>
        {m.load ? (
          <LoadProgress objectName={m.objectName} load={m.load} />
        ) : loadEnd && !loading ? (
          <p className="sync-row__loaded muted" title={`Load ended at ${formatClock(loadEnd.at)}`}>
            Loaded {loadEnd.records} rows in {loadEnd.took}
          </p>
        ) : null}
        {m.error ? (
          <p className="sync-row__error" title={m.error}>
            {m.error}
          </p>
        ) : null}
      </td>
      <td
        className="num"
        data-testid="mapping-rows"
        title={loading ? 'Counted once the load is over' : undefined}
      >
        {loading ? '—' : formatCount(m.rowCount)}
      </td>
      <td title={m.lastPollAt ?? 'No poll yet'}>{formatAgo(m.lastPollAt, now)}</td>
      <td title={loading ? 'Polls begin after the load' : (m.nextPollAt ?? undefined)}>
        {!engineOn || paused || loading
          ? '—'
          : m.phase === 'polling'
            ? 'now'
            : formatCountdown(m.nextPollAt, now)}
      </td>
      <td className="num">{formatCount(m.pending)}</td>
      <td className="num">
        {m.failed > 0 ? (
          <a
            className="sync-row__failed"
            href={`#/${triggerLogRoute({ states: ['FAILED'], table: m.table })}`}
            title={`Open the ${m.failed} failed ${m.table} rows in Trigger Log`}
          >
            {formatCount(m.failed)}
          </a>
        ) : (
          '0'
        )}
      </td>
      <td className="sync-table__actions">
        <div className="sync-row__actions">
          {paused ? (
            <button
              className="button button--small"
              onClick={() => onAction('resume', m.objectName)}
              disabled={!engineOn || mine}
              aria-label={`Resume ${m.objectName}`}
              title={`Resume polling and writing ${m.objectName}`}
            >
              Resume
            </button>
          ) : (
            <button
              className="button button--small"
              onClick={() => onAction('pause', m.objectName)}
              disabled={!engineOn || mine}
              aria-label={`Pause ${m.objectName}`}
              title={`Pause ${m.objectName}: no polls and no writes until resumed (kept across restarts)`}
            >
              Pause
            </button>
          )}
          <button
            className="button button--small"
            onClick={onReload}
            disabled={!engineOn || mine}
            aria-label={`Reload ${m.objectName}`}
            title={`Empty ${qualified} of its synced rows and load it again from the org`}
          >
            Reload
          </button>
          <button
            className="icon-button"
            onClick={() => navigate(mappingRoute(m.objectName))}
            aria-label={`Open ${m.objectName} in Mappings`}
            title={`Open ${m.objectName} in Mappings`}
          >
            <Icon name="mappings" size={16} />
          </button>
        </div>
      </td>
    </tr>
  );
}

function LoadProgress({
  objectName,
  load,
}: {
  objectName: string;
  load: NonNullable<SyncMappingState['load']>;
}) {
  const known = load.total > 0;
  const share = known ? Math.min(1, load.done / load.total) : 0;
  const text = known
    ? `${formatCount(load.done)} of ${formatCount(load.total)}`
    : `${formatCount(load.done)} so far`;
  return (
    <div className="sync-load">
      <div
        className={`sync-load__bar ${known ? '' : 'sync-load__bar--unknown'}`}
        role="progressbar"
        aria-label={`${objectName} initial load`}
        aria-valuemin={0}
        aria-valuemax={known ? load.total : undefined}
        aria-valuenow={known ? load.done : undefined}
        aria-valuetext={text}
      >
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <div className="sync-load__text" data-testid="load-progress">
        <span>{text}</span>
        {load.done === 0 ? (
          <span className="muted">starting…</span>
        ) : (
          <span>{formatRate(load.ratePerSecond)}</span>
        )}
        {load.etaSeconds !== null && load.done > 0 ? (
          <span>about {formatDuration(load.etaSeconds)} left</span>
        ) : null}
        <span className="muted" title={load.api === 'bulk' ? 'Bulk API 2.0' : 'REST query'}>
          {load.api === 'bulk' ? 'Bulk' : 'REST'}
        </span>
      </div>
    </div>
  );
}

/**
 * Reload empties a table: the user says so first, in a Modal (focus starts on Cancel, Esc
 * cancels, and focus goes back to the Reload button afterwards).
 */
function ReloadDialog({
  mapping,
  schemaName,
  onCancel,
  onConfirm,
}: {
  mapping: SyncMappingState;
  schemaName: string | null;
  onCancel(): void;
  onConfirm(): void;
}) {
  const qualified = schemaName ? `${schemaName}.${mapping.table}` : mapping.table;
  return (
    <Modal
      className="sync-modal"
      boxClassName="sync-modal__box"
      role="alertdialog"
      labelledBy="sync-reload-title"
      describedBy="sync-reload-text"
      onClose={onCancel}
    >
      <h2 id="sync-reload-title">Reload {mapping.objectName}?</h2>
      <p id="sync-reload-text">
        This empties <code>{qualified}</code> of its synced rows
        {mapping.rowCount !== null ? ` (${formatCount(mapping.rowCount)} now)` : ''} and loads every{' '}
        {mapping.objectName} record again from the org. Changes not yet sent to Salesforce stay in
        the trigger log and go after the load.
      </p>
      <div className="sync-modal__actions">
        <button data-autofocus className="button" onClick={onCancel} title="Keep the table (Esc)">
          Cancel
        </button>
        <button className="button button--danger" onClick={onConfirm}>
          Empty and reload
        </button>
      </div>
    </Modal>
  );
}
