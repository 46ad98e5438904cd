// PLACEHOLDER: being built (issue 8). Replaced by the real service.
import { ApiError } from '../../src-shared/api';
import type { SyncControlOptions } from './sync-control';
import type { SyncService } from './types';

const notYet = () => Promise.reject(new ApiError('NOT_AVAILABLE', 'Not built yet.'));

export function createSyncService(_options: SyncControlOptions): SyncService & {
  /** The mappings service applied a document: a running engine takes it up. */
  mappingsApplied(): Promise<void>;
  close(): Promise<void>;
} {
  return {
    status: notYet,
    start: notYet,
    stop: notYet,
    pause: notYet,
    resume: notYet,
    reload: notYet,
    log: () => ({ entries: [] }),
    openDemo: notYet,
    running: () => null,
    mappingsApplied: async () => {},
    close: async () => {},
  };
}
