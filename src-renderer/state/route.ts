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
