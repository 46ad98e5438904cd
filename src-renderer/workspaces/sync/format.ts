// How the Sync dashboard says numbers, times and states: short, and the same everywhere.
import type { SyncEngineState, SyncLogEntry, SyncMappingState } from '../../../src-shared/api';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

/** `4,210/s`, `12.5/s` below ten. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '—';
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${integer.format(perSecond)}/s`;
}

/** `42 s`, `3 min 05 s`, `1 h 12 min`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `just now`, `12 s ago`, `4 min ago`, `3 h ago`, else the date. */
export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(at).toLocaleDateString();
}

/** A live countdown: `in 1:45`, `in 9 s`, `due` once it passed. */
export function formatCountdown(iso: string | null, now: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.ceil((at - now) / 1000);
  if (seconds <= 0) return 'due';
  if (seconds < 60) return `in ${seconds} s`;
  if (seconds < 3600)
    return `in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return `in ${formatDuration(seconds)}`;
}

/** `14:03:27` in the user's clock. */
export function formatClock(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleTimeString('en-GB', { hour12: false });
}

export const ENGINE_LABELS: Record<SyncEngineState, string> = {
  off: 'Off',
  starting: 'Starting…',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  error: 'Error',
};

type Phase = SyncMappingState['phase'];

export const PHASE_LABELS: Record<Phase, string> = {
  stopped: 'Stopped',
  waiting: 'Waiting…',
  initial_load: 'Initial load',
  polling: 'Polling',
  synced: 'Synced',
  paused: 'Paused',
  error: 'Error',
  read_only_wait: 'Waiting (read-only)',
};

/** What each phase means, for its title. */
export const PHASE_HELP: Record<Phase, string> = {
  stopped: 'The engine is not running; start it to load and poll this mapping.',
  waiting: 'Queued: the engine works on it as soon as a slot is free.',
  initial_load: 'Loading every record of the object into the table for the first time.',
  polling: 'Asking Salesforce for records changed since the last poll.',
  synced: 'Up to date with Salesforce; the next poll comes at the time shown.',
  paused: 'Paused: no polls and no writes until you resume it.',
  error: 'Stopped by an error; read the message, fix the cause, then resume or reload.',
  read_only_wait: 'Read-only mapping waiting for its next poll.',
};

/** The badge colour of a phase or engine state. */
export function toneOf(
  state: Phase | SyncEngineState,
): 'ok' | 'accent' | 'warning' | 'danger' | 'muted' {
  switch (state) {
    case 'synced':
    case 'running':
      return 'ok';
    case 'initial_load':
    case 'polling':
    case 'starting':
      return 'accent';
    case 'paused':
    case 'waiting':
    case 'read_only_wait':
      return 'warning';
    case 'error':
      return 'danger';
    default:
      return 'muted';
  }
}

/** A load that ended, as its event-log line says it. */
export interface LoadEnd {
  objectName: string;
  /** `1,200` */
  records: string;
  /** `0.4 s`, `1 min 05 s` */
  took: string;
  at: string;
}

// The end-of-load line of src-main/sync-control/event-log.ts (describeLoadEnd):
// `Account: loaded 1,200 records in 0.4 s through REST`.
const LOAD_END = /^.+?: loaded ([\d,]+) records? in (.+?) through /;

/** The last load of each object that ended at or after `since` (an ISO time), from log lines. */
export function loadEndsSince(
  entries: readonly SyncLogEntry[],
  since: string | null,
): Map<string, LoadEnd> {
  const ends = new Map<string, LoadEnd>();
  if (!since) return ends;
  for (const e of entries) {
    if (e.kind !== 'load.progress' || !e.objectName || e.at < since) continue;
    const found = LOAD_END.exec(e.message);
    if (found?.[1] && found[2]) {
      ends.set(e.objectName, {
        objectName: e.objectName,
        records: found[1],
        took: found[2],
        at: e.at,
      });
    }
  }
  return ends;
}
