// The inspector's filters: what the URL says (state/route.ts keeps the keys), cleaned up into
// what the grid asks the studio for. Pure: no DOM, no React, so unit tests run it directly.
import type {
  TriggerLogFilterJson,
  TriggerLogRow,
  TriggerLogSummary,
} from '../../../src-shared/api';
import {
  TRIGGER_LOG_ACTIONS,
  TRIGGER_LOG_STATES,
  type TriggerLogAction,
  type TriggerLogState,
} from '../../../src-shared/mapping';
import { toEighteenCharacterId } from '../../../src-shared/salesforce';
import type { TriggerLogRouteFilter } from '../../state/route';

export type TriggerLogSource = 'live' | 'archive' | 'both';
export const TRIGGER_LOG_SOURCES: readonly TriggerLogSource[] = ['both', 'live', 'archive'];

/** The filters as the inspector holds them: every value checked, nothing unknown left in. */
export interface InspectorFilter {
  states: TriggerLogState[];
  table?: string;
  action?: TriggerLogAction;
  /** An ISO time, or a range relative to now (`-24h`, see QUICK_RANGES). */
  since?: string;
  until?: string;
  text?: string;
  recordId?: number;
  sfid?: string;
  source: TriggerLogSource;
}

export const EMPTY_FILTER: InspectorFilter = { states: [], source: 'both' };

/**
 * "Last hour / 24 h / 7 days" stay relative in the URL (`since=-24h`), so a reload or a link
 * the next day still means the last 24 hours; they become an ISO time when the grid asks.
 */
export const QUICK_RANGES = [
  { since: '-1h', label: 'Last hour', short: '1 h', ms: 3_600_000 },
  { since: '-24h', label: 'Last 24 h', short: '24 h', ms: 86_400_000 },
  { since: '-7d', label: 'Last 7 days', short: '7 days', ms: 7 * 86_400_000 },
] as const;

const RELATIVE = /^-(\d{1,4})([hd])$/;

/** How far back a relative `since` reaches, in ms; null when it is not relative. */
export function relativeSinceMs(since: string): number | null {
  const match = RELATIVE.exec(since);
  if (!match) return null;
  return Number(match[1]) * (match[2] === 'h' ? 3_600_000 : 86_400_000);
}

function isTime(value: string): boolean {
  return relativeSinceMs(value) !== null || !Number.isNaN(Date.parse(value));
}

const isState = (s: string): s is TriggerLogState =>
  (TRIGGER_LOG_STATES as readonly string[]).includes(s);
const isAction = (s: string): s is TriggerLogAction =>
  (TRIGGER_LOG_ACTIONS as readonly string[]).includes(s);
const isSource = (s: string): s is TriggerLogSource =>
  (TRIGGER_LOG_SOURCES as readonly string[]).includes(s);

/** The URL's filters, with what a hand edit got wrong (an unknown state, a bad time) left out. */
export function filterFromRoute(route: TriggerLogRouteFilter): InspectorFilter {
  const filter: InspectorFilter = {
    states: [...new Set((route.states ?? []).filter(isState))],
    source: route.source && isSource(route.source) ? route.source : 'both',
  };
  const table = route.table?.trim();
  if (table) filter.table = table;
  const action = route.action?.trim().toUpperCase();
  if (action && isAction(action)) filter.action = action;
  if (route.since && isTime(route.since)) filter.since = route.since;
  // `until` is always a point in time: "until 24 hours ago" is not a quick range.
  if (route.until && !Number.isNaN(Date.parse(route.until))) filter.until = route.until;
  if (route.text?.trim()) filter.text = route.text;
  if (route.recordId !== undefined && route.recordId > 0) filter.recordId = route.recordId;
  if (route.sfid && SFID.test(route.sfid)) filter.sfid = route.sfid;
  return filter;
}

/** The URL for `filter` (and the open row): the inverse of filterFromRoute. */
export function routeFromFilter(filter: InspectorFilter, row?: number): TriggerLogRouteFilter {
  const route: TriggerLogRouteFilter = {};
  if (filter.states.length) route.states = filter.states;
  if (filter.table) route.table = filter.table;
  if (filter.action) route.action = filter.action;
  if (filter.since) route.since = filter.since;
  if (filter.until) route.until = filter.until;
  if (filter.text) route.text = filter.text;
  if (filter.recordId !== undefined) route.recordId = filter.recordId;
  if (filter.sfid) route.sfid = filter.sfid;
  if (filter.source !== 'both') route.source = filter.source;
  if (row !== undefined) route.row = row;
  return route;
}

/** The contract's filter for `filter` at `now` (a relative `since` becomes an ISO time). */
export function toApiFilter(filter: InspectorFilter, now: Date): TriggerLogFilterJson {
  const api: TriggerLogFilterJson = { source: filter.source };
  if (filter.states.length) api.states = filter.states;
  if (filter.table) api.table = filter.table;
  if (filter.action) api.action = filter.action;
  if (filter.since) api.since = resolveSince(filter.since, now);
  if (filter.until) api.until = new Date(filter.until).toISOString();
  if (filter.text?.trim()) api.text = filter.text.trim();
  if (filter.recordId !== undefined) api.recordId = filter.recordId;
  if (filter.sfid) api.sfid = toEighteenCharacterId(filter.sfid);
  return api;
}

function resolveSince(since: string, now: Date): string {
  const back = relativeSinceMs(since);
  return back === null
    ? new Date(since).toISOString()
    : new Date(now.getTime() - back).toISOString();
}

/** A stable key of what the grid shows: two filters with one key ask for the same rows. */
export function filterKey(filter: InspectorFilter): string {
  return JSON.stringify(routeFromFilter(filter));
}

