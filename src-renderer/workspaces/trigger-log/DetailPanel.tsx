import { useState } from 'react';
import type { ApiError, TriggerLogDetail } from '../../../src-shared/api';
import { navigate, queryRoute } from '../../state/route';
import { alignRecord, displayValue, formatHcErr, rowActions, splitMessage } from './detail-model';
import { age, localTime } from './format';
import { StateChip } from './LogGrid';
import type { InspectorRow } from './rows-model';

interface DetailPanelProps {
  /** The row as the grid holds it (shown at once, before its detail arrives). */
  row: InspectorRow | null;
  id: number;
  detail: TriggerLogDetail | null;
  loading: boolean;
  error: ApiError | null;
  onReload(): void;
  onClose(): void;
  onRetry(id: number): Promise<string | null>;
  onIgnore(id: number): Promise<string | null>;
  onCopied(what: string): void;
}

/** One row in full: what happened, why, the change, and the row beside the record. */
export function DetailPanel({
  row: gridRow,
  id,
  detail,
  loading,
  error,
  onReload,
  onClose,
  onRetry,
  onIgnore,
  onCopied,
}: DetailPanelProps) {
  const row = detail?.row ?? gridRow;
  return (
    <aside className="tl-detail" aria-label={`Trigger-log row ${id}`}>
      <header className="tl-detail__header">
        <h2>
          Row <span className="mono">{id}</span>
        </h2>
        {row ? <StateChip state={row.state} /> : null}
        {row?.source === 'archive' ? <span className="tl-badge">archive</span> : null}
        <span className="spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Close the detail"
          title="Close (Esc)"
          onClick={onClose}
        >
          ✕
        </button>
      </header>
      {row ? (
        <Actions
          key={`${id} ${row.state}`}
          id={id}
          row={row}
          soql={detail?.salesforce.soql ?? null}
          onRetry={onRetry}
          onIgnore={onIgnore}
          onCopied={onCopied}
        />
      ) : null}
      {error ? (
        <div className="tl-error" role="alert">
          <p>{error.message}</p>
          <button type="button" className="button button--small" onClick={onReload}>
            Try again
          </button>
        </div>
      ) : null}
      {row ? <Facts row={row} detail={detail} /> : null}
      {detail ? (
        <>
          <Explanation detail={detail} />
          <Change detail={detail} />
          <Comparison detail={detail} />
        </>
      ) : loading ? (
        <p className="muted tl-detail__loading" role="status">
          Reading the change, the Postgres row and the Salesforce record…
        </p>
      ) : null}
    </aside>
  );
}

function Actions({
  id,
  row,
  soql,
  onRetry,
  onIgnore,
  onCopied,
}: {
  id: number;
  row: InspectorRow | TriggerLogDetail['row'];
  soql: string | null;
  onRetry: DetailPanelProps['onRetry'];
  onIgnore: DetailPanelProps['onIgnore'];
  onCopied: DetailPanelProps['onCopied'];
}) {
  const allowed = rowActions(row);
  const [busy, setBusy] = useState<'retry' | 'ignore' | null>(null);
  const [confirmIgnore, setConfirmIgnore] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const run = async (what: 'retry' | 'ignore') => {
    setBusy(what);
    setRefusal(null);
    const problem = await (what === 'retry' ? onRetry(id) : onIgnore(id));
    setBusy(null);
    setConfirmIgnore(false);
    setRefusal(problem);
  };
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      onCopied(what);
    } catch {
      setRefusal('The browser did not allow copying; select the id and copy it by hand.');
    }
  };
  return (
    <div className="tl-detail__actions">
      <div className="tl-detail__buttons">
        {allowed.retry ? (
          <button
            type="button"
            className="button button--primary button--small"
            disabled={busy !== null}
            onClick={() => void run('retry')}
            title="Send this change to Salesforce again (R)"
          >
            {busy === 'retry' ? 'Retrying…' : 'Retry'}
          </button>
        ) : null}
        {allowed.ignore && !confirmIgnore ? (
          <button
            type="button"
            className="button button--small"
            disabled={busy !== null}
            onClick={() => setConfirmIgnore(true)}
            title="Mark the row IGNORED: it is never sent"
          >
            Ignore…
          </button>
        ) : null}
        <button
          type="button"
          className="button button--small"
          disabled={!soql}
          title={
            soql
              ? `Open the record's query in Query: ${soql}`
              : 'No Salesforce record to query (no sfid yet)'
          }
          onClick={() => soql && navigate(queryRoute(soql))}
        >
          Open in Query
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          title="Copy the trigger-log row id"
          onClick={() => void copy(String(id), `Row id ${id}`)}
        >
          Copy id
        </button>
        {row.sfid ? (
          <button
            type="button"
            className="button button--small button--quiet"
            title="Copy the record's sfid"
            onClick={() => void copy(row.sfid!, `Sfid ${row.sfid}`)}
          >
            Copy sfid
          </button>
        ) : null}
      </div>
      {confirmIgnore ? (
        <div className="tl-confirm" role="alertdialog" aria-label="Ignore this row?">
          <span>
            Ignore row {id}? It becomes IGNORED and is never sent to Salesforce (the Postgres row
            keeps its values).
          </span>
          <button
            type="button"
            className="button button--small button--danger"
            disabled={busy !== null}
            onClick={() => void run('ignore')}
          >
            {busy === 'ignore' ? 'Ignoring…' : 'Ignore the row'}
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={() => setConfirmIgnore(false)}
          >
            Cancel
          </button>
        </div>
      ) : null}
      {refusal ? (
        <p className="tl-error tl-error--inline" role="alert">
          {refusal}
        </p>
      ) : null}
    </div>
  );
}

