import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';

/** The workspace lives in the URL hash (#/query), so reloads and links keep the place. */
export function useHashRoute(fallback: string): [string, (route: string) => void] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split(/[?/]/)[0] || fallback;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [route, navigate];
}

export function navigate(route: string): void {
  window.location.hash = `#/${route}`;
}

/** Like navigate, without a new history entry (a tab switch, a canonical spelling). */
export function replaceRoute(route: string): void {
  window.location.replace(`#/${route}`);
}

/** The whole hash, taken apart: `#/schema/Contact?tab=parents`. */
export interface HashLocation {
  /** `schema` */
  workspace: string;
  /** What follows the workspace, decoded: `['Contact']`. */
  path: string[];
  /** `tab=parents` */
  params: URLSearchParams;
}

export function parseHash(hash: string): HashLocation {
  const body = hash.replace(/^#\/?/, '');
  const queryAt = body.indexOf('?');
  const pathPart = queryAt >= 0 ? body.slice(0, queryAt) : body;
  const segments = pathPart.split('/').filter((s) => s.length > 0);
  const decoded = segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s; // a hand-typed stray '%' stays as typed
    }
  });
  return {
    workspace: decoded[0] ?? '',
    path: decoded.slice(1),
    params: new URLSearchParams(queryAt >= 0 ? body.slice(queryAt + 1) : ''),
  };
}

const subscribeHash = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const readHash = () => window.location.hash;

/** The current hash location, live across links, back/forward and hand edits. */
export function useHashLocation(): HashLocation {
  const hash = useSyncExternalStore(subscribeHash, readHash);
  return useMemo(() => parseHash(hash), [hash]);
}

/** `schema/Contact`, or `schema/Contact?tab=parents`: an object's page in Schema. */
export function schemaObjectRoute(objectName: string, tab?: string): string {
  const base = `schema/${encodeURIComponent(objectName)}`;
  return tab ? `${base}?tab=${encodeURIComponent(tab)}` : base;
}

/** `query?soql=…`: the Query workspace with this text in its editor. */
export function queryRoute(soql: string): string {
  return `query?soql=${encodeURIComponent(soql)}`;
}

/** `mappings/Contact`: a mapping open in the Mapping editor (`mappings` alone: the list). */
export function mappingRoute(objectName?: string): string {
  return objectName ? `mappings/${encodeURIComponent(objectName)}` : 'mappings';
}

/** The trigger-log inspector's filters as they live in its URL (every key optional). */
export interface TriggerLogRouteFilter {
  /** States, e.g. ['FAILED']; in the URL: `state=FAILED,NEW`. */
  states?: string[];
  table?: string;
  action?: string;
  since?: string;
  until?: string;
  text?: string;
  recordId?: number;
  sfid?: string;
  /** live | archive | both (the default, left out of the URL). */
  source?: string;
  /** The row whose detail is open. */
  row?: number;
}

/** `trigger-log?state=FAILED&table=contact`: the inspector with these filters. */
export function triggerLogRoute(filter: TriggerLogRouteFilter = {}): string {
  const params = new URLSearchParams();
  if (filter.states?.length) params.set('state', filter.states.join(','));
  if (filter.table) params.set('table', filter.table);
  if (filter.action) params.set('action', filter.action);
  if (filter.since) params.set('since', filter.since);
  if (filter.until) params.set('until', filter.until);
  if (filter.text) params.set('text', filter.text);
  if (filter.recordId !== undefined) params.set('record', String(filter.recordId));
  if (filter.sfid) params.set('sfid', filter.sfid);
  if (filter.source && filter.source !== 'both') params.set('source', filter.source);
  if (filter.row !== undefined) params.set('row', String(filter.row));
  const query = params.toString();
  return query ? `trigger-log?${query}` : 'trigger-log';
}

/** The inverse of triggerLogRoute, forgiving of hand edits (bad numbers are dropped). */
export function parseTriggerLogRoute(params: URLSearchParams): TriggerLogRouteFilter {
  const filter: TriggerLogRouteFilter = {};
  const states = params.get('state');
  if (states)
    filter.states = states
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
  for (const key of ['table', 'action', 'since', 'until', 'text', 'sfid', 'source'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  const record = Number(params.get('record'));
  if (params.has('record') && Number.isSafeInteger(record)) filter.recordId = record;
  const row = Number(params.get('row'));
  if (params.has('row') && Number.isSafeInteger(row)) filter.row = row;
  return filter;
}
