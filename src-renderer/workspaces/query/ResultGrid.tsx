import { useMemo, type ReactNode } from 'react';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import {
  cellValue,
  displayValue,
  resultRows,
  type ResultColumn,
  type ResultRow,
  type SalesforceRecord,
} from './result-model';

interface ResultGridProps {
  records: readonly SalesforceRecord[];
  columns: readonly ResultColumn[];
  ariaLabel: string;
  onScrollNearEnd?: () => void;
  emptyMessage?: ReactNode;
}

const rowNumberColumn: DataTableColumn<ResultRow> = {
  id: '#',
  header: '#',
  size: 84,
  enableSorting: false,
  accessorFn: (row) => row.index + 1,
  cell: (ctx) => (
    <span className={ctx.row.original.level.length > 0 ? 'query-grid__nested-index' : 'muted'}>
      {ctx.row.original.index + 1}
    </span>
  ),
};

/** Roughly how wide a column's text runs: its header and the first rows' values. */
function columnWidth(column: ResultColumn, sample: readonly ResultRow[]): number {
  let longest = column.header.length;
  if (column.kind === 'value') {
    for (const row of sample) {
      longest = Math.max(longest, displayValue(cellValue(row, column)).length);
    }
  }
  return Math.round(Math.min(360, Math.max(90, longest * 7.8 + 28)));
}

/** One grid column per result column: values as text, a subquery's count as a toggle. */
function gridColumn(
  column: ResultColumn,
  sample: readonly ResultRow[],
): DataTableColumn<ResultRow> {
  const base = {
    id: column.id,
    header: column.header,
    size: columnWidth(column, sample),
    accessorFn: (row: ResultRow) => cellValue(row, column),
    sortUndefined: 'last' as const,
  };
  if (column.kind === 'children') {
    return {
      ...base,
      cell: (ctx) => {
        const count = ctx.getValue();
        if (typeof count !== 'number') return null;
        if (count === 0) return <span className="muted">0</span>;
        const row = ctx.row;
        return (
          <button
            type="button"
            className="query-grid__count"
            aria-label={`${count} ${column.keys[0] ?? ''}: ${row.getIsExpanded() ? 'hide' : 'show'}`}
            onClick={(event) => {
              event.stopPropagation();
              row.toggleExpanded();
            }}
          >
            {count} {row.getIsExpanded() ? '▾' : '▸'}
          </button>
        );
      },
    };
  }
  return {
    ...base,
    cell: (ctx) => {
      const value = ctx.getValue();
      if (value === null) return <span className="query-grid__null">null</span>;
      const text = displayValue(value);
      return <span title={text.length > 40 ? text : undefined}>{text}</span>;
    },
  };
}

/** The records of a query (org or Postgres) in a virtualized grid with nested child rows. */
export function ResultGrid({
  records,
  columns,
  ariaLabel,
  onScrollNearEnd,
  emptyMessage,
}: ResultGridProps) {
  const rows = useMemo(() => resultRows(records, columns), [records, columns]);
  // Widths come from the first rows (and their children), once per query, not per page.
  const sample = useMemo(
    () => resultRows(records.slice(0, 50), columns).flatMap((r) => [r, ...(r.children ?? [])]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- new pages keep the widths
    [columns],
  );
  const gridColumns = useMemo(
    () => [rowNumberColumn, ...columns.map((c) => gridColumn(c, sample))],
    [columns, sample],
  );
  return (
    <DataTable
      rows={rows}
      columns={gridColumns}
      ariaLabel={ariaLabel}
      getRowId={(row) => row.id}
      getSubRows={(row) => row.children}
      rowHeight={28}
      onScrollNearEnd={onScrollNearEnd}
      emptyMessage={emptyMessage ?? 'The query matched no records.'}
      className="query-grid"
    />
  );
}
