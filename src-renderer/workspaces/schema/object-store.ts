// The active org's object list, shared by the Schema workspace and the Ctrl/Cmd+K palette: one
// request per org, kept current by schema.objectsUpdated, indexed once for filtering. Record
// counts asked for on demand live here too, so the list and the object page show the same one.
import { useEffect, useSyncExternalStore } from 'react';
import type { ObjectListEntry } from '../../../src-shared/api';
import { api } from '../../api';
import { indexObjects, type IndexedObject } from './object-filter';

export interface ObjectListState {
  /** The org this list belongs to. */
  orgProfileId: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  objects: ObjectListEntry[];
  index: IndexedObject<ObjectListEntry>[];
  /** Lower-cased name → entry, for the object page's header and links. */
  byName: Map<string, ObjectListEntry>;
  fetchedAt: string | null;
  refreshing: boolean;
  error: string | null;
}

export type RecordCount =
  | { state: 'counting' }
  | { state: 'done'; count: number; durationMs: number }
  | { state: 'failed'; message: string };

const EMPTY: ObjectListState = {
  orgProfileId: null,
  status: 'idle',
  objects: [],
  index: [],
  byName: new Map(),
  fetchedAt: null,
  refreshing: false,
  error: null,
};

const RECHECK_MS = 8000;

let state: ObjectListState = EMPTY;
let counts = new Map<string, RecordCount>();
let requestSeq = 0;
const listeners = new Set<() => void>();
let unsubscribeEvents: (() => void) | null = null;

function emit() {
  for (const listener of listeners) listener();
}

function setState(next: ObjectListState) {
  state = next;
  emit();
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function load(orgProfileId: string, refresh: boolean): Promise<void> {
  const seq = ++requestSeq;
  const sameOrg = state.orgProfileId === orgProfileId;
  if (!sameOrg) counts = new Map();
  setState({
    ...(sameOrg ? state : EMPTY),
    orgProfileId,
    // Keep showing the list we have while a newer one loads.
    status: sameOrg && state.status === 'ready' ? 'ready' : 'loading',
    refreshing: refresh || (sameOrg && state.refreshing),
    error: null,
  });
  try {
    const result = await api.schema.objects({ refresh });
    if (seq !== requestSeq) return; // another org (or a newer load) took over
    const objects = [...result.objects].sort((a, b) => a.name.localeCompare(b.name));
    setState({
      orgProfileId,
      status: 'ready',
      objects,
      index: indexObjects(objects),
      byName: new Map(objects.map((o) => [o.name.toLowerCase(), o])),
      fetchedAt: result.fetchedAt,
      refreshing: result.refreshing,
      error: null,
    });
    // The refresh's event normally follows; should it have overtaken this answer (it travels
    // on another channel), ask once more rather than show "refreshing…" for ever.
    if (result.refreshing) {
      setTimeout(() => {
        if (seq === requestSeq && state.refreshing) void load(orgProfileId, false);
      }, RECHECK_MS);
    }
  } catch (error) {
    if (seq !== requestSeq) return;
    setState({ ...state, status: 'error', refreshing: false, error: messageOf(error) });
  }
}

function ensureEventSubscription() {
  if (unsubscribeEvents) return;
  const offObjects = api.on('schema.objectsUpdated', () => {
    if (state.orgProfileId) void load(state.orgProfileId, false);
  });
  unsubscribeEvents = offObjects;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  ensureEventSubscription();
  return () => listeners.delete(listener);
}

const snapshot = () => state;

/**
 * The object list of `orgProfileId` (the active org), loading it on first use and whenever the
 * active org changes. null: no org is active.
 */
export function useObjectList(orgProfileId: string | null): ObjectListState {
  const current = useSyncExternalStore(subscribe, snapshot);
  useEffect(() => {
    if (orgProfileId === null) {
      if (state.orgProfileId !== null) {
        requestSeq++;
        counts = new Map();
        setState(EMPTY);
      }
      return;
    }
    if (state.orgProfileId !== orgProfileId || state.status === 'idle') {
      void load(orgProfileId, false);
    }
  }, [orgProfileId]);
  return current.orgProfileId === orgProfileId ? current : { ...EMPTY, orgProfileId };
}

/** Ask the org for a fresh list (background refresh; schema.objectsUpdated follows). */
export function refreshObjectList(): void {
  if (state.orgProfileId) void load(state.orgProfileId, true);
}

/** Try again after an error. */
export function reloadObjectList(): void {
  if (state.orgProfileId) void load(state.orgProfileId, false);
}

// ---------------------------------------------------------------------------------------------
// Record counts, on demand.

const countKey = (objectName: string) => objectName.toLowerCase();
const countSnapshot = () => counts;

/** Counts asked for so far in this org, by lower-cased object name. */
export function useRecordCounts(): ReadonlyMap<string, RecordCount> {
  return useSyncExternalStore(subscribe, countSnapshot);
}

export function recordCountOf(
  all: ReadonlyMap<string, RecordCount>,
  objectName: string,
): RecordCount | undefined {
  return all.get(countKey(objectName));
}

/** SELECT COUNT() on the org; the answer (or its error) shows wherever the object is shown. */
export async function countRecords(objectName: string): Promise<void> {
  const key = countKey(objectName);
  if (counts.get(key)?.state === 'counting') return;
  const org = state.orgProfileId;
  const put = (value: RecordCount) => {
    if (state.orgProfileId !== org) return; // the org changed meanwhile
    counts = new Map(counts).set(key, value);
    emit();
  };
  put({ state: 'counting' });
  try {
    const { count, durationMs } = await api.schema.count({ object: objectName });
    put({ state: 'done', count, durationMs });
  } catch (error) {
    put({ state: 'failed', message: messageOf(error) });
  }
}

/**
 * What per-org state in the renderer is keyed by: the profile, and its version, so editing the
 * active profile to point at another org starts from a clean list.
 */
export function orgStateKey(org: { id: string; updatedAt: string } | null): string | null {
  return org ? `${org.id}@${org.updatedAt}` : null;
}
