// The Sync dashboard's live event log: engine events in words (describeSyncEvent), the last
// 1,000 kept in memory, new ones handed on in batches (at most four a second). Progress ticks
// are not lines of their own: a load gets one line when it starts and one when it ends (with how
// long it took), and a mapping's status only when its phase, pause or error changes. A poll is
// one line, its result: the polling → synced round trip around it would only repeat it; a load
// is said by its own two lines, not also by an "initial load" status.
import type { SyncLogEntry } from '../../src-shared/api';
import { describeLoadStart, describeSyncEvent, type SyncEvent } from '../sync';
import { createThrottle } from './throttle';

type LoadProgress = Extract<SyncEvent, { type: 'load.progress' }>['progress'];

export const EVENT_LOG_CAPACITY = 1_000;
const PUSH_EVERY_MS = 250;

export interface SyncEventLog {
  /** Turns an engine event into entries (none for most progress ticks and repeated statuses). */
  record(event: SyncEvent, objectOfTable: (table: string) => string | undefined): void;
  /** A line of the studio's own (a restart, a stop and why, a warning while preparing). */
  add(level: SyncLogEntry['level'], message: string, objectName?: string): void;
  /** The newest `limit` entries, oldest first. */
  entries(limit: number): SyncLogEntry[];
  /** A new engine: its loads and statuses are new too. */
  startRun(): void;
  close(): void;
}

export function createSyncEventLog(options: {
  /** New entries, oldest first, at most every 250 ms. */
  push: (entries: SyncLogEntry[]) => void;
  capacity?: number;
}): SyncEventLog {
  const capacity = options.capacity ?? EVENT_LOG_CAPACITY;
  const kept: SyncLogEntry[] = [];
  let unpushed: SyncLogEntry[] = [];
  let nextId = 1;
  /** Per object: the load in progress (or just ended), to log its start and end once. */
  const loads = new Map<string, { ended: boolean; startedMs: number }>();
  /** Per object: phase|paused|error of the last status logged. */
  const statuses = new Map<string, string>();

  const pusher = createThrottle(() => {
    if (unpushed.length === 0) return;
    const batch = unpushed;
    unpushed = [];
    options.push(batch);
  }, PUSH_EVERY_MS);

  function append(kind: string, level: SyncLogEntry['level'], message: string, object?: string) {
    const entry: SyncLogEntry = {
      id: nextId++,
      at: new Date().toISOString(),
      level,
      kind,
      message,
      ...(object ? { objectName: object } : {}),
    };
    kept.push(entry);
    // Trim in chunks: one splice per hundred entries rather than a shift per entry.
    if (kept.length > capacity + 100) kept.splice(0, kept.length - capacity);
    unpushed.push(entry);
    if (unpushed.length > capacity) unpushed.splice(0, unpushed.length - capacity);
    pusher.request();
  }

  return {
    record(event, objectOfTable) {
      if (event.type === 'load.progress') {
        const { done, total, etaSeconds } = event.progress;
        // The meter's last report (final) has eta 0 and done = total; an early one may too.
        const finished = done >= total && etaSeconds === 0;
        let load = loads.get(event.objectName);
        if (!load || (load.ended && !finished)) {
          load = { ended: false, startedMs: Date.now() };
          append(
            'load.progress',
            'info',
            describeLoadStart(event.objectName, event.progress),
            event.objectName,
          );
        } else if (load.ended) {
          return;
        }
        if (finished) {
          const seconds = (Date.now() - load.startedMs) / 1000;
          const message = describeLoadEnd(event.objectName, event.progress, seconds);
          append('load.progress', 'info', message, event.objectName);
        }
        loads.set(event.objectName, { ended: finished, startedMs: load.startedMs });
        return;
      }
      if (event.type === 'mapping.status') {
        const s = event.status;
        if (s.phase !== 'initial_load') loads.delete(s.objectName);
        // A load and a poll have lines of their own (its start and end; what the poll found),
        // and one that fails turns into an error status, which is logged.
        if (!s.paused && s.phase === 'polling') return;
        if (!s.paused && s.phase === 'initial_load') {
          // …and the status after it is said again (a reload ends in "synced" like before).
          statuses.delete(s.objectName);
          return;
        }
        const key = `${s.phase}|${s.paused}|${s.error ?? ''}`;
        if (statuses.get(s.objectName) === key) return;
        statuses.set(s.objectName, key);
      }
      const described = describeSyncEvent(event);
      const objectName =
        described.objectName ??
        (event.type === 'write.batch' ? objectOfTable(event.table) : undefined);
      append(event.type, described.level, described.message, objectName);
    },
    add(level, message, objectName) {
      append('studio', level, message, objectName);
    },
    entries(limit) {
      const count = Math.max(0, Math.min(limit, capacity));
      return count === 0 ? [] : kept.slice(-count);
    },
    startRun() {
      loads.clear();
      statuses.clear();
    },
    close() {
      pusher.close();
    },
  };
}

/**
 * The line kept when a load ends: `Account: loaded 1,200 records in 0.4 s through REST`. The
 * Sync dashboard reads the count and the time back from it (src-renderer/workspaces/sync/
 * format.ts loadEndsSince), to say what loaded in this run to someone who came after it.
 */
function describeLoadEnd(objectName: string, progress: LoadProgress, seconds: number) {
  const records = `${progress.done.toLocaleString('en-US')} record${progress.done === 1 ? '' : 's'}`;
  const whole = Math.round(seconds);
  const time =
    seconds < 10
      ? `${seconds.toFixed(1)} s`
      : whole < 60
        ? `${whole} s`
        : `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${objectName}: loaded ${records} in ${time} through ${progress.api === 'bulk' ? 'Bulk 2.0' : 'REST'}`;
}
