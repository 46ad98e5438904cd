// Engine events in words: one sentence each, with how much it matters and the object it is
// about. The CLI prints these lines (`sync`, `demo`) and the studio keeps them in its event log,
// so a user reads the same sentence in a terminal and on the Sync dashboard.
import type { LoadProgress, SyncEvent } from './types';

export interface DescribedSyncEvent {
  level: 'info' | 'warning' | 'error';
  message: string;
  /** The Salesforce object the event is about, when the event names one. */
  objectName?: string;
}

export function describeSyncEvent(event: SyncEvent): DescribedSyncEvent {
  switch (event.type) {
    case 'engine.state':
      return {
        level: event.state === 'error' ? 'error' : 'info',
        message: `engine ${event.state}${event.message ? `: ${event.message}` : ''}`,
      };
    case 'mapping.status': {
      const s = event.status;
      const next = s.nextPollAt ? `, next poll ${s.nextPollAt}` : '';
      return {
        level: s.phase === 'error' ? 'error' : 'info',
        message: `${s.objectName}: ${s.paused ? 'paused' : s.phase.replace('_', ' ')}${s.error ? ` (${s.error})` : next}`,
        objectName: s.objectName,
      };
    }
    case 'load.progress': {
      const p = event.progress;
      const eta = p.etaSeconds === null ? '' : `, ${Math.round(p.etaSeconds)} s left`;
      return {
        level: 'info',
        message: `${event.objectName}: loaded ${count(p.done)} of ${count(p.total)} through ${apiName(p.api)} (${count(Math.round(p.ratePerSecond))}/s${eta})`,
        objectName: event.objectName,
      };
    }
    case 'poll.done':
      return {
        level: 'info',
        message: `${event.objectName}: polled through ${apiName(event.api)}: ${count(event.upserted)} changed, ${count(event.deleted)} deleted${event.conflicts > 0 ? `, ${count(event.conflicts)} conflicts` : ''}`,
        objectName: event.objectName,
      };
    case 'conflict':
      return {
        level: 'warning',
        message: `${event.objectName} ${event.sfid}: row ${event.recordId} has changes not sent yet, so its ${event.keptColumns.join(', ')} kept the Postgres values over the org's`,
        objectName: event.objectName,
      };
    case 'write.batch': {
      const extra = [
        event.failed > 0 ? `${count(event.failed)} failed` : '',
        event.retrying > 0 ? `${count(event.retrying)} to retry` : '',
      ].filter((x) => x !== '');
      return {
        // A refused record needs the user (the trigger log says why); a retry does not yet.
        level: event.failed > 0 ? 'error' : event.retrying > 0 ? 'warning' : 'info',
        message: `${event.table}: ${event.operation} of ${count(event.records)} through ${event.api === 'bulk' ? 'Bulk 2.0' : 'collections'}: ${count(event.succeeded)} ok${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`,
      };
    }
    case 'log':
      return { level: event.level, message: event.message };
  }
}

/** The line a log keeps when a load begins (its progress ticks are not kept one by one). */
export function describeLoadStart(objectName: string, progress: LoadProgress): string {
  const resumed = progress.done > 0 ? `, resuming at ${count(progress.done)}` : '';
  return `${objectName}: initial load of ${count(progress.total)} records through ${apiName(progress.api)}${resumed}`;
}

function apiName(api: 'rest' | 'bulk'): string {
  return api === 'bulk' ? 'Bulk 2.0' : 'REST';
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
