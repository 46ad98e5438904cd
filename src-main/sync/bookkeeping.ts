// The engine's own state, one row per mapping ('*' = the whole engine), kept in Postgres beside
// the tables it syncs so that every step (a load's pages, a poll's high-water mark, a pause) is
// restartable after a crash. Written in the same transaction as the rows it describes.

import type pg from 'pg';
import { qualifiedName } from '../../src-shared/mapping';
import type { MappingPhase } from './types';

/** The bookkeeping table's name inside the connection schema. */
export const BOOKKEEPING_TABLE = '_connect_studio_sync';

/** The row of the whole engine (pause of everything). */
export const ENGINE_BOOKKEEPING_KEY = '*';

/** Where an interrupted initial load stands; null once the load is done (or never started). */
export interface LoadBookkeeping {
  api: 'rest' | 'bulk';
  /** The Bulk 2.0 query job the load reads (bulk only). */
  jobId: string | null;
  /** The locator of the next Bulk results page; null for the job's first page. */
  locator: string | null;
  /** The greatest Id committed so far: a resumed REST load (or a lost Bulk job) goes on after it. */
  lastId: string | null;
  done: number;
  total: number;
  startedAt: Date;
}

export interface MappingBookkeeping {
  objectName: string;
  phase: MappingPhase;
  paused: boolean;
  /** The Salesforce modification time up to which changes are in Postgres. */
  highWaterMark: Date | null;
  lastPollAt: Date | null;
  /** Null until the table has been loaded completely once. */
  loadedAt: Date | null;
  load: LoadBookkeeping | null;
  error: string | null;
}

type Queryable = pg.Pool | pg.PoolClient;

function tableOf(schemaName: string): string {
  return qualifiedName(schemaName, BOOKKEEPING_TABLE);
}

/** Creates the table when it is missing. Safe to run from two engines at once. */
export async function ensureBookkeeping(pool: pg.Pool, schemaName: string): Promise<void> {
  const table = tableOf(schemaName);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${table} (
       object_name text PRIMARY KEY,
       phase text NOT NULL DEFAULT 'waiting',
       paused boolean NOT NULL DEFAULT false,
       high_water_mark timestamptz,
       last_poll_at timestamptz,
       loaded_at timestamptz,
       load_api text,
       load_job_id text,
       load_locator text,
       load_last_id text,
       load_done bigint,
       load_total bigint,
       load_started_at timestamptz,
       error text,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    // Object names are case-insensitive in Salesforce: one row per object whatever the spelling.
    `CREATE UNIQUE INDEX IF NOT EXISTS ${BOOKKEEPING_TABLE}_lower_name
       ON ${table} (lower(object_name))`,
  ];
  const client = await pool.connect();
  try {
    for (const sql of statements) {
      try {
        await client.query(sql);
      } catch (error) {
        // Two engines racing on IF NOT EXISTS: the loser sees a duplicate; the table is there.
        const code = (error as { code?: unknown }).code;
        if (code !== '23505' && code !== '42P07') throw error;
      }
    }
  } finally {
    client.release();
  }
}

interface BookkeepingRow {
  object_name: string;
  phase: string;
  paused: boolean;
  high_water_mark: Date | null;
  last_poll_at: Date | null;
  loaded_at: Date | null;
  load_api: string | null;
  load_job_id: string | null;
  load_locator: string | null;
  load_last_id: string | null;
  load_done: string | null;
  load_total: string | null;
  load_started_at: Date | null;
  error: string | null;
}

function fromRow(row: BookkeepingRow): MappingBookkeeping {
  const load: LoadBookkeeping | null =
    row.load_api === 'rest' || row.load_api === 'bulk'
      ? {
          api: row.load_api,
          jobId: row.load_job_id,
          locator: row.load_locator,
          lastId: row.load_last_id,
          done: Number(row.load_done ?? 0),
          total: Number(row.load_total ?? 0),
          startedAt: row.load_started_at ?? new Date(0),
        }
      : null;
  return {
    objectName: row.object_name,
    phase: row.phase as MappingPhase,
    paused: row.paused,
    highWaterMark: row.high_water_mark,
    lastPollAt: row.last_poll_at,
    loadedAt: row.loaded_at,
    load,
    error: row.error,
  };
}

/** Every row, keyed by the lower-cased object name ('*' for the engine). */
export async function readBookkeeping(
  db: Queryable,
  schemaName: string,
): Promise<Map<string, MappingBookkeeping>> {
  // timestamptz columns are absolute instants, so node-postgres' Date is exact here.
  const result = await db.query<BookkeepingRow>(`SELECT * FROM ${tableOf(schemaName)}`);
  return new Map(result.rows.map((row) => [row.object_name.toLowerCase(), fromRow(row)]));
}

/** One mapping's row, or undefined when the engine has never written it. */
export async function readMappingBookkeeping(
  db: Queryable,
  schemaName: string,
  objectName: string,
): Promise<MappingBookkeeping | undefined> {
  const result = await db.query<BookkeepingRow>(
    `SELECT * FROM ${tableOf(schemaName)} WHERE lower(object_name) = lower($1)`,
    [objectName],
  );
  const row = result.rows[0];
  return row ? fromRow(row) : undefined;
}

/**
 * Sets the fields `patch` names (and only those) on the mapping's row, creating it when
 * missing. `load: null` clears every load_* column.
 */
export async function updateBookkeeping(
  db: Queryable,
  schemaName: string,
  objectName: string,
  patch: Partial<MappingBookkeeping>,
): Promise<void> {
  const values: unknown[] = [objectName];
  const columns: string[] = [];
  const set = (column: string, value: unknown) => {
    values.push(value);
    columns.push(column);
  };
  if (patch.phase !== undefined) set('phase', patch.phase);
  if (patch.paused !== undefined) set('paused', patch.paused);
  if (patch.highWaterMark !== undefined) set('high_water_mark', patch.highWaterMark);
  if (patch.lastPollAt !== undefined) set('last_poll_at', patch.lastPollAt);
  if (patch.loadedAt !== undefined) set('loaded_at', patch.loadedAt);
  if (patch.error !== undefined) set('error', patch.error);
  if (patch.load !== undefined) {
    const load = patch.load;
    set('load_api', load?.api ?? null);
    set('load_job_id', load?.jobId ?? null);
    set('load_locator', load?.locator ?? null);
    set('load_last_id', load?.lastId ?? null);
    set('load_done', load ? load.done : null);
    set('load_total', load ? load.total : null);
    set('load_started_at', load?.startedAt ?? null);
  }
  const names = ['object_name', ...columns, 'updated_at'];
  const placeholders = [...values.map((_, i) => `$${i + 1}`), 'now()'];
  const updates = [...columns, 'updated_at'].map((c) => `${c} = EXCLUDED.${c}`);
  await db.query(
    `INSERT INTO ${tableOf(schemaName)} (${names.join(', ')})
     VALUES (${placeholders.join(', ')})
     ON CONFLICT ((lower(object_name))) DO UPDATE SET ${updates.join(', ')}`,
    values,
  );
}
