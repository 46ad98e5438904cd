import {
  flexRender,
  getCoreRowModel,
  getExpandedRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type ExpandedState,
  type Row as TableRow,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import './DataTable.css';

/**
 * Columns of any value type. tanstack's ColumnDef is invariant in its value type, so a list mixing
 * string and number accessors (createColumnHelper) only fits its own `any` idiom.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tanstack's own idiom for mixed value types
export type DataTableColumn<Row> = ColumnDef<Row, any>;

export interface DataTableProps<Row> {
  rows: Row[];
  columns: DataTableColumn<Row>[];
  /** Accessible name of the grid. */
  ariaLabel: string;
  /** A stable id per row (keeps expansion and the active row across re-sorts and new pages). */
  getRowId?: (row: Row, index: number, parentId?: string) => string;
  /** Nested rows shown under a row when it is expanded (the first column gets the toggle). */
  getSubRows?: (row: Row, index: number) => Row[] | undefined;
  /** Pixel height of every row (fixed: the grid never measures). Default 30. */
  rowHeight?: number;
  /** Enter on the active row, or a click on a row. */
  onRowActivate?: (row: Row) => void;
  /** Called once per row count when the visible range comes within `nearEndRows` of the end. */
  onScrollNearEnd?: () => void;
  nearEndRows?: number;
  /** Shown in the body when there are no rows: say what to do next. */
  emptyMessage?: ReactNode;
  /** Highlights the row with this id (e.g. the object whose page is open). */
  selectedRowId?: string;
  /** Rows expanded at first render: `true` for all, or ids. */
  defaultExpanded?: ExpandedState;
  className?: string;
}

const defaultRowHeight = 30;
const overscanRows = 12;
const toggleWidth = 18;

/**
 * A virtualized grid: only the rows in view (plus a small overscan) are in the DOM, the header
 * stays on top, headers sort on click, columns resize by dragging their edge, and the keyboard
 * moves an active row (arrows, Page Up/Down, Home/End, Enter to activate, Right/Left to
 * expand/collapse).
 */