function Facts({
  row,
  detail,
}: {
  row: InspectorRow | TriggerLogDetail['row'];
  detail: TriggerLogDetail | null;
}) {
  const now = new Date();
  const time = (iso: string | null) =>
    iso ? (
      <span title={iso}>
        {localTime(iso)} <span className="muted">· {age(iso, now)}</span>
      </span>
    ) : (
      <span className="tl-null">—</span>
    );
  return (
    <dl className="tl-facts">
      <div>
        <dt>Action</dt>
        <dd>
          {row.action} of <span className="mono">{row.table}</span>
          {detail?.objectName ? <span className="muted"> ({detail.objectName})</span> : null}
        </dd>
      </div>
      <div>
        <dt>Record id</dt>
        <dd className="mono">{row.recordId}</dd>
      </div>
      <div>
        <dt>Sfid</dt>
        <dd className="mono">
          {row.sfid ?? (
            <RecordSfid sfid={detail?.postgresRow ? detail.postgresRow.sfid : undefined} />
          )}
        </dd>
      </div>
      <div>
        <dt>Captured</dt>
        <dd>{time(row.createdAt)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{time(row.updatedAt)}</dd>
      </div>
      <div>
        <dt>Processed</dt>
        <dd>{time(row.processedAt)}</dd>
      </div>
      {detail && detail.row.txid !== null ? (
        <div>
          <dt>Transaction</dt>
          <dd className="mono">
            {detail.row.txid}
            {detail.row.processedTx !== null ? ` → sent in ${detail.row.processedTx}` : ''}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

/** A log row without an sfid (an INSERT's): the record's own, once Salesforce gave it one. */
function RecordSfid({ sfid }: { sfid: unknown }) {
  if (typeof sfid !== 'string' || sfid === '') return <span className="tl-null">none yet</span>;
  return (
    <span title="The log row has none (it was captured before Salesforce created the record); this is the Postgres row's sfid now">
      {sfid} <span className="muted">(the row's, now)</span>
    </span>
  );
}

function Explanation({ detail }: { detail: TriggerLogDetail }) {
  const { explanation, row, hcErr, hcLastop } = detail;
  const message = splitMessage(row.message);
  const hcErrText = formatHcErr(hcErr);
  if (!explanation && !row.message && !hcErrText) return null;
  return (
    <section className="tl-section" aria-label="What went wrong">
      <h3>What went wrong</h3>
      <div className="tl-explain">
        {explanation ? (
          <div className="tl-explain__words">
            <p className="tl-explain__title">{explanation.title}</p>
            <p>{explanation.explanation}</p>
            <p className="tl-explain__fix">
              <strong>Likely fix: </strong>
              {explanation.fix}
            </p>
            {explanation.transient ? (
              <p className="muted">This kind of error often passes: retrying unchanged may work.</p>
            ) : null}
            {explanation.fields.length ? (
              <p className="muted">
                Fields named:{' '}
                {explanation.fields.map((f) => (
                  <code key={f} className="tl-field-name">
                    {f}
                  </code>
                ))}
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="tl-explain__raw">
          {row.message ? (
            <>
              <h4>Salesforce said</h4>
              <pre className="tl-code">
                {message.code ? <strong>{message.code}: </strong> : null}
                {message.text}
              </pre>
            </>
          ) : null}
          {hcErrText ? (
            <>
              <h4>
                <code>_hc_err</code>
                {hcLastop ? (
                  <span className="muted">
                    {' '}
                    · <code>_hc_lastop</code> {hcLastop}
                  </span>
                ) : null}
              </h4>
              <pre className="tl-code">{hcErrText}</pre>
            </>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function Change({ detail }: { detail: TriggerLogDetail }) {
  const { action } = detail.row;
  const changedCount = detail.change.filter((c) => c.changed).length;
  const [onlyChanged, setOnlyChanged] = useState(
    action === 'UPDATE' && changedCount > 0 && changedCount < detail.change.length,
  );
  const lines = onlyChanged ? detail.change.filter((c) => c.changed) : detail.change;
  // An INSERT has only new values and a DELETE only old ones: one value column says it all.
  const single = action === 'INSERT' ? 'new' : action === 'DELETE' ? 'old' : null;
  return (
    <section className="tl-section" aria-label="The change">
      <div className="tl-section__head">
        <h3>The change</h3>
        <span className="muted">
          {action === 'UPDATE'
            ? `${changedCount} of ${detail.change.length} columns changed`
            : action === 'INSERT'
              ? `a new row of ${detail.change.length} columns`
              : 'the row as it was deleted'}
        </span>
        <span className="spacer" />
        {action === 'UPDATE' ? (
          <label className="tl-toggle">
            <input
              type="checkbox"
              checked={onlyChanged}
              onChange={(e) => setOnlyChanged(e.target.checked)}
            />
            Only changed
          </label>
        ) : null}
      </div>
      {lines.length === 0 ? (
        <p className="muted">The log holds no column values for this change.</p>
      ) : (
        <table className="tl-table" aria-label="Old and new values">
          <thead>
            <tr>
              <th>Column</th>
              {single === null ? (
                <>
                  <th>Old</th>
                  <th>New</th>
                </>
              ) : (
                <th>{single === 'new' ? 'Inserted' : 'Deleted'}</th>
              )}
            </tr>
          </thead>
          <tbody>
            {lines.map((c) => (
              <tr key={c.column} className={single === null && c.changed ? 'is-changed' : ''}>
                <td className="mono">
                  {single === null && c.changed ? (
                    <span className="tl-mark" title="This change touched the column">
                      ●
                    </span>
                  ) : null}
                  {c.column}
                </td>
                {single === null ? (
                  <>
                    <td>
                      <Value value={c.old} />
                    </td>
                    <td>
                      <Value value={c.new} />
                    </td>
                  </>
                ) : (
                  <td>
                    <Value value={single === 'new' ? c.new : c.old} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Comparison({ detail }: { detail: TriggerLogDetail }) {
  const lines = alignRecord(detail.postgresRow, detail.salesforce.record);
  const differing = lines.filter((l) => l.differs).length;
  const record = detail.salesforce.record;
  return (
    <section className="tl-section" aria-label="Postgres and Salesforce">
      <div className="tl-section__head">
        <h3>Postgres now · Salesforce now</h3>
        {record && detail.postgresRow ? (
          <span className={differing ? 'tl-diff-count' : 'muted'}>
            {differing === 0 ? 'the same' : `${differing} differ`}
          </span>
        ) : null}
      </div>
      {!detail.postgresRow ? (
        <p className="tl-note">
          The Postgres row (id {detail.row.recordId}) is gone: it has been deleted since.
        </p>
      ) : null}
      {detail.salesforce.note ? <p className="tl-note">{detail.salesforce.note}</p> : null}
      {lines.length ? (
        <table
          className="tl-table tl-table--compare"
          aria-label="Postgres row and Salesforce record"
        >
          <thead>
            <tr>
              <th>Column ↔ field</th>
              <th>Postgres</th>
              <th>Salesforce</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr
                key={`${line.column ?? ''}|${line.field ?? ''}`}
                className={line.differs ? 'is-different' : ''}
              >
                <td className="mono">
                  {line.differs ? (
                    <span className="tl-mark" title="The two sides differ">
                      ≠
                    </span>
                  ) : null}
                  {line.column ?? <span className="tl-null">—</span>}
                  {line.field && line.field.toLowerCase() !== line.column ? (
                    <span className="muted"> ↔ {line.field}</span>
                  ) : null}
                </td>
                <td>
                  {line.column === null ? (
                    <span className="tl-null">not mapped</span>
                  ) : (
                    <Value value={line.postgres} />
                  )}
                </td>
                <td>
                  {line.field === null ? (
                    <span className="tl-null">{record ? 'not read' : ''}</span>
                  ) : (
                    <Value value={line.salesforce} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Value({ value }: { value: unknown }) {
  const text = displayValue(value);
  if (text === null) return <span className="tl-null">null</span>;
  if (text === '') return <span className="tl-null">empty</span>;
  return <span className="tl-value">{text}</span>;
}
