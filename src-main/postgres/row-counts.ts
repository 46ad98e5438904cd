// Row counts for the workspaces that show them (the mapping editor's tables, the sync
// dashboard, the trigger log's states): exact where counting is cheap, the planner's estimate
// where it is not, and never a statement that runs on unbounded. count(*) reads the whole
// table; on a table of millions of rows, or one locked by someone's DDL, it would hold a
// connection for as long as that takes.
import type pg from 'pg';
import { qualifiedName } from '../../src-shared/mapping';

/** Tables the planner estimates at this many rows or more are not counted: the estimate stands. */
export const EXACT_COUNT_BELOW = 100_000;

export interface RowCount {
  rows: number;
  /** Counted with count(*) rather than the planner's estimate. */
  exact: boolean;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * The planner's row estimate of each existing table of `tables`: pg_class.reltuples scaled to
 * the table's size now, as the planner scales it (a table that grew since its last ANALYZE is
 * estimated at its size now). null for a table never analysed or vacuumed (or empty by its
 * pages); tables that do not exist are left out. `scaled: false` reads pg_class alone:
 * pg_relation_size waits for a lock someone's DDL holds on the table, pg_class does not.
 */
export async function estimatedRowCounts(
  db: Queryable,
  schemaName: string,
  tables: readonly string[],
  options: { scaled?: boolean } = {},
): Promise<Map<string, number | null>> {
  const found = new Map<string, number | null>();
  if (tables.length === 0) return found;
  const size =
    options.scaled === false
      ? 'c.reltuples'
      : `c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)`;
  const result = await db.query<{ name: string; rows: string | null }>(
    `SELECT c.relname AS name,
            CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN NULL
                 ELSE (${size})::bigint::text
            END AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')`,
    [schemaName, [...tables]],
  );
  for (const row of result.rows) found.set(row.name, row.rows === null ? null : Number(row.rows));
  return found;
}

export interface CountRowsOptions {
  /** Time the estimates and exact counts share; each statement runs under what is left. */
  budgetMs: number;
  /** Count exactly below this estimate (default EXACT_COUNT_BELOW). */
  exactBelow?: number;
}

/**
 * Rows of each table of `tables` that exists. Counted exactly when the estimate is below
 * `exactBelow` (or there is none) and the budget lasts, otherwise the estimate. A count that runs
 * out of time or is refused (privileges, a lock) falls back to the estimate; null when there is
 * none either. Throws only when no connection can be had or the connection fails.
 */
export async function countTableRows(
  pool: pg.Pool,
  schemaName: string,
  tables: readonly string[],
  options: CountRowsOptions,
): Promise<Map<string, RowCount | null>> {
  const answer = new Map<string, RowCount | null>();
  if (tables.length === 0) return answer;
  const exactBelow = options.exactBelow ?? EXACT_COUNT_BELOW;
  const deadline = performance.now() + options.budgetMs;
  const left = () => Math.floor(deadline - performance.now());
  const client = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    /** `work` under a statement_timeout of what is left; undefined when it failed. */
    const inTime = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      const ms = left();
      if (ms < 10) return undefined;
      await client.query('SAVEPOINT row_count');
      try {
        await client.query(`SET LOCAL statement_timeout = ${ms}`);
        const result = await work();
        await client.query('RELEASE SAVEPOINT row_count');
        return result;
      } catch {
        // Too slow, locked by someone's DDL, or not ours to read.
        await client.query('ROLLBACK TO SAVEPOINT row_count');
        return undefined;
      }
    };
    const names = [...new Set(tables)];
    const estimates =
      (await inTime(() => estimatedRowCounts(client, schemaName, names))) ??
      (await estimatedRowCounts(client, schemaName, names, { scaled: false }));
    for (const [table, estimate] of estimates) {
      const exact =
        estimate === null || estimate < exactBelow
          ? await inTime(async () => {
              const { rows } = await client.query<{ count: string }>(
                `SELECT count(*)::text AS count FROM ${qualifiedName(schemaName, table)}`,
              );
              return Number(rows[0]?.count ?? 0);
            })
          : undefined;
      answer.set(
        table,
        exact !== undefined
          ? { rows: exact, exact: true }
          : estimate === null
            ? null
            : { rows: estimate, exact: false },
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return answer;
}

/**
 * Runs read-only `work` on one connection with every statement under `timeoutMs`
 * (statement_timeout covers waiting for locks too), in one transaction.
 */
export async function withReadTimeout<T>(
  pool: pg.Pool,
  timeoutMs: number,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
