import { useState } from 'react';
import type { ApiResult, MappingsState } from '../../../src-shared/api';
import type { MappingProblem } from '../../../src-shared/mapping';
import { Spinner } from '../schema/ObjectBits';
import { qualifiedColumns, type DdlPlan } from './change-summary';
import { Modal } from '../../components/Modal';
import { MOD } from './keys';
import { messageOf } from './use-mappings-editor';

type Plan = Extract<DdlPlan, { kind: 'plan' }>;

/** What Apply will do, in words, with anything that loses or leaves data named: then do it. */
export function ApplyDialog({
  state,
  ddl,
  problems,
  allowDrop,
  onAllowDrop,
  onApply,
  onClose,
}: {
  state: MappingsState;
  ddl: Plan;
  problems: MappingProblem[];
  allowDrop: boolean;
  onAllowDrop: (allow: boolean) => void;
  onApply: (allowDrop: boolean) => Promise<ApiResult<'mappings.apply'>>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const s = ddl.summary;
  const schema = state.schemaName;
  const unmapped = qualifiedColumns(s.unmappedColumns);
  const warnings = problems.filter((p) => p.severity === 'warning');
  const dropping = allowDrop && unmapped.length > 0;
  const explained =
    s.newTables.length +
    s.addedColumns.reduce((n, t) => n + t.columns.length, 0) +
    s.widenedColumns.reduce((n, t) => n + t.columns.length, 0) +
    s.destructiveStatements.length;

  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onApply(allowDrop);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <Modal
      label="Apply the mappings"
      onClose={() => (busy ? undefined : onClose())}
      className="map-modal map-apply"
      boxClassName="map-modal__box"
    >
      <div
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            void run();
          }
        }}
      >
        <header className="map-modal__head">
          <h2>
            Apply to {state.databaseName}, schema <code>{schema}</code>?
          </h2>
          <p className="muted">
            {s.statements === 0
              ? 'No DDL runs.'
              : `${s.statements} statement${s.statements === 1 ? '' : 's'} run in one transaction; if one fails, nothing changes.`}{' '}
            The applied mappings become this draft.
          </p>
        </header>

        <section className="map-apply__section" aria-label="What will happen">
          <h3>What will happen</h3>
          <ul className="map-apply__list">
            {s.newTables.map((t) => (
              <li key={`new-${t.table}`}>
                Creates table{' '}
                <code>
                  {schema}.{t.table}
                </code>{' '}
                for {t.objectName} ({t.columns.length} columns)
              </li>
            ))}
            {s.addedColumns.map((t) => (
              <li key={`add-${t.table}`}>
                Adds to{' '}
                <code>
                  {schema}.{t.table}
                </code>
                :{' '}
                {t.columns.map((c) => (
                  <code key={c}>{c} </code>
                ))}
              </li>
            ))}
            {s.widenedColumns.map((t) => (
              <li key={`wide-${t.table}`}>
                Widens in <code>{t.table}</code> (no data lost):{' '}
                {t.columns.map((c) => (
                  <code key={c}>{c} </code>
                ))}
              </li>
            ))}
            {s.accessChanges.map((c) => (
              <li key={`access-${c.objectName}`}>
                {c.objectName} becomes {c.to === 'read_write' ? 'read-write' : 'read-only'}:{' '}
                {c.to === 'read_write'
                  ? 'changes made in Postgres are logged and sent to Salesforce'
                  : 'changes made in Postgres are no longer sent'}
              </li>
            ))}
            {s.statements > explained ? (
              <li className="muted">
                {explained > 0 ? 'Plus ' : ''}
                {s.statements - explained} statement{s.statements - explained === 1 ? '' : 's'} for
                indexes, triggers and the sync’s own tables (see the DDL)
              </li>
            ) : null}
            {s.statements === 0 && s.documentChanged ? (
              <li>
                No table changes: the new settings (polling, unique identifier, writes) are
                recorded.
              </li>
            ) : null}
          </ul>
        </section>

        {s.removedMappings.length > 0 || unmapped.length > 0 ? (
          <section
            className="map-apply__section map-apply__danger"
            aria-label="Data left behind or dropped"
          >
            <h3>Data left behind or dropped</h3>
            <ul className="map-apply__list">
              {s.removedMappings.map((m) => (
                <li key={`removed-${m.objectName}`}>
                  {m.objectName} is no longer mapped:{' '}
                  {m.tableExists ? (
                    <>
                      its table{' '}
                      <code>
                        {schema}.{m.table}
                      </code>{' '}
                      stays with its rows, and the sync stops reading and writing it.
                    </>
                  ) : (
                    'it has no table.'
                  )}
                </li>
              ))}
              {unmapped.length > 0 ? (
                <li>
                  {dropping
                    ? 'Drops, with their data: '
                    : 'No longer mapped, kept with their data: '}
                  {unmapped.map((c) => (
                    <code key={c}>{c} </code>
                  ))}
                </li>
              ) : null}
            </ul>
            {unmapped.length > 0 ? (
              <label className="map-apply__drop">
                <input
                  type="checkbox"
                  checked={allowDrop}
                  disabled={busy}
                  onChange={(e) => onAllowDrop(e.target.checked)}
                />
                Also drop removed columns (their data is lost)
              </label>
            ) : null}
          </section>
        ) : null}

        {warnings.length > 0 ? (
          <details className="map-apply__section map-apply__warnings">
            <summary>
              {warnings.length} warning{warnings.length === 1 ? '' : 's'}: the apply goes ahead with{' '}
              {warnings.length === 1 ? 'it' : 'them'}
            </summary>
            <ul className="map-apply__list">
              {warnings.map((w, i) => (
                <li key={i}>
                  {w.message} <span className="muted">{w.fix}</span>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {s.warnings.length > 0 ? (
          <ul className="map-apply__list muted">
            {s.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        ) : null}

        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}

        <footer className="map-modal__actions">
          <button
            className="button"
            onClick={onClose}
            disabled={busy}
            data-autofocus={dropping ? true : undefined}
          >
            Cancel
          </button>
          <button
            className={'button ' + (dropping ? 'button--danger' : 'button--primary')}
            onClick={() => void run()}
            disabled={busy}
            aria-busy={busy}
            title={`Apply (${MOD}Enter)`}
            data-autofocus={dropping ? undefined : true}
          >
            {busy ? <Spinner /> : null}
            {busy ? 'Applying…' : dropping ? 'Apply and drop columns' : 'Apply'}
          </button>
        </footer>
      </div>
    </Modal>
  );
}