export function hasFilters(filter: InspectorFilter): boolean {
  return filterKey(filter) !== filterKey(EMPTY_FILTER);
}

// ---------------------------------------------------------------------------------------------
// "Record id or sfid": one box, two meanings.

const SFID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const MAX_RECORD_ID = 2_147_483_647; // record_id is a Postgres integer

export type RecordQuery =
  | { kind: 'none' }
  | { kind: 'recordId'; recordId: number }
  | { kind: 'sfid'; sfid: string }
  | { kind: 'invalid'; message: string };

/** A number is the mapped row's id (record_id); 15 or 18 letters and digits are an sfid. */
export function parseRecordQuery(text: string): RecordQuery {
  const value = text.trim();
  if (value === '') return { kind: 'none' };
  // Ids can be all digits too (006000000000001): 15 or 18 characters are always an sfid.
  if (SFID.test(value)) return { kind: 'sfid', sfid: value };
  if (/^\d+$/.test(value)) {
    const recordId = Number(value);
    if (recordId >= 1 && recordId <= MAX_RECORD_ID) return { kind: 'recordId', recordId };
    return {
      kind: 'invalid',
      message: `${value} is not a row id: record ids run from 1 to ${MAX_RECORD_ID.toLocaleString('en-US')}.`,
    };
  }
  return {
    kind: 'invalid',
    message:
      `"${value}" is neither a record id (a number, the row's id column) nor an sfid ` +
      `(15 or 18 letters and digits, such as 006000000000001AAA).`,
  };
}

/** What the box shows for the filter's record id or sfid. */
export function recordQueryText(filter: InspectorFilter): string {
  if (filter.recordId !== undefined) return String(filter.recordId);
  return filter.sfid ?? '';
}

// ---------------------------------------------------------------------------------------------
// State chips and their counts.

/** Always offered, even at zero: the states a person filters by. */
const CORE_STATES: readonly TriggerLogState[] = ['NEW', 'PENDING', 'SUCCESS', 'FAILED', 'IGNORED'];

/** Rows per state in the chosen source(s). */
export function stateCounts(
  summary: Pick<TriggerLogSummary, 'live' | 'archive'> | null,
  source: TriggerLogSource,
): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!summary) return counts;
  const add = (from: Record<string, number>) => {
    for (const [state, n] of Object.entries(from)) counts[state] = (counts[state] ?? 0) + n;
  };
  if (source !== 'archive') add(summary.live);
  if (source !== 'live') add(summary.archive);
  return counts;
}

/** The chips to show, in the log's own order: the core ones, any with rows, any selected. */
export function chipStates(
  counts: Record<string, number>,
  selected: readonly string[],
): TriggerLogState[] {
  return TRIGGER_LOG_STATES.filter(
    (s) => CORE_STATES.includes(s) || (counts[s] ?? 0) > 0 || selected.includes(s),
  );
}

export function toggleState(filter: InspectorFilter, state: TriggerLogState): InspectorFilter {
  const states = filter.states.includes(state)
    ? filter.states.filter((s) => s !== state)
    : TRIGGER_LOG_STATES.filter((s) => s === state || filter.states.includes(s));
  return { ...filter, states };
}

/** Bulk retry applies to the filter's FAILED rows: only when FAILED is among its states (or none). */
export function canRetryMatching(filter: InspectorFilter): boolean {
  return filter.states.length === 0 || filter.states.includes('FAILED');
}

/**
 * How many FAILED rows the filter matches, when the summary alone can say (the filter is only
 * states and source); null when it takes a query.
 */
export function failedCountFromSummary(
  filter: InspectorFilter,
  summary: Pick<TriggerLogSummary, 'live' | 'archive'> | null,
): number | null {
  if (!canRetryMatching(filter)) return 0;
  if (!summary) return null;
  if (hasFilters({ ...filter, states: [], source: 'both' })) return null;
  return stateCounts(summary, filter.source).FAILED ?? 0;
}

/** The filter with FAILED as its only state: what "retry all matching" sends and counts. */
export function failedOnly(filter: InspectorFilter): InspectorFilter {
  return { ...filter, states: ['FAILED'] };
}

/** The filter in words, for the bulk-retry confirmation: "of table opportunity, last 24 h". */
export function describeFilter(filter: InspectorFilter): string {
  const parts: string[] = [];
  if (filter.table) parts.push(`of table ${filter.table}`);
  if (filter.action) parts.push(`${filter.action} changes`);
  if (filter.since) {
    const quick = QUICK_RANGES.find((r) => r.since === filter.since);
    parts.push(quick ? quick.label.toLowerCase() : `since ${filter.since}`);
  }
  if (filter.until) parts.push(`before ${filter.until}`);
  if (filter.text) parts.push(`matching "${filter.text}"`);
  if (filter.recordId !== undefined) parts.push(`of record ${filter.recordId}`);
  if (filter.sfid) parts.push(`of ${filter.sfid}`);
  if (filter.source === 'live') parts.push('in the live log');
  if (filter.source === 'archive') parts.push('in the archive');
  return parts.join(', ');
}

/**
 * Whether a row as it is now still matches the filter's plain fields (state, source, table,
 * action, record): rows that drifted out stay on screen, marked, until the filter changes.
 */
export function rowMatches(row: TriggerLogRow, filter: InspectorFilter): boolean {
  if (filter.states.length && !(filter.states as readonly string[]).includes(row.state))
    return false;
  if (filter.source !== 'both' && row.source !== filter.source) return false;
  if (filter.table && row.table !== filter.table) return false;
  if (filter.action && row.action !== filter.action) return false;
  if (filter.recordId !== undefined && row.recordId !== filter.recordId) return false;
  return true;
}
