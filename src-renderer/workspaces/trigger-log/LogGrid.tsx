import { useMemo, type ReactNode } from 'react';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { localTime } from './format';
import type { InspectorRow } from './rows-model';

/** Fixed: the inspector works out which rows are on screen from the scroll position. */
export const ROW_HEIGHT = 28;

/** A state as a coloured chip (also used in the detail and the filter). */
export function StateChip({ state, flash }: { state: string; flash?: boolean }) {
  return (
    <span className={`tl-state tl-state--${state.toLowerCase()}` + (flash ? ' tl-flash' : '')}>
      {state}
    </span>
  );
}

const column = (
  id: string,
  header: string,
  size: number,
  cell: (row: InspectorRow) => ReactNode,
): DataTableColumn<InspectorRow> => ({
  id,
  header,
  size,
  // The rows are the log's order (newest first) across pages: sorting a loaded part would lie.
  enableSorting: false,
  accessorFn: (row) => row.id,
  cell: (ctx) => cell(ctx.row.original),
});

const idColumn = column('id', 'Id', 70, (row) => (
  <span className="mono tl-grid__id">
    {row.outside ? (
      <span
        aria-hidden="true"
        className="tl-outside"
        title={`No longer matches the filter: the row is ${row.state} now. It goes when the filter changes.`}
      />
    ) : null}
    {row.id}
  </span>
));
const capturedColumn = column('captured', 'Captured', 150, (row) => (
  <span title={row.createdAt ?? 'no time recorded'}>{localTime(row.createdAt)}</span>
));
const stateColumn = column('state', 'State', 92, (row) => (
  <StateChip state={row.state} flash={row.flash} />
));
const actionColumn = column('action', 'Action', 64, (row) => (
  <span className="tl-grid__action">{row.action}</span>
));
const tableColumn = column('table', 'Table', 104, (row) => <span>{row.table}</span>);
const recordColumn = column('record', 'Record id', 82, (row) => (
  <span className="mono">{row.recordId}</span>
));
const sfidColumn = column('sfid', 'Sfid', 150, (row) =>
  row.sfid ? <span className="mono">{row.sfid}</span> : <span className="tl-null">none yet</span>,
);
const sourceColumn = column('source', 'Log', 62, (row) =>
  row.source === 'archive' ? (
    <span
      className="tl-badge"
      title="In _trigger_log_archive (processed, moved out of the live log)"
    >
      archive
    </span>
  ) : null,
);
const messageColumn = column('message', 'Message', 260, (row) =>
  row.message ? (
    <span className="tl-grid__message" title={row.message}>
      {row.message}
    </span>
  ) : null,
);

const wideColumns = [
  idColumn,
  capturedColumn,
  stateColumn,
  actionColumn,
  tableColumn,
  recordColumn,
  sfidColumn,
  sourceColumn,
  messageColumn,
];
/** With the detail open beside it, the grid keeps what finds a row; the detail has the rest. */
const narrowColumns = [idColumn, capturedColumn, stateColumn, tableColumn, messageColumn];

interface LogGridProps {
  rows: InspectorRow[];
  narrow: boolean;
  selectedId: number | null;
  onOpen(row: InspectorRow): void;
  onScrollNearEnd(): void;
  emptyMessage: ReactNode;
}

/** The log's rows, newest first, in the shared virtualized grid. */
export function LogGrid({
  rows,
  narrow,
  selectedId,
  onOpen,
  onScrollNearEnd,
  emptyMessage,
}: LogGridProps) {
  const columns = useMemo(() => (narrow ? narrowColumns : wideColumns), [narrow]);
  return (
    <DataTable
      rows={rows}
      columns={columns}
      ariaLabel="Trigger log rows"
      getRowId={(row) => String(row.id)}
      rowHeight={ROW_HEIGHT}
      onRowActivate={onOpen}
      onScrollNearEnd={onScrollNearEnd}
      nearEndRows={60}
      selectedRowId={selectedId === null ? undefined : String(selectedId)}
      emptyMessage={emptyMessage}
      className="tl-grid"
    />
  );
}
