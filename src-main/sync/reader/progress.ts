// Load progress for the UI: records done of the total, the rate of this run and the time left,
// at most every 250 ms (and once at the end) so a fast load does not flood the event stream.

import type { LoadProgress, MappingStatus, SyncEventListener } from '../types';

export const PROGRESS_INTERVAL_MS = 250;

export class LoadProgressMeter {
  private readonly startedMs: number;
  private lastEmitMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emit: SyncEventListener,
    private readonly status: Omit<MappingStatus, 'load'>,
    private readonly api: 'rest' | 'bulk',
    /** Records an earlier run of this load had done already (not part of this run's rate). */
    private readonly doneAtStart: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedMs = clock();
  }

  progress(done: number, total: number, final = false): LoadProgress {
    const seconds = (this.clock() - this.startedMs) / 1000;
    const ratePerSecond = seconds > 0 ? (done - this.doneAtStart) / seconds : 0;
    const shownTotal = final ? done : Math.max(total, done);
    return {
      done,
      total: shownTotal,
      ratePerSecond: Math.round(ratePerSecond),
      etaSeconds: final
        ? 0
        : ratePerSecond > 0
          ? Math.ceil((shownTotal - done) / ratePerSecond)
          : null,
      api: this.api,
    };
  }

  /** Reports unless the last report is under 250 ms old; `final` always reports. */
  update(done: number, total: number, final = false): void {
    const now = this.clock();
    if (!final && now - this.lastEmitMs < PROGRESS_INTERVAL_MS) return;
    this.report(done, total, final, now);
  }

  /** Reports now (a load stopping before its end). */
  flush(done: number, total: number): void {
    this.report(done, total, false, this.clock());
  }

  private report(done: number, total: number, final: boolean, now: number): void {
    this.lastEmitMs = now;
    const progress = this.progress(done, total, final);
    this.emit({ type: 'load.progress', objectName: this.status.objectName, progress });
    this.emit({ type: 'mapping.status', status: { ...this.status, load: progress } });
  }
}
