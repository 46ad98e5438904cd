// PLACEHOLDER: being built (issue 8). Replaced by the real service.
import { ApiError } from '../../src-shared/api';
import type { SyncControlOptions } from './sync-control';
import type { MappingsService, SyncService } from './types';

const notYet = () => Promise.reject(new ApiError('NOT_AVAILABLE', 'Not built yet.'));

export function createMappingsService(
  _options: SyncControlOptions & { sync: SyncService & { mappingsApplied(): Promise<void> } },
): MappingsService {
  return { state: notYet, validate: notYet, apply: notYet, saveDraft: notYet };
}
