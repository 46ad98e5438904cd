import { describe, expect, it } from 'vitest';
import {
  firstPageLoaded,
  needsRerun,
  pageFailed,
  pageRequested,
  pagesLoaded,
  queryFailed,
} from '../../src-renderer/workspaces/query/org-query-state';
import type { QueryPage } from '../../src-shared/api';

// The Query workspace's paging rules: a failed further page keeps every row already loaded and
// the cursor to ask again; only a failed query has no rows.

const SOQL = 'SELECT Id, Name FROM Account';

function page(from: number, count: number, cursor: string | null): QueryPage {
  const records = Array.from({ length: count }, (_, i) => ({
    attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${from + i}` },
    Id: `001${String(from + i).padStart(15, '0')}`,
    Name: `Account ${from + i}`,
  }));
  return { cursor, records, totalSize: 6, done: cursor === null, durationMs: 10, apiCalls: 1 };
}

describe('org query state', () => {
  it('keeps the loaded rows and the cursor when a further page fails', () => {
    const first = firstPageLoaded(SOQL, false, page(0, 2, 'c1'));
    const second = pagesLoaded(pageRequested(first, false), [page(2, 2, 'c2')]);
    const asked = pageRequested(second, false);
    expect(asked.loadingMore).toBe(true);
    const failed = pageFailed(asked, {
      code: 'REMOTE_ERROR',
      message: 'The org did not answer the next page.',
    });
    expect(failed.records.map((r) => r.Name)).toEqual([
      'Account 0',
      'Account 1',
      'Account 2',
      'Account 3',
    ]);
    expect(failed.cursor).toBe('c2');
    expect(failed.columns).toEqual(first.columns);
    expect(failed.error).toBeNull();
    expect(failed.pageError).toEqual({
      code: 'REMOTE_ERROR',
      message: 'The org did not answer the next page.',
    });
    expect(failed).toMatchObject({ loadingMore: false, loadingAll: false, apiCalls: 2 });

    // Trying again clears the banner; the page that then arrives is appended.
    const retried = pageRequested(failed, false);
    expect(retried.pageError).toBeNull();
    const done = pagesLoaded(retried, [page(4, 2, null)]);
    expect(done.records).toHaveLength(6);
    expect(done.cursor).toBeNull();
    expect(done.pageError).toBeNull();
  });

  it('stops "load all" at a failed page with the pages it had', () => {
    const first = firstPageLoaded(SOQL, true, page(0, 2, 'c1'));
    const loading = pagesLoaded(pageRequested(first, true), [page(2, 2, 'c2')]);
    expect(loading.loadingAll).toBe(true);
    const failed = pageFailed(loading, {
      code: 'NOT_FOUND',
      message: 'This result cursor has expired',
    });
    expect(failed.records).toHaveLength(4);
    expect(failed.all).toBe(true);
    expect(failed.loadingAll).toBe(false);
    // A cursor the studio no longer knows can only be recovered by running the query again.
    expect(needsRerun(failed.pageError!)).toBe(true);
    expect(needsRerun({ code: 'REMOTE_ERROR', message: 'x' })).toBe(false);
  });

  it('has no rows when the query itself fails', () => {
    const failed = queryFailed(SOQL, false, { code: 'REMOTE_ERROR', message: 'bad field' });
    expect(failed.records).toEqual([]);
    expect(failed.error).toEqual({ code: 'REMOTE_ERROR', message: 'bad field' });
    expect(failed.pageError).toBeNull();
  });
});
