import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiError, type CompareResult } from '../../../src-shared/api';
import { api } from '../../api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { displayValue } from './result-model';

export interface CompareState {
  soql: string;
  result: CompareResult | null;
  busy: boolean;
  error: { code: string; message: string } | null;
}

export function useCompare() {
  const [state, setState] = useState<CompareState>({
    soql: '',
    result: null,
    busy: false,
    error: null,
  });
  const runId = useRef(0);
  const run = useCallback(async (soql: string) => {
    const id = ++runId.current;
    setState((s) => ({ ...s, soql, busy: true, error: null }));
    try {
      const result = await api.compare.run({ soql });
      if (id === runId.current) setState({ soql, result, busy: false, error: null });
    } catch (e) {
      if (id !== runId.current) return;
      const error =
        e instanceof ApiError
          ? { code: e.code, message: e.message }
          : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
      setState({ soql, result: null, busy: false, error });
    }
  }, []);
  return { state, run };
}

type Side = 'salesforce' | 'postgres' | 'different';

interface CompareRow {
  id: string;
  side: Side;
  recordId: string;
  field: string;
  salesforce: unknown;
  postgres: unknown;
  fields?: CompareRow[];
}

const sideLabel: Record<Side, string> = {
  salesforce: 'Only in Salesforce',
  postgres: 'Only in Postgres',
  different: 'Different',
};

function recordIdOf(record: Record<string, unknown>): string {
  const id = record.Id ?? record.id ?? record.sfid;
  return typeof id === 'string' ? id : '(no Id)';
}

/** A record's fields as one short line (the side that has it). */
function summary(record: Record<string, unknown>): string {
  return Object.entries(record)
    .filter(([k]) => k !== 'attributes' && k !== 'Id')
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${displayValue(v)}`)
    .join(' · ');
}

function compareRows(result: CompareResult): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const d of result.different) {
    rows.push({
      id: `d:${d.id}`,
      side: 'different',
      recordId: d.id,
      field: `${d.fields.length} field${d.fields.length === 1 ? '' : 's'}`,
      salesforce: undefined,
      postgres: undefined,
      fields: d.fields.map((f) => ({
        id: `d:${d.id}:${f.path}`,
        side: 'different',
        recordId: '',
        field: f.path,
        salesforce: f.salesforce,
        postgres: f.postgres,
      })),
    });
  }
  for (const r of result.onlyInSalesforce) {
    rows.push({
      id: `s:${recordIdOf(r)}`,
      side: 'salesforce',
      recordId: recordIdOf(r),
      field: '',
      salesforce: summary(r),
      postgres: undefined,
    });
  }
  for (const r of result.onlyInPostgres) {
    rows.push({
      id: `p:${recordIdOf(r)}`,
      side: 'postgres',
      recordId: recordIdOf(r),
      field: '',
      salesforce: undefined,
      postgres: summary(r),
    });
  }
  return rows;
}

const valueCell = (value: unknown) =>
  value === undefined ? null : value === null ? (
    <span className="query-grid__null">null</span>
  ) : (
    <span>{displayValue(value)}</span>
  );

const compareColumns: DataTableColumn<CompareRow>[] = [
  {
    id: 'side',
    header: 'Where',
    size: 190,
    accessorFn: (row) => (row.recordId ? sideLabel[row.side] : ''),
    cell: (ctx) =>
      ctx.row.original.recordId ? (
        <span className={`compare-side compare-side--${ctx.row.original.side}`}>
          {sideLabel[ctx.row.original.side]}
        </span>
      ) : null,
  },
  { id: 'recordId', header: 'Id', size: 190, accessorFn: (row) => row.recordId },
  { id: 'field', header: 'Field', size: 180, accessorFn: (row) => row.field },
  {
    id: 'salesforce',
    header: 'Salesforce',
    size: 260,
    accessorFn: (row) => row.salesforce,
    cell: (ctx) => valueCell(ctx.getValue()),
  },
  {
    id: 'postgres',
    header: 'Postgres',
    size: 260,
    accessorFn: (row) => row.postgres,
    cell: (ctx) => valueCell(ctx.getValue()),
  },
];

interface CompareViewProps {
  state: CompareState;
  onRun: () => void;
}

export function CompareView({ state, onRun }: CompareViewProps) {
  const rows = useMemo(() => (state.result ? compareRows(state.result) : []), [state.result]);
  const result = state.result;
  const differences = result
    ? result.onlyInSalesforce.length + result.onlyInPostgres.length + result.different.length
    : 0;
  return (
    <div className="query-compare">
      <div className="query-toolbar">
        <button
          type="button"
          className="button button--primary button--small"
          onClick={onRun}
          disabled={state.busy}
        >
          {state.busy ? 'Comparing…' : 'Compare Salesforce with Postgres'}
        </button>
        <span className="muted query-toolbar__note">
          Runs the query on both sides and matches records by Id.
        </span>
      </div>
      {state.error ? (
        <div className="query-error" role="alert" aria-label="Compare error">
          <pre className="query-error__message">{state.error.message}</pre>
        </div>
      ) : null}
      {result ? (
        <>
          <dl className="compare-summary" aria-label="Compare summary">
            <div>
              <dt>Salesforce</dt>
              <dd>{result.salesforceCount.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Postgres</dt>
              <dd>{result.postgresCount.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Same</dt>
              <dd>{result.same.toLocaleString()}</dd>
            </div>
            <div className={result.onlyInSalesforce.length ? 'is-different' : ''}>
              <dt>Only in Salesforce</dt>
              <dd data-testid="only-in-salesforce">{result.onlyInSalesforce.length}</dd>
            </div>
            <div className={result.onlyInPostgres.length ? 'is-different' : ''}>
              <dt>Only in Postgres</dt>
              <dd data-testid="only-in-postgres">{result.onlyInPostgres.length}</dd>
            </div>
            <div className={result.different.length ? 'is-different' : ''}>
              <dt>Different</dt>
              <dd data-testid="different">{result.different.length}</dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>{result.durationMs} ms</dd>
            </div>
          </dl>
          {result.truncated ? (
            <p className="query-warning" role="note">
              More records matched than Compare reads (50,000 per side): narrow the query with WHERE
              to see every difference.
            </p>
          ) : null}
          {differences === 0 ? (
            <p className="compare-identical" role="status">
              Identical: every one of the {result.same.toLocaleString()} records matches in
              Salesforce and Postgres.
            </p>
          ) : (
            <DataTable
              rows={rows}
              columns={compareColumns}
              ariaLabel="Differences"
              getRowId={(row) => row.id}
              getSubRows={(row) => row.fields}
              defaultExpanded={true}
              rowHeight={28}
              className="query-grid"
            />
          )}
        </>
      ) : !state.error ? (
        <p className="query-hint muted">
          Compare lists the records the query finds on one side only, and those whose fields differ
          — the fastest way to see a sync problem. It needs the active org and a database with the
          object mapped.
        </p>
      ) : null}
    </div>
  );
}
