import { describe, expect, it } from 'vitest';
import { toEighteenCharacterId } from '../../src-shared/salesforce';
import {
  canRetryMatching,
  chipStates,
  describeFilter,
  EMPTY_FILTER,
  failedCountFromSummary,
  filterFromRoute,
  filterKey,
  hasFilters,
  parseRecordQuery,
  relativeSinceMs,
  routeFromFilter,
  rowMatches,
  stateCounts,
  toApiFilter,
  toggleState,
  type InspectorFilter,
} from '../../src-renderer/workspaces/trigger-log/filter-model';
import { parseTriggerLogRoute, triggerLogRoute } from '../../src-renderer/state/route';
import type { TriggerLogRow } from '../../src-shared/api';

const NOW = new Date('2025-06-30T12:00:00.000Z');

/** What a URL hash's query says, as the inspector reads it. */
const fromUrl = (query: string) =>
  filterFromRoute(parseTriggerLogRoute(new URLSearchParams(query)));

describe('the filter in the URL', () => {
  it('round-trips every key through the route helpers', () => {
    const filter: InspectorFilter = {
      states: ['NEW', 'FAILED'],
      table: 'opportunity',
      action: 'UPDATE',
      since: '-24h',
      until: '2025-06-30T10:00:00.000Z',
      text: 'negative',
      recordId: 42,
      source: 'live',
    };
    const route = triggerLogRoute(routeFromFilter(filter, 7));
    expect(route).toContain('state=NEW%2CFAILED');
    const params = new URLSearchParams(route.slice(route.indexOf('?') + 1));
    expect(fromUrl(params.toString())).toEqual(filter);
    expect(parseTriggerLogRoute(params).row).toBe(7);
  });

  it('leaves out what a hand edit got wrong', () => {
    expect(fromUrl('state=failed,BOGUS&action=upsert&since=yesterday&source=everything')).toEqual({
      states: ['FAILED'],
      source: 'both',
    });
    expect(fromUrl('sfid=not-an-id&record=-3&until=-24h')).toEqual(EMPTY_FILTER);
  });

  it('keeps the default source out of the URL and counts no filter as none', () => {
    expect(triggerLogRoute(routeFromFilter(EMPTY_FILTER))).toBe('trigger-log');
    expect(hasFilters(EMPTY_FILTER)).toBe(false);
    expect(hasFilters({ ...EMPTY_FILTER, source: 'archive' })).toBe(true);
    expect(filterKey({ states: [], source: 'both', text: 'x' })).not.toBe(filterKey(EMPTY_FILTER));
  });
});

describe('the contract filter', () => {
  it('turns a relative since into the ISO time it means now', () => {
    expect(relativeSinceMs('-1h')).toBe(3_600_000);
    expect(relativeSinceMs('-7d')).toBe(7 * 86_400_000);
    expect(relativeSinceMs('2025-06-01T00:00:00Z')).toBeNull();
    expect(toApiFilter({ ...EMPTY_FILTER, since: '-24h' }, NOW)).toEqual({
      source: 'both',
      since: '2025-06-29T12:00:00.000Z',
    });
  });

  it('sends every filter the contract knows, trimmed, and an sfid in its 18-character form', () => {
    expect(
      toApiFilter(
        {
          states: ['FAILED'],
          table: 'account',
          action: 'INSERT',
          since: '2025-06-01T00:00:00Z',
          until: '2025-06-02T00:00:00Z',
          text: '  lock ',
          sfid: '001000000000001',
          source: 'archive',
        },
        NOW,
      ),
    ).toEqual({
      states: ['FAILED'],
      table: 'account',
      action: 'INSERT',
      since: '2025-06-01T00:00:00.000Z',
      until: '2025-06-02T00:00:00.000Z',
      text: 'lock',
      sfid: '001000000000001AAA',
      source: 'archive',
    });
  });

  it('computes the checksum suffix of a 15-character id', () => {
    // Capitals in the first five characters set bits of the first suffix letter.
    expect(toEighteenCharacterId('001Ab0000000001')).toBe('001Ab0000000001IAA');
    expect(toEighteenCharacterId('001000000000001AAA')).toBe('001000000000001AAA');
  });
});

