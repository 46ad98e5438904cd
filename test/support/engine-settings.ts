// The engine's settings for a reader or writer that tests and benchmarks build by hand (not
// through the engine): its defaults, with what a test or figure changes laid over them. No vitest
// here, so the benchmarks (plain Node scripts) can use it too.
import type { EngineSettings } from '../../src-main/sync/types';

const DAY_MS = 86_400_000;

/** Settings for the mappings laid out in `schemaName`: the engine's defaults, then `over`. */
export function engineSettings(
  schemaName: string,
  over: Partial<EngineSettings> = {},
): EngineSettings {
  return {
    schemaName,
    writeAlgorithm: 'merged',
    bulkReadThreshold: 10_000,
    bulkWriteThreshold: 2_000,
    bulkWritesDisabled: false,
    batchSize: 200,
    bulkPageSize: 50_000,
    pollOverlapMs: 60_000,
    maxRecordAttempts: 6,
    archiveAfterMs: DAY_MS,
    purgeAfterMs: 31 * DAY_MS,
    now: () => new Date(),
    ...over,
  };
}
