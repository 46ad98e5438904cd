// Operations on the trigger log for the CLI (`trigger-log list|retry|ignore`) and the inspector:
// read it (live, archive or both), retry FAILED rows the way the connection's write algorithm
// wants (reference §2.5), ignore rows, archive processed rows and purge old archive rows.

import type pg from 'pg';
import {
  TRIGGER_LOG_ACTIONS,
  TRIGGER_LOG_STATES,
  qualifiedName,
  quoteIdentifier,
  triggerLogChannel,
  type WriteAlgorithm,
} from '../../../src-shared/mapping';

export { TRIGGER_LOG_STATES };
import { parseHstore } from '../writer/hstore';

export class TriggerLogOperationError extends Error {
  override readonly name = 'TriggerLogOperationError';
}

export type TriggerLogSource = 'live' | 'archive';

export interface TriggerLogFilter {
  /** One state or several (`FAILED`, `NEW` …). */
  state?: string | string[];
  /** The mapped table, as _trigger_log.table_name holds it (`account`). */
  table?: string;
  action?: 'INSERT' | 'UPDATE' | 'DELETE';
  /** Captured at or after (ISO time or Date). */
  since?: string | Date;
  /** Captured before. */
  until?: string | Date;
  /** Case-insensitive text in sf_message, values or old. */
  text?: string;
  recordId?: number;
  sfid?: string;
  /** Which table to read; default 'live'. */
  archive?: 'live' | 'archive' | 'both';
  /** Rows per page (default 100, at most 10,000). */
  limit?: number;
  /** The next page: rows older than this row (newest first). */
  beforeId?: number;
}

export interface TriggerLogEntry {
  id: number;
  state: string;
  action: string;
  table_name: string;
  record_id: number;
  sfid: string | null;
  /** ISO times (UTC). */
  created_at: string | null;
  updated_at: string | null;
  processed_at: string | null;
  sf_message: string | null;
  values: Record<string, string | null> | null;
  old: Record<string, string | null> | null;
  source: TriggerLogSource;
}

/** A log row as the listing queries read it: times already ISO text, and which table it is in. */
export interface TriggerLogRowRecord {
  id: number;
  state: string;
  action: string;
  table_name: string;
  record_id: number;
  sfid: string | null;
  created: string | null;
  updated: string | null;
  processed: string | null;
  sf_message: string | null;
  source: TriggerLogSource;
}

/** Processed rows: what moves to the archive. */
const PROCESSED_STATES = [
  'SUCCESS',
  'FAILED',
  'MERGED',
  'IGNORED',
  'IGNORE',
  'READONLY',
  'REQUEUED',
];

const LOG_COLUMNS = [
  'id',
  'txid',
  'created_at',
  'updated_at',
  'processed_at',
  'processed_tx',
  'state',
  'action',
  'table_name',
  'record_id',
  'sfid',
  'old',
  'values',
  'sf_result',
  'sf_message',
]
  .map(quoteIdentifier)
  .join(', ');

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

function tables(schemaName: string) {
  return {
    live: qualifiedName(schemaName, '_trigger_log'),
    archive: qualifiedName(schemaName, '_trigger_log_archive'),
  };
}

function toTime(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TriggerLogOperationError(
      `${what} ${JSON.stringify(String(value))} is not a time; use an ISO time such as 2024-05-01T12:00:00Z.`,
    );
  }
  return date.toISOString();
}

/** Builds `$n` placeholders over one parameter list. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The states, checked against the trigger log's and upper-cased, each once. */
export function checkedStates(states: readonly string[]): string[] {
  const upper = [...new Set(states.map((s) => s.toUpperCase()))];
  for (const state of upper) {
    if (!(TRIGGER_LOG_STATES as readonly string[]).includes(state)) {
      throw new TriggerLogOperationError(
        `${JSON.stringify(state)} is not a trigger-log state; the states are ${TRIGGER_LOG_STATES.join(', ')}.`,
      );
    }
  }
  return upper;
}

/** The largest row id (Postgres integer): record_id and id are int4 columns. */
const MAX_RECORD_ID = 2_147_483_647;