describe('"record id or sfid"', () => {
  it('reads a number as the record id and 15 or 18 characters as an sfid', () => {
    expect(parseRecordQuery(' 42 ')).toEqual({ kind: 'recordId', recordId: 42 });
    expect(parseRecordQuery('006000000000001AAA')).toEqual({
      kind: 'sfid',
      sfid: '006000000000001AAA',
    });
    expect(parseRecordQuery('006000000000001')).toEqual({ kind: 'sfid', sfid: '006000000000001' });
    expect(parseRecordQuery('')).toEqual({ kind: 'none' });
  });

  it('says why anything else is neither', () => {
    const bad = parseRecordQuery('0060000x');
    expect(bad.kind).toBe('invalid');
    expect(bad.kind === 'invalid' && bad.message).toMatch(/neither a record id .* nor an sfid/);
    const zero = parseRecordQuery('0');
    expect(zero.kind === 'invalid' && zero.message).toMatch(/record ids run from 1/);
    expect(parseRecordQuery('99999999999').kind).toBe('invalid');
  });
});

describe('state chips', () => {
  const summary = {
    live: { SUCCESS: 10, FAILED: 2, MERGED: 1 },
    archive: { SUCCESS: 100, FAILED: 5 },
  };

  it('count the chosen source', () => {
    expect(stateCounts(summary, 'both')).toEqual({ SUCCESS: 110, FAILED: 7, MERGED: 1 });
    expect(stateCounts(summary, 'live')).toEqual({ SUCCESS: 10, FAILED: 2, MERGED: 1 });
    expect(stateCounts(summary, 'archive')).toEqual({ SUCCESS: 100, FAILED: 5 });
    expect(stateCounts(null, 'both')).toEqual({});
  });

  it('show the core states, any with rows and any selected, in the log order', () => {
    expect(chipStates({ MERGED: 1 }, ['READONLY'])).toEqual([
      'NEW',
      'PENDING',
      'SUCCESS',
      'FAILED',
      'MERGED',
      'IGNORED',
      'READONLY',
    ]);
  });

  it('toggle in and out, keeping the log order', () => {
    const a = toggleState(EMPTY_FILTER, 'FAILED');
    const b = toggleState(a, 'NEW');
    expect(b.states).toEqual(['NEW', 'FAILED']);
    expect(toggleState(b, 'FAILED').states).toEqual(['NEW']);
  });
});

describe('bulk retry', () => {
  const summary = { live: { FAILED: 3, SUCCESS: 9 }, archive: { FAILED: 4 } };

  it('is offered when FAILED is among the states, or no state is chosen', () => {
    expect(canRetryMatching(EMPTY_FILTER)).toBe(true);
    expect(canRetryMatching({ ...EMPTY_FILTER, states: ['SUCCESS'] })).toBe(false);
    expect(canRetryMatching({ ...EMPTY_FILTER, states: ['SUCCESS', 'FAILED'] })).toBe(true);
  });

  it('takes its count from the summary when the filter is only states and source', () => {
    expect(failedCountFromSummary({ ...EMPTY_FILTER, states: ['FAILED'] }, summary)).toBe(7);
    expect(failedCountFromSummary({ states: [], source: 'archive' }, summary)).toBe(4);
    expect(failedCountFromSummary({ ...EMPTY_FILTER, states: ['SUCCESS'] }, summary)).toBe(0);
    expect(failedCountFromSummary({ ...EMPTY_FILTER, table: 'account' }, summary)).toBeNull();
    expect(failedCountFromSummary(EMPTY_FILTER, null)).toBeNull();
  });

  it('names the filter in its confirmation', () => {
    expect(
      describeFilter({
        states: ['FAILED'],
        table: 'opportunity',
        since: '-24h',
        text: 'negative',
        source: 'live',
      }),
    ).toBe('of table opportunity, last 24 h, matching "negative", in the live log');
  });
});

describe('rows that drift out of the filter', () => {
  const row: TriggerLogRow = {
    id: 1,
    state: 'SUCCESS',
    action: 'INSERT',
    table: 'opportunity',
    recordId: 5,
    sfid: null,
    createdAt: null,
    updatedAt: null,
    processedAt: null,
    message: null,
    source: 'live',
  };

  it('are told apart by state, source, table, action and record', () => {
    expect(rowMatches(row, EMPTY_FILTER)).toBe(true);
    expect(rowMatches(row, { ...EMPTY_FILTER, states: ['FAILED'] })).toBe(false);
    expect(rowMatches(row, { ...EMPTY_FILTER, source: 'archive' })).toBe(false);
    expect(rowMatches(row, { ...EMPTY_FILTER, table: 'account' })).toBe(false);
    expect(rowMatches(row, { ...EMPTY_FILTER, action: 'DELETE' })).toBe(false);
    expect(rowMatches(row, { ...EMPTY_FILTER, recordId: 6 })).toBe(false);
    expect(rowMatches(row, { ...EMPTY_FILTER, states: ['SUCCESS'], recordId: 5 })).toBe(true);
  });
});
