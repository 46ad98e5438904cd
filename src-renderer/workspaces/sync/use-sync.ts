// The engine's status and event log as the dashboard sees them: read once, then kept current by
// the `sync.status` and `sync.log` events.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SyncLogEntry, SyncStatus } from '../../../src-shared/api';
import { ApiError } from '../../../src-shared/api';
import { api } from '../../api';
import { useStudio } from '../../state/studio';

/**
 * The engine pushes a status on each of its steps, with row counts the studio reads at most
 * every 2 s; once the steps stop (loads over, the next poll minutes away) the last push may
 * carry counts from before the last rows landed. So the dashboard asks again this long after
 * the last push, and every REFRESH_EVERY_MS while the engine runs.
 */
const SETTLE_MS = 2_500;
const REFRESH_EVERY_MS = 10_000;

export type StatusLoad =
  | { state: 'loading' }
  | { state: 'ready'; status: SyncStatus }
  | { state: 'failed'; code: string; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : 'INTERNAL');

/** A status replaces the one shown only when it is not older (events and answers may cross). */
const newer = (next: SyncStatus, current: StatusLoad) =>
  current.state !== 'ready' || next.at >= current.status.at;

/**
 * The engine's status between the active org and database. `key` names them: when it changes
 * (another profile made active) the status is read again. Once a status is shown, a read that
 * fails keeps it on screen (`stale` says why, and the user is told once) rather than hiding it.
 */
export function useSyncStatus(key: string | null) {
  const { notify } = useStudio();
  const [load, setLoad] = useState<StatusLoad>({ state: 'loading' });
  const [stale, setStale] = useState<string | null>(null);
  // What the callbacks below read without being made anew on every status.
  const shown = useRef<SyncStatus | null>(null);
  const failing = useRef(false);

  const show = useCallback((status: SyncStatus) => {
    failing.current = false;
    setStale(null);
    if (shown.current === null || status.at >= shown.current.at) shown.current = status;
    setLoad((current) => (newer(status, current) ? { state: 'ready', status } : current));
  }, []);

  const fail = useCallback(
    (error: unknown) => {
      const message = messageOf(error);
      if (shown.current === null) {
        setLoad({ state: 'failed', code: codeOf(error), message });
        return;
      }
      setStale(message);
      // Told once per run of failures, not on every retry.
      if (!failing.current) notify('error', `The engine’s status could not be read: ${message}`);
      failing.current = true;
    },
    [notify],
  );
  const refresh = useCallback(() => api.sync.status().then(show, fail), [show, fail]);

  useEffect(() => {
    // The dashboard is keyed by `key`, so a new pair of profiles starts from 'loading'.
    if (key === null) return;
    let settle: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      api.on('sync.status', (status) => {
        show(status);
        clearTimeout(settle);
        settle = setTimeout(() => void refresh(), SETTLE_MS);
      }),
      // A mapping applied or removed changes the rows; the engine says so in its next status,
      // but an engine that is off sends none.
      api.on('mappings.changed', () => void refresh()),
    ];
    const ticker = setInterval(() => {
      const engine = shown.current?.engine;
      const running = engine === 'starting' || engine === 'running' || engine === 'paused';
      if (running && document.visibilityState === 'visible') void refresh();
    }, REFRESH_EVERY_MS);
    void refresh();
    return () => {
      clearTimeout(settle);
      clearInterval(ticker);
      offs.forEach((off) => off());
    };
  }, [key, show, refresh]);

  return { load, refresh, show, stale };
}

/** Lines the log keeps in memory (the engine keeps its last 1,000 too). */
const LOG_LIMIT = 1000;

/** The engine's event log: the recent lines, then each new one as it comes (oldest first). */
export function useSyncLog(key: string | null) {
  const [entries, setEntries] = useState<SyncLogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    const merge = (incoming: SyncLogEntry[]) =>
      setEntries((current) => {
        if (incoming.length === 0) return current;
        const last = current[current.length - 1];
        // The usual case: new lines after the last one.
        if (!last || incoming.every((e) => e.id > last.id)) {
          return [...current, ...incoming].slice(-LOG_LIMIT);
        }
        const byId = new Map(current.map((e) => [e.id, e]));
        for (const e of incoming) byId.set(e.id, e);
        return [...byId.values()].sort((a, b) => a.id - b.id).slice(-LOG_LIMIT);
      });
    // Subscribe first: a line sent while the history is on its way is not lost.
    const off = api.on('sync.log', ({ entries: next }) => merge(next));
    api.sync
      .log({ limit: 500 })
      .then(({ entries: history }) => {
        if (!cancelled) merge(history);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(messageOf(e));
      });
    return () => {
      cancelled = true;
      off();
    };
  }, [key]);

  return { entries, error };
}

/** The current time, ticking every `ms` (countdowns and "12 s ago"). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