export function DataTable<Row>({
  rows,
  columns,
  ariaLabel,
  getRowId,
  getSubRows,
  rowHeight = defaultRowHeight,
  onRowActivate,
  onScrollNearEnd,
  nearEndRows = 40,
  emptyMessage = 'Nothing to show.',
  selectedRowId,
  defaultExpanded,
  className,
}: DataTableProps<Row>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [expanded, setExpanded] = useState<ExpandedState>(defaultExpanded ?? {});
  const [activeIndex, setActiveIndex] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build; the table re-renders with its state
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, expanded },
    onSortingChange: setSorting,
    onExpandedChange: setExpanded,
    getRowId: getRowId ? (row, index, parent) => getRowId(row, index, parent?.id) : undefined,
    getSubRows,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getExpandedRowModel: getExpandedRowModel(),
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
  });

  const columnSizing = table.getState().columnSizing;
  // New whenever what a memoized row draws may change without its row object changing.
  const renderKey = useMemo(() => ({ columns, columnSizing }), [columns, columnSizing]);
  const onRowActivateRef = useRef(onRowActivate);
  useEffect(() => {
    onRowActivateRef.current = onRowActivate;
  });
  const onRowClick = useCallback((index: number, row: TableRow<Row>) => {
    setActiveIndex(index);
    onRowActivateRef.current?.(row.original);
  }, []);

  const visibleRows = table.getRowModel().rows;
  const rowCount = visibleRows.length;

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: overscanRows,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVirtualIndex =
    virtualItems.length > 0 ? virtualItems[virtualItems.length - 1]!.index : -1;

  // Paging: ask for more once per row count, so a slow answer does not trigger a second call.
  const nearEndFiredAt = useRef(-1);
  useEffect(() => {
    if (!onScrollNearEnd || rowCount === 0) return;
    if (lastVirtualIndex >= rowCount - nearEndRows && nearEndFiredAt.current !== rowCount) {
      nearEndFiredAt.current = rowCount;
      onScrollNearEnd();
    }
  }, [lastVirtualIndex, rowCount, nearEndRows, onScrollNearEnd]);

  const safeActive = activeIndex < rowCount ? activeIndex : rowCount - 1;

  const moveTo = useCallback(
    (index: number) => {
      if (rowCount === 0) return;
      const clamped = Math.max(0, Math.min(rowCount - 1, index));
      setActiveIndex(clamped);
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [rowCount, virtualizer],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return; // keys inside a cell's own controls
    const pageRows = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 300) / rowHeight) - 1,
    );
    const activeRow = safeActive >= 0 ? visibleRows[safeActive] : undefined;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(safeActive + 1);
        break;
      case 'ArrowUp':
        moveTo(safeActive < 0 ? 0 : safeActive - 1);
        break;
      case 'PageDown':
        moveTo(safeActive + pageRows);
        break;
      case 'PageUp':
        moveTo(safeActive - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rowCount - 1);
        break;
      case 'ArrowRight':
        if (activeRow?.getCanExpand() && !activeRow.getIsExpanded()) activeRow.toggleExpanded(true);
        else if (activeRow?.getIsExpanded()) moveTo(safeActive + 1);
        break;
      case 'ArrowLeft':
        if (activeRow?.getIsExpanded()) activeRow.toggleExpanded(false);
        else if (activeRow && activeRow.depth > 0) {
          const parentIndex = visibleRows.findIndex((r) => r.id === activeRow.parentId);
          if (parentIndex >= 0) moveTo(parentIndex);
        }
        break;
      case 'Enter':
        if (activeRow && onRowActivate) onRowActivate(activeRow.original);
        else if (activeRow?.getCanExpand()) activeRow.toggleExpanded();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const totalWidth = table.getTotalSize();
  const headerGroups = table.getHeaderGroups();
  const leafColumnCount = table.getVisibleLeafColumns().length;
  const rowDomId = (index: number) => `${idPrefix}-row-${index}`;

  return (
    <div
      ref={scrollRef}
      className={'data-table' + (className ? ' ' + className : '')}
      role="grid"
      aria-label={ariaLabel}
      aria-rowcount={rowCount + headerGroups.length}
      aria-colcount={leafColumnCount}
      aria-activedescendant={safeActive >= 0 ? rowDomId(safeActive) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (safeActive < 0 && rowCount > 0) setActiveIndex(0);
      }}
      style={{ ['--data-table-row-height' as string]: `${rowHeight}px` }}
    >
      <div className="data-table__head" role="rowgroup" style={{ minWidth: totalWidth }}>
        {headerGroups.map((group, groupIndex) => (
          <div
            key={group.id}
            className="data-table__row data-table__row--head"
            role="row"
            aria-rowindex={groupIndex + 1}
          >
            {group.headers.map((header, headerIndex) => {
              const sorted = header.column.getIsSorted();
              const canSort = header.column.getCanSort() && !header.isPlaceholder;
              const isLast = headerIndex === group.headers.length - 1;
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  className={
                    'data-table__cell data-table__cell--head' +
                    (isLast ? ' data-table__cell--last' : '')
                  }
                  style={{ width: header.getSize() }}
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                  aria-colindex={headerIndex + 1}
                >
                  {header.isPlaceholder ? null : canSort ? (
                    <button
                      type="button"
                      className="data-table__sort"
                      onClick={header.column.getToggleSortingHandler()}
                      title="Sort"
                    >
                      <span className="data-table__head-label">
                        {flexRender(header.column.columnDef.header, header.getContext())}
                      </span>
                      <span className="data-table__sort-mark" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  ) : (
                    <span className="data-table__head-label">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </span>
                  )}
                  {header.column.getCanResize() ? (
                    <div
                      className={
                        'data-table__resizer' +
                        (header.column.getIsResizing() ? ' is-resizing' : '')
                      }
                      onMouseDown={header.getResizeHandler()}
                      onTouchStart={header.getResizeHandler()}
                      onDoubleClick={() => header.column.resetSize()}
                      aria-hidden="true"
                    />
                  ) : null}
                </div>
              );
            })}
          </div>
        ))}
      </div>

      {rowCount === 0 ? (
        <div className="data-table__empty" role="row">
          <div role="gridcell">{emptyMessage}</div>
        </div>
      ) : (
        <div
          className="data-table__body"
          role="rowgroup"
          style={{ height: virtualizer.getTotalSize(), minWidth: totalWidth }}
        >
          {virtualItems.map((item) => {
            const row = visibleRows[item.index];
            if (!row) return null;
            return (
              <DataTableRow
                key={row.id}
                row={row}
                hasNesting={getSubRows !== undefined}
                domId={rowDomId(item.index)}
                ariaRowIndex={item.index + headerGroups.length + 1}
                top={item.start}
                isActive={item.index === safeActive}
                isSelected={selectedRowId !== undefined && row.id === selectedRowId}
                isExpanded={row.getIsExpanded()}
                renderKey={renderKey}
                index={item.index}
                onRowClick={onRowClick}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}

interface DataTableRowProps<RowData> {
  row: TableRow<RowData>;
  /**
   * Rows are memoized: a row re-renders only when a prop changes. Row objects outlive column
   * and size changes, so this key (new whenever columns or their sizes change) and isExpanded
   * carry what the row object does not.
   */
  renderKey: unknown;
  isExpanded: boolean;
  index: number;
  onRowClick: (index: number, row: TableRow<RowData>) => void;
  /** Reserve the toggle's width on every row, so nested and flat rows line up. */
  hasNesting: boolean;
  domId: string;
  ariaRowIndex: number;
  top: number;
  isActive: boolean;
  isSelected: boolean;
}

const DataTableRow = memo(function DataTableRow<RowData>({
  row,
  hasNesting,
  domId,
  ariaRowIndex,
  top,
  isActive,
  isSelected,
  isExpanded,
  index,
  onRowClick,
}: DataTableRowProps<RowData>) {
  const cells = row.getVisibleCells();
  return (
    <div
      id={domId}
      role="row"
      aria-rowindex={ariaRowIndex}
      aria-level={row.depth + 1}
      aria-expanded={row.getCanExpand() ? isExpanded : undefined}
      aria-selected={isSelected || undefined}
      className={
        'data-table__row' +
        (isActive ? ' is-active' : '') +
        (isSelected ? ' is-selected' : '') +
        (row.depth > 0 ? ' is-nested' : '')
      }
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onRowClick(index, row)}
    >
      {cells.map((cell, cellIndex) => {
        const isFirst = cellIndex === 0;
        const isLast = cellIndex === cells.length - 1;
        return (
          <div
            key={cell.id}
            role="gridcell"
            aria-colindex={cellIndex + 1}
            className={'data-table__cell' + (isLast ? ' data-table__cell--last' : '')}
            style={{ width: cell.column.getSize() }}
          >
            {isFirst && hasNesting ? <RowToggle row={row} /> : null}
            <span className="data-table__value">
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </span>
          </div>
        );
      })}
    </div>
  );
}) as <RowData>(props: DataTableRowProps<RowData>) => ReactElement;

/** Indent by depth and, when the row has sub-rows, a button that expands it. */
function RowToggle<RowData>({ row }: { row: TableRow<RowData> }) {
  const indent = row.depth * 16;
  if (!row.getCanExpand()) {
    return <span className="data-table__indent" style={{ width: indent + toggleWidth }} />;
  }
  const isExpanded = row.getIsExpanded();
  return (
    <>
      {indent > 0 ? <span className="data-table__indent" style={{ width: indent }} /> : null}
      <button
        type="button"
        className="data-table__toggle"
        aria-label={isExpanded ? 'Collapse row' : 'Expand row'}
        aria-expanded={isExpanded}
        tabIndex={-1}
        onClick={(event) => {
          event.stopPropagation();
          row.toggleExpanded();
        }}
      >
        {isExpanded ? '▾' : '▸'}
      </button>
    </>
  );
}
