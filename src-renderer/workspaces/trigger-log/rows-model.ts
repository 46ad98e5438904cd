// The rows the grid holds and how pages and live updates merge into them. Pure, so the rules
// (newest first, no duplicates, rows that change state stay where they are) are unit-tested.
import type { TriggerLogRow } from '../../../src-shared/api';
import { rowMatches, type InspectorFilter } from './filter-model';

export interface InspectorRow extends TriggerLogRow {
  /** Set when a live update changed the row: the grid flashes it once. */
  flash?: boolean;
  /** The row no longer matches the filter (its state moved on): kept on screen, dimmed. */
  outside?: boolean;
}

/** The log's own order (ORDER BY created_at DESC, id DESC; Postgres puts NULLs first there). */
export function newestFirst(a: TriggerLogRow, b: TriggerLogRow): number {
  if (a.createdAt !== b.createdAt) {
    if (a.createdAt === null) return -1;
    if (b.createdAt === null) return 1;
    // The studio sends one ISO format (UTC, milliseconds), so the text sorts as the time.
    return a.createdAt < b.createdAt ? 1 : -1;
  }
  return b.id - a.id;
}

/** The next page at the end; a row already held (an overlap after a live merge) is not repeated. */
export function appendPage(rows: readonly InspectorRow[], page: readonly TriggerLogRow[]) {
  const held = new Set(rows.map((r) => r.id));
  const fresh = page.filter((r) => !held.has(r.id));
  return fresh.length === 0 ? (rows as InspectorRow[]) : [...rows, ...fresh];
}

/**
 * Rows of a fresh first page that the grid does not hold yet and that belong above its last row
 * (below it, paging brings them): the "N new rows" a person scrolled away from.
 */
export function unseenRows(
  rows: readonly InspectorRow[],
  page: readonly TriggerLogRow[],
  hasMore: boolean,
): TriggerLogRow[] {
  const held = new Set(rows.map((r) => r.id));
  const last = rows[rows.length - 1];
  return page.filter(
    (r) => !held.has(r.id) && (!hasMore || last === undefined || newestFirst(r, last) < 0),
  );
}

/** Rows put in their place among those held (held ones are kept: the newer copy wins). */
export function insertRows(
  rows: readonly InspectorRow[],
  incoming: readonly TriggerLogRow[],
): InspectorRow[] {
  if (incoming.length === 0) return rows as InspectorRow[];
  const byId = new Map<number, InspectorRow>(rows.map((r) => [r.id, r]));
  for (const row of incoming) byId.set(row.id, { ...byId.get(row.id), ...row });
  return [...byId.values()].sort(newestFirst);
}

/** What a person can see change about a row. */
function differs(a: TriggerLogRow, b: TriggerLogRow): boolean {
  return (
    a.state !== b.state ||
    a.message !== b.message ||
    a.source !== b.source ||
    a.sfid !== b.sfid ||
    a.processedAt !== b.processedAt ||
    a.updatedAt !== b.updatedAt
  );
}

/**
 * Rows read again by id (triggerLog.rows) replace those held. A row whose state or message
 * changed flashes; one that no longer matches the filter is marked, not removed, so nothing
 * jumps out from under the pointer. Unchanged rows keep their objects (the grid's rows are
 * memoized on them).
 */
export function applyUpdates(
  rows: readonly InspectorRow[],
  updates: readonly TriggerLogRow[],
  filter: InspectorFilter,
): { rows: InspectorRow[]; changedIds: number[] } {
  const byId = new Map(updates.map((r) => [r.id, r]));
  const changedIds: number[] = [];
  const next = rows.map((row) => {
    const update = byId.get(row.id);
    if (!update || !differs(row, update)) return row;
    changedIds.push(row.id);
    return { ...update, flash: true, outside: !rowMatches(update, filter) };
  });
  return { rows: changedIds.length ? next : (rows as InspectorRow[]), changedIds };
}

/** The flash is once: after it played, the rows lose the mark. */
export function clearFlash(rows: readonly InspectorRow[], ids: readonly number[]): InspectorRow[] {
  if (ids.length === 0) return rows as InspectorRow[];
  const done = new Set(ids);
  let touched = false;
  const next = rows.map((row) => {
    if (!row.flash || !done.has(row.id)) return row;
    touched = true;
    return { ...row, flash: false };
  });
  return touched ? next : (rows as InspectorRow[]);
}

/** Ids of rows `from`..`to` (inclusive, clamped) plus `extra`, at most `max`: the rows on screen. */
export function idsOnScreen(
  rows: readonly TriggerLogRow[],
  from: number,
  to: number,
  extra: readonly number[] = [],
  max = 500,
): number[] {
  const ids = new Set<number>(extra);
  const start = Math.max(0, from);
  const end = Math.min(rows.length - 1, to);
  for (let i = start; i <= end && ids.size < max; i++) ids.add(rows[i]!.id);
  return [...ids];
}

/** The row `step` places from the one with `id` (clamped); the first row when none is current. */
export function stepRow(
  rows: readonly TriggerLogRow[],
  id: number | null,
  step: number,
): TriggerLogRow | undefined {
  if (rows.length === 0) return undefined;
  const at = id === null ? -1 : rows.findIndex((r) => r.id === id);
  if (at < 0) return rows[0];
  return rows[Math.max(0, Math.min(rows.length - 1, at + step))];
}