/** The filter keys the CLI's list and the inspector's page share (state and sfid differ). */
export interface LogRowConditions {
  since?: string | Date;
  until?: string | Date;
  table?: string;
  action?: string;
  text?: string;
  recordId?: number;
}

/**
 * The shared conditions as SQL over the log's columns (live and archive have the same ones).
 * The time conditions come first: they are what most indexes can start from. `textIn` says
 * where `text` is looked for: the message only (the inspector, which has an index for it) or
 * the message and the row's values (the CLI's wider search, a scan).
 */
export function logRowConditions(
  filter: LogRowConditions,
  params: Params,
  textIn: 'message' | 'message-and-values',
): string[] {
  const where: string[] = [];
  if (filter.since !== undefined) {
    where.push(`created_at >= ${params.add(toTime(filter.since, 'The since time'))}::timestamptz`);
  }
  if (filter.until !== undefined) {
    where.push(`created_at < ${params.add(toTime(filter.until, 'The until time'))}::timestamptz`);
  }
  if (filter.table !== undefined) where.push(`table_name = ${params.add(filter.table)}`);
  if (filter.action !== undefined) {
    const action = filter.action.toUpperCase();
    if (!(TRIGGER_LOG_ACTIONS as readonly string[]).includes(action)) {
      throw new TriggerLogOperationError(
        `${JSON.stringify(filter.action)} is not a trigger-log action; use INSERT, UPDATE or DELETE.`,
      );
    }
    where.push(`action = ${params.add(action)}`);
  }
  const text = filter.text?.trim() ?? '';
  if (text !== '') {
    const pattern = params.add(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(
      textIn === 'message'
        ? // IS NOT NULL lets the planner use the partial index of rows with a message.
          `sf_message IS NOT NULL AND sf_message ILIKE ${pattern}`
        : `(sf_message ILIKE ${pattern} OR "values" ILIKE ${pattern} OR old ILIKE ${pattern})`,
    );
  }
  if (filter.recordId !== undefined) {
    const id = filter.recordId;
    if (!Number.isInteger(id) || id < 1 || id > MAX_RECORD_ID) {
      throw new TriggerLogOperationError(
        `The record id ${id} is not a row id (a whole number from 1 to ${MAX_RECORD_ID.toLocaleString('en-US')}); use the row's id in its table.`,
      );
    }
    where.push(`record_id = ${params.add(id)}`);
  }
  return where;
}

function asObject(text: string | null): Record<string, string | null> | null {
  if (text === null) return null;
  return Object.fromEntries(parseHstore(text));
}

/** Trigger-log rows matching `filter`, newest first. */
export async function listTriggerLog(
  pool: pg.Pool,
  schemaName: string,
  filter: TriggerLogFilter = {},
): Promise<TriggerLogEntry[]> {
  const { live, archive } = tables(schemaName);
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new TriggerLogOperationError(
      `The page size ${limit} is out of range; ask for 1 to 10,000 rows.`,
    );
  }
  const params = new Params();
  const param = (value: unknown) => params.add(value);
  const where: string[] = [];
  if (filter.state !== undefined) {
    const states = checkedStates(Array.isArray(filter.state) ? filter.state : [filter.state]);
    where.push(`state = ANY(${param(states)}::text[])`);
  }
  where.push(...logRowConditions(filter, params, 'message-and-values'));
  if (filter.sfid !== undefined) where.push(`sfid = ${param(filter.sfid)}`);
  if (filter.beforeId !== undefined) {
    // Keyset paging on (created_at, id): the row named by beforeId is in either table.
    const id = param(filter.beforeId);
    where.push(
      `(created_at, id) < (SELECT created_at, id FROM (
          SELECT created_at, id FROM ${live} WHERE id = ${id}
          UNION ALL SELECT created_at, id FROM ${archive} WHERE id = ${id}) AS cursor LIMIT 1)`,
    );
  }
  const condition = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const select = (table: string, source: TriggerLogSource) =>
    `SELECT id, state, action, table_name, record_id, sfid, created_at,
            to_char(created_at AT TIME ZONE 'UTC', ${ISO}) AS created,
            to_char(updated_at AT TIME ZONE 'UTC', ${ISO}) AS updated,
            to_char(processed_at AT TIME ZONE 'UTC', ${ISO}) AS processed,
            sf_message, "values", old, '${source}' AS source
       FROM ${table} ${condition}
      ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
  const which = filter.archive ?? 'live';
  const sql =
    which === 'live'
      ? select(live, 'live')
      : which === 'archive'
        ? select(archive, 'archive')
        : `SELECT * FROM ((${select(live, 'live')}) UNION ALL (${select(archive, 'archive')})) AS rows
            ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
  const result = await pool.query<
    TriggerLogRowRecord & { values: string | null; old: string | null }
  >(sql, params.values);
  return result.rows.map((row) => ({
    id: row.id,
    state: row.state,
    action: row.action,
    table_name: row.table_name,
    record_id: row.record_id,
    sfid: row.sfid,
    created_at: row.created,
    updated_at: row.updated,
    processed_at: row.processed,
    sf_message: row.sf_message,
    values: asObject(row.values),
    old: asObject(row.old),
    source: row.source,
  }));
}

