// PLACEHOLDER: being built (issue 8). Replaced by the real service.
import { ApiError } from '../../src-shared/api';
import type { SyncControlOptions } from './sync-control';
import type { SyncService, TriggerLogService } from './types';

const notYet = () => Promise.reject(new ApiError('NOT_AVAILABLE', 'Not built yet.'));

export function createTriggerLogService(
  _options: SyncControlOptions & { sync: SyncService },
): TriggerLogService & { close(): Promise<void> } {
  return {
    list: notYet,
    rows: notYet,
    summary: notYet,
    detail: notYet,
    retry: notYet,
    retryMatching: notYet,
    ignore: notYet,
    close: async () => {},
  };
}
