import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER } from '../../src-renderer/workspaces/trigger-log/filter-model';
import {
  appendPage,
  applyUpdates,
  clearFlash,
  idsOnScreen,
  insertRows,
  newestFirst,
  stepRow,
  unseenRows,
  type InspectorRow,
} from '../../src-renderer/workspaces/trigger-log/rows-model';
import type { TriggerLogRow } from '../../src-shared/api';

/** Row `id`, captured `minute` minutes past noon. */
function row(id: number, minute: number, changes: Partial<TriggerLogRow> = {}): TriggerLogRow {
  return {
    id,
    state: 'FAILED',
    action: 'UPDATE',
    table: 'contact',
    recordId: id * 10,
    sfid: null,
    createdAt: `2025-06-30T12:${String(minute).padStart(2, '0')}:00.000Z`,
    updatedAt: null,
    processedAt: null,
    message: 'UNABLE_TO_LOCK_ROW: busy',
    source: 'live',
    ...changes,
  };
}

const ids = (rows: readonly TriggerLogRow[]) => rows.map((r) => r.id);

describe('order', () => {
  it('is newest first by capture time, then by id; rows without a time come first', () => {
    const rows = [row(1, 5), row(3, 7), row(2, 7), row(9, 1, { createdAt: null })];
    expect(ids([...rows].sort(newestFirst))).toEqual([9, 3, 2, 1]);
  });
});

describe('pages', () => {
  it('append without repeating a row already held', () => {
    const held = [row(5, 5), row(4, 4)];
    expect(ids(appendPage(held, [row(4, 4), row(3, 3)]))).toEqual([5, 4, 3]);
    expect(appendPage(held, [row(4, 4)])).toBe(held);
  });
});

describe('live updates', () => {
  it('find the new rows of a fresh first page, not those paging will bring', () => {
    const held = [row(5, 50), row(4, 40)];
    const page = [row(7, 55), row(6, 45), row(5, 50), row(1, 10)];
    expect(ids(unseenRows(held, page, true))).toEqual([7, 6]);
    // Nothing more to page: every unheld row of the page is new to the view.
    expect(ids(unseenRows(held, page, false))).toEqual([7, 6, 1]);
  });

  it('insert new rows in their place, the newer copy of a held row winning', () => {
    const held: InspectorRow[] = [row(5, 50), row(4, 40)];
    const next = insertRows(held, [row(6, 45), row(5, 50, { state: 'SUCCESS' })]);
    expect(ids(next)).toEqual([5, 6, 4]);
    expect(next[0]!.state).toBe('SUCCESS');
  });

  it('replace changed rows, flash them, and mark those that left the filter', () => {
    const held: InspectorRow[] = [row(5, 50), row(4, 40), row(3, 30)];
    const failedOnly = { ...EMPTY_FILTER, states: ['FAILED' as const] };
    const { rows, changedIds } = applyUpdates(
      held,
      [
        row(5, 50, { state: 'SUCCESS', message: null, sfid: '006000000000001AAA' }),
        row(4, 40), // unchanged
        row(3, 30, { message: 'UNABLE_TO_LOCK_ROW: still busy' }),
      ],
      failedOnly,
    );
    expect(changedIds).toEqual([5, 3]);
    expect(rows[0]).toMatchObject({ state: 'SUCCESS', flash: true, outside: true });
    expect(rows[1]).toBe(held[1]); // unchanged rows keep their objects
    expect(rows[2]).toMatchObject({ state: 'FAILED', flash: true, outside: false });
    expect(ids(rows)).toEqual([5, 4, 3]); // nothing moves
  });

  it('keep the same array when nothing changed, and flash once', () => {
    const held: InspectorRow[] = [row(5, 50)];
    expect(applyUpdates(held, [row(5, 50)], EMPTY_FILTER).rows).toBe(held);
    const flashed = applyUpdates(held, [row(5, 50, { state: 'NEW' })], EMPTY_FILTER).rows;
    const after = clearFlash(flashed, [5]);
    expect(after[0]!.flash).toBe(false);
    expect(clearFlash(after, [5])).toBe(after);
  });

  it('read the rows on screen again, and the open one, within a cap', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(100 - i, 59 - i));
    expect(idsOnScreen(rows, -2, 2)).toEqual([100, 99, 98]);
    expect(idsOnScreen(rows, 48, 60, [7])).toEqual([7, 52, 51]);
    expect(idsOnScreen(rows, 0, 49, [], 5)).toHaveLength(5);
  });
});

describe('moving through the rows', () => {
  const rows = [row(3, 3), row(2, 2), row(1, 1)];
  it('steps from the current row and stops at the ends', () => {
    expect(stepRow(rows, null, 1)?.id).toBe(3);
    expect(stepRow(rows, 3, 1)?.id).toBe(2);
    expect(stepRow(rows, 1, 1)?.id).toBe(1);
    expect(stepRow(rows, 3, -1)?.id).toBe(3);
    expect(stepRow(rows, 42, -1)?.id).toBe(3);
    expect(stepRow([], null, 1)).toBeUndefined();
  });
});
