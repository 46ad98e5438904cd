// Engine events in words: one sentence each, with how much it matters and the object it is
// about. The CLI prints these lines (`sync`, `demo`) and the studio keeps them in its event log,
// so a user reads the same sentence in a terminal and on the Sync dashboard. Times are said as a
// person says them ("next poll in 2 min"), never as ISO stamps: each line has its clock already.
import type { LoadProgress, MappingPhase, SyncEvent } from './types';

export interface DescribedSyncEvent {
  level: 'info' | 'warning' | 'error';
  message: string;
  /** The Salesforce object the event is about, when the event names one. */
  objectName?: string;
}

const PHASE_WORDS: Record<MappingPhase, string> = {
  waiting: 'waiting for a free slot',
  initial_load: 'initial load',
  polling: 'polling',
  synced: 'synced',
  paused: 'paused',
  error: 'stopped on an error',
  read_only_wait: 'waiting (read-only)',
};

/** `now` is when the line is written, to say the next poll as a countdown. */
export function describeSyncEvent(event: SyncEvent, now = Date.now()): DescribedSyncEvent {
  switch (event.type) {
    case 'engine.state':
      return {
        level: event.state === 'error' ? 'error' : 'info',
        message: `engine ${event.state}${event.message ? `: ${event.message}` : ''}`,
      };
    case 'mapping.status': {
      const s = event.status;
      const what = s.paused ? 'paused' : PHASE_WORDS[s.phase];
      const next = s.nextPollAt && !s.paused ? nextPollIn(s.nextPollAt, now) : '';
      return {
        level: s.phase === 'error' ? 'error' : 'info',
        message: `${s.objectName}: ${what}${s.error ? ` (${s.error})` : next ? `; next poll ${next}` : ''}`,
        objectName: s.objectName,
      };
    }
    case 'load.progress': {
      const p = event.progress;
      const rate = `${count(Math.round(p.ratePerSecond))}/s`;
      const message =
        p.done >= p.total
          ? `loaded ${records(p.done)} through ${apiName(p.api)} (${rate})`
          : `loaded ${count(p.done)} of ${count(p.total)} through ${apiName(p.api)} (${rate}${p.etaSeconds === null ? '' : `, ${duration(p.etaSeconds)} left`})`;
      return {
        level: 'info',
        message: `${event.objectName}: ${message}`,
        objectName: event.objectName,
      };
    }
    case 'poll.done': {
      const changes =
        event.upserted === 0 && event.deleted === 0 && event.conflicts === 0
          ? 'no changes'
          : `${count(event.upserted)} changed, ${count(event.deleted)} deleted${event.conflicts > 0 ? `, ${count(event.conflicts)} conflicts` : ''}`;
      return {
        level: 'info',
        message: `${event.objectName}: polled through ${apiName(event.api)}: ${changes}`,
        objectName: event.objectName,
      };
    }
    case 'conflict':
      return {
        level: 'warning',
        message: `${event.objectName} ${event.sfid}: row ${event.recordId} has changes not sent yet, so its ${event.keptColumns.join(', ')} kept the Postgres values over the org's`,
        objectName: event.objectName,
      };
    case 'write.batch': {
      const code = event.firstErrorCode ? ` (${event.firstErrorCode})` : '';
      const extra = [
        event.failed > 0 ? `${count(event.failed)} failed${code}` : '',
        event.retrying > 0 ? `${count(event.retrying)} to retry` : '',
      ].filter((x) => x !== '');
      // A refused record needs the user, and the trigger log has why; a retry does not yet.
      const where = event.failed > 0 ? '; see Trigger Log' : '';
      return {
        level: event.failed > 0 ? 'error' : event.retrying > 0 ? 'warning' : 'info',
        message: `${event.table}: ${event.operation} of ${count(event.records)} through ${event.api === 'bulk' ? 'Bulk 2.0' : 'collections'}: ${count(event.succeeded)} ok${extra.length > 0 ? `, ${extra.join(', ')}` : ''}${where}`,
      };
    }
    case 'log':
      return { level: event.level, message: event.message };
  }
}

/** The line a log keeps when a load begins (its progress ticks are not kept one by one). */
export function describeLoadStart(objectName: string, progress: LoadProgress): string {
  const resumed = progress.done > 0 ? `, resuming at ${count(progress.done)}` : '';
  return `${objectName}: initial load of ${records(progress.total)} through ${apiName(progress.api)}${resumed}`;
}

function nextPollIn(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = (at - now) / 1000;
  return seconds < 1 ? 'now' : `in ${duration(seconds)}`;
}

/** `42 s`, `2 min`, `2 min 30 s`, `1 h 05 min`. */
function duration(totalSeconds: number): string {
  const whole = Math.round(Math.max(0, totalSeconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function apiName(api: 'rest' | 'bulk'): string {
  return api === 'bulk' ? 'Bulk 2.0' : 'REST';
}

function records(n: number): string {
  return `${count(n)} record${n === 1 ? '' : 's'}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