export interface TargetRow {
  id: number;
  state: string;
  action: string;
  table_name: string;
  record_id: number;
  sfid: string | null;
  values: string | null;
  old: string | null;
  source: TriggerLogSource;
}

async function hstoreSchemaOf(client: pg.PoolClient): Promise<string> {
  const result = await client.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e
       JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hstore'`,
  );
  const schema = result.rows[0]?.schema;
  if (!schema) {
    throw new TriggerLogOperationError(
      'The database has no hstore extension, so this is not a Heroku Connect schema; apply the mappings first.',
    );
  }
  return schema;
}

/**
 * Sends FAILED rows again (IGNORED ones too with `includeIgnored`), by id, by table or all of
 * them. Merged writes: the row goes back to NEW (reference §2.5). Ordered writes: the change is
 * captured again from the row as it is now (hc_capture_insert_from_row /
 * hc_capture_update_from_row with the failed row's columns) and the old row becomes REQUEUED.
 * Archived rows are copied back as a new NEW row and become REQUEUED.
 */
export async function retryTriggerLogRows(
  pool: pg.Pool,
  schemaName: string,
  target: { ids?: number[]; table?: string; allFailed?: boolean; includeIgnored?: boolean },
  algorithm: WriteAlgorithm,
): Promise<{ requeued: number }> {
  const { live, archive } = tables(schemaName);
  const retryable = target.includeIgnored ? ['FAILED', 'IGNORED'] : ['FAILED'];
  if (!target.ids?.length && target.table === undefined && !target.allFailed) {
    throw new TriggerLogOperationError(
      'Say which rows to retry: row ids, a table (its FAILED rows), or all FAILED rows.',
    );
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rows: TargetRow[] = [];
    const columns = RETRY_COLUMNS;
    if (target.ids?.length) {
      const found = await client.query<TargetRow>(
        `SELECT ${columns}, 'live' AS source FROM ${live} WHERE id = ANY($1::int[]) FOR UPDATE`,
        [target.ids],
      );
      const archived = await client.query<TargetRow>(
        `SELECT ${columns}, 'archive' AS source FROM ${archive}
          WHERE id = ANY($1::int[]) AND NOT (id = ANY($2::int[])) FOR UPDATE`,
        [target.ids, found.rows.map((r) => r.id)],
      );
      const byId = new Map([...found.rows, ...archived.rows].map((r) => [r.id, r] as const));
      for (const id of new Set(target.ids)) {
        const row = byId.get(id);
        if (!row) {
          throw new TriggerLogOperationError(
            `Trigger-log row ${id} does not exist in ${schemaName}._trigger_log or its archive.`,
          );
        }
        if (!retryable.includes(row.state)) {
          throw new TriggerLogOperationError(
            `Trigger-log row ${id} (${row.action} of ${row.table_name} ${row.record_id}) is ${row.state}; ` +
              `only FAILED rows${target.includeIgnored ? ' and IGNORED rows' : ''} can be retried.`,
          );
        }
        rows.push(row);
      }
    }
    if (target.table !== undefined || target.allFailed) {
      const byTable = target.table !== undefined;
      const failed = await client.query<TargetRow>(
        `SELECT ${columns}, 'live' AS source FROM ${live}
          WHERE state = ANY($1::text[]) ${byTable ? 'AND table_name = $2' : ''}
          ORDER BY id FOR UPDATE`,
        byTable ? [retryable, target.table] : [retryable],
      );
      const seen = new Set(rows.map((r) => r.id));
      for (const row of failed.rows) if (!seen.has(row.id)) rows.push(row);
    }
    rows.sort((a, b) => a.id - b.id);
    const requeued = await requeueRows(client, schemaName, rows, algorithm);
    await client.query('COMMIT');
    return { requeued };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The row columns retries read (with FOR UPDATE). */
export const RETRY_COLUMNS = `id, state, action, table_name, record_id, sfid, "values", old`;

/**
 * Queues `rows` (locked by the caller's transaction) to be sent again and wakes the engine.
 * Merged writes flip live rows back to NEW in one statement; ordered writes, and archived rows
 * under either algorithm, are captured again as new NEW rows and the old rows become REQUEUED.
 */
export async function requeueRows(
  client: pg.PoolClient,
  schemaName: string,
  rows: readonly TargetRow[],
  algorithm: WriteAlgorithm,
): Promise<number> {
  if (rows.length === 0) return 0;
  const { live, archive } = tables(schemaName);
  const flip = rows.filter((r) => r.source === 'live' && algorithm === 'merged');
  const recaptured = rows.filter((r) => !(r.source === 'live' && algorithm === 'merged'));
  if (flip.length > 0) {
    await client.query(
      `UPDATE ${live} SET state = 'NEW', processed_at = NULL, processed_tx = NULL,
              sf_message = NULL, updated_at = now() WHERE id = ANY($1::int[])`,
      [flip.map((r) => r.id)],
    );
  }
  if (recaptured.length > 0) {
    const hstoreSchema = await hstoreSchemaOf(client);
    for (const row of recaptured) await recapture(client, schemaName, hstoreSchema, row);
    for (const source of ['live', 'archive'] as const) {
      const ids = recaptured.filter((r) => r.source === source).map((r) => r.id);
      if (ids.length === 0) continue;
      await client.query(
        `UPDATE ${source === 'live' ? live : archive}
            SET state = 'REQUEUED', updated_at = now() WHERE id = ANY($1::int[])`,
        [ids],
      );
    }
  }
  // A state flipped back to NEW inserts nothing, so no trigger wakes the engine: we do.
  await client.query(`SELECT pg_notify($1, 'ping')`, [triggerLogChannel(schemaName)]);
  return rows.length;
}

/**
 * Logs a failed change again as a NEW row: from the mapped row as it is now through Heroku
 * Connect's capture functions; a DELETE (whose row is gone), or a change whose row has been
 * deleted since, as a copy of the logged change.
 */
async function recapture(
  client: pg.PoolClient,
  schemaName: string,
  hstoreSchema: string,
  row: TargetRow,
): Promise<void> {
  const mapped = qualifiedName(schemaName, row.table_name);
  const hstore = `${quoteIdentifier(hstoreSchema)}.hstore`;
  if (row.action === 'INSERT' || row.action === 'UPDATE') {
    const exists = await client.query<{ found: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS found`,
      [mapped],
    );
    if (exists.rows[0]?.found) {
      const capture =
        row.action === 'INSERT'
          ? `${qualifiedName(schemaName, 'hc_capture_insert_from_row')}(${hstore}(t.*), $2::varchar)`
          : `${qualifiedName(schemaName, 'hc_capture_update_from_row')}(${hstore}(t.*), $2::varchar, $3::text[])`;
      const params: unknown[] = [row.record_id, row.table_name];
      if (row.action === 'UPDATE') params.push([...parseHstore(row.values).keys()]);
      const captured = await client.query(
        `SELECT ${capture} AS id FROM ${mapped} AS t WHERE t.id = $1`,
        params,
      );
      if (captured.rows.length > 0) return;
    }
  }
  await client.query(
    `INSERT INTO ${qualifiedName(schemaName, '_trigger_log')}
       (txid, created_at, updated_at, state, action, table_name, record_id, sfid, old, "values")
     VALUES (txid_current(), clock_timestamp(), now(), 'NEW', $1, $2, $3, $4, $5, $6)`,
    [row.action, row.table_name, row.record_id, row.sfid, row.old, row.values],
  );
}

/** FAILED and NEW rows become IGNORED (never sent); any other state is refused by name. */
export async function ignoreTriggerLogRows(
  pool: pg.Pool,
  schemaName: string,
  target: { ids: number[] },
): Promise<{ ignored: number }> {
  const { live } = tables(schemaName);
  if (target.ids.length === 0) {
    throw new TriggerLogOperationError('Say which trigger-log rows to ignore (their ids).');
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query<{
      id: number;
      state: string;
      action: string;
      table_name: string;
      record_id: number;
    }>(
      `SELECT id, state, action, table_name, record_id FROM ${live}
        WHERE id = ANY($1::int[]) FOR UPDATE`,
      [target.ids],
    );
    const byId = new Map(found.rows.map((r) => [r.id, r] as const));
    for (const id of target.ids) {
      const row = byId.get(id);
      if (!row) {
        throw new TriggerLogOperationError(
          `Trigger-log row ${id} is not in ${schemaName}._trigger_log (archived rows are already processed).`,
        );
      }
      if (row.state !== 'FAILED' && row.state !== 'NEW') {
        throw new TriggerLogOperationError(
          `Trigger-log row ${id} (${row.action} of ${row.table_name} ${row.record_id}) is ${row.state}; ` +
            'only FAILED and NEW rows can be ignored.',
        );
      }
    }
    const result = await client.query(
      `UPDATE ${live} SET state = 'IGNORED', processed_at = now(), updated_at = now()
        WHERE id = ANY($1::int[])`,
      [target.ids],
    );
    await client.query('COMMIT');
    return { ignored: result.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Processed rows last changed more than `olderThanMs` before `now` move to the archive (same
 * ids) in one statement; archive rows older than `purgeAfterMs` are deleted.
 */
export async function archiveTriggerLog(
  pool: pg.Pool,
  schemaName: string,
  options: { olderThanMs: number; purgeAfterMs: number; now: Date },
): Promise<{ archived: number; purged: number }> {
  const { live, archive } = tables(schemaName);
  const cutoff = new Date(options.now.getTime() - options.olderThanMs).toISOString();
  const purgeCutoff = new Date(options.now.getTime() - options.purgeAfterMs).toISOString();
  const updates = LOG_COLUMNS.split(', ')
    .filter((c) => c !== '"id"')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  // UNCONFIRMED: how Heroku Connect measures a row's age for archiving; we use its last change.
  const moved = await pool.query(
    `WITH moved AS (
       DELETE FROM ${live}
        WHERE state = ANY($1::text[])
          AND coalesce(processed_at, updated_at, created_at) < $2::timestamptz
       RETURNING ${LOG_COLUMNS}
     )
     INSERT INTO ${archive} (${LOG_COLUMNS})
     SELECT ${LOG_COLUMNS} FROM moved
     ON CONFLICT (id) DO UPDATE SET ${updates}`,
    [PROCESSED_STATES, cutoff],
  );
  const purged = await pool.query(
    `DELETE FROM ${archive} WHERE coalesce(processed_at, updated_at, created_at) < $1::timestamptz`,
    [purgeCutoff],
  );
  return { archived: moved.rowCount ?? 0, purged: purged.rowCount ?? 0 };
}

/** How many live trigger-log rows are in each state. */
export async function triggerLogCounts(
  pool: pg.Pool,
  schemaName: string,
): Promise<Record<string, number>> {
  const result = await pool.query<{ state: string | null; count: string }>(
    `SELECT state, count(*)::text AS count FROM ${tables(schemaName).live} GROUP BY state`,
  );
  const counts: Record<string, number> = {};
  for (const row of result.rows) counts[row.state ?? 'NULL'] = Number(row.count);
  return counts;
}
