// The trigger-log inspector's reads: one page of the live log and its archive (newest first,
// filtered), rows by id, one row in full, and rows per state. Every query here needs only
// SELECT and creates nothing, so they work on a database Heroku Connect laid out and that we
// reach with a read-only role.
//
// Speed over a million rows comes from the query shape and the indexes the planner adds
// (src-shared/mapping plan.ts, which says what each is for): each branch of a page is one
// ordered index walk that stops after `limit + 1` rows, or a probe of the few rows a record or
// a quiet table has. A selection of several states becomes one branch per state, merged by the
// outer ORDER BY; the archive gets its own branches. The live log carries fewer of our indexes
// than the archive (every index there slows every captured change). Without our indexes (a
// Heroku Connect database) the same SQL is correct, only slower.

import type pg from 'pg';
import {
  LIVE_SFID_INDEXED,
  TRIGGER_LOG_STATES,
  qualifiedName,
  quoteLiteral,
  type WriteAlgorithm,
} from '../../../src-shared/mapping';
import { estimatedRowCounts } from '../../postgres';
import {
  Params,
  RETRY_COLUMNS,
  TriggerLogOperationError,
  checkedStates,
  logRowConditions,
  requeueRows,
  type TargetRow,
  type TriggerLogRowRecord,
  type TriggerLogSource,
} from './operations';

/** What the inspector filters by; every key is optional and they combine with AND. */
export interface TriggerLogSelection {
  /** Any of these states (none or empty: every state). */
  states?: readonly string[];
  /** The mapped table (`contact`). */
  table?: string;
  action?: string;
  /** Captured at or after `since`, before `until` (ISO times or Dates). */
  since?: string | Date;
  until?: string | Date;
  /** Case-insensitive text in the Salesforce message (sf_message) only. */
  text?: string;
  recordId?: number;
  /**
   * The Salesforce Id: rows that carry it, and the rows of the mapped record that has it now
   * (an INSERT's log row has no sfid; the record got it afterwards).
   */
  sfid?: string;
  /** Which tables to read (default both). */
  source?: 'live' | 'archive' | 'both';
}

/** A row as the inspector's grid shows it (no values: those come with the detail). */
export interface TriggerLogListRow {
  id: number;
  state: string;
  action: string;
  table: string;
  recordId: number;
  sfid: string | null;
  /** ISO times (UTC, millisecond precision). */
  createdAt: string | null;
  updatedAt: string | null;
  processedAt: string | null;
  message: string | null;
  source: TriggerLogSource;
}

/** One row in full. */
export interface TriggerLogFullRow extends TriggerLogListRow {
  txid: number | null;
  processedTx: number | null;
  sfResult: number | null;
  /** hstore text as stored. */
  values: string | null;
  old: string | null;
}

export interface TriggerLogPage {
  rows: TriggerLogListRow[];
  /** More rows match beyond this page. */
  hasMore: boolean;
}

/** The most rows one page reads. */
export const MAX_PAGE_ROWS = 10_000;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

/** The grid's columns, from a branch (or the page) whose `created_at` is still a timestamp. */
const LIST_COLUMNS = (from: string) =>
  `${from}.id, ${from}.state, ${from}.action, ${from}.table_name, ${from}.record_id,
   ${from}.sfid, ${iso(`${from}.created_at`)} AS created, ${iso(`${from}.updated_at`)} AS updated,
   ${iso(`${from}.processed_at`)} AS processed, ${from}.sf_message, ${from}.source`;

const BRANCH_COLUMNS = `id, state, action, table_name, record_id, sfid, created_at, updated_at,
  processed_at, sf_message`;

function toListRow(row: TriggerLogRowRecord): TriggerLogListRow {
  return {
    id: row.id,
    state: row.state,
    action: row.action,
    table: row.table_name,
    recordId: row.record_id,
    sfid: row.sfid,
    createdAt: row.created,
    updatedAt: row.updated,
    processedAt: row.processed,
    message: row.sf_message,
    source: row.source,
  };
}

function logTables(schemaName: string): Record<TriggerLogSource, string> {
  return {
    live: qualifiedName(schemaName, '_trigger_log'),
    archive: qualifiedName(schemaName, '_trigger_log_archive'),
  };
}

function sourcesOf(selection: TriggerLogSelection): TriggerLogSource[] {
  const source = selection.source ?? 'both';
  if (source === 'both') return ['live', 'archive'];
  if (source === 'live' || source === 'archive') return [source];
  throw new TriggerLogOperationError(
    `${JSON.stringify(source)} is not a trigger-log source; use live, archive or both.`,
  );
}

/** The selection's states, checked and upper-cased; undefined for every state. */
export function selectedStates(selection: TriggerLogSelection): string[] | undefined {
  if (!selection.states || selection.states.length === 0) return undefined;
  return checkedStates(selection.states);
}

/** A mapped record found by its sfid: its rows in the log belong to the filter too. */
interface RecordRef {
  table: string;
  recordId: number;
}

/**
 * The conditions of the selection but the state, as SQL over the log's columns, for a branch
 * on the live log or the archive (they differ in the sfid filter only).
 */
function sharedConditions(
  selection: TriggerLogSelection,
  params: Params,
  sfidRecords: readonly RecordRef[],
): (source: TriggerLogSource) => string[] {
  const where = logRowConditions(selection, params, 'message');
  if (selection.sfid === undefined) return () => where;
  // The rows of the records the sfid names (by (table_name, record_id)), and the rows that
  // carry it. On the live log only the rows its partial sfid index holds are looked up by the
  // sfid itself (a DELETE, a settled row that did not succeed: plan.ts LIVE_SFID_INDEXED); an
  // index of every row's sfid would slow every captured change. What that leaves out: a
  // successful (or still waiting) change of a record that no longer carries the sfid and was
  // not deleted through Postgres (deleted in Salesforce, say), until it is archived.
  const sfid = params.add(selection.sfid);
  const records = sfidRecords.map(
    (record) =>
      `(table_name = ${params.add(record.table)} AND record_id = ${params.add(record.recordId)})`,
  );
  const carried = {
    live: `(sfid = ${sfid} AND (${LIVE_SFID_INDEXED}))`,
    archive: `sfid = ${sfid}`,
  };
  return (source) => [...where, `(${[carried[source], ...records].join(' OR ')})`];
}

/**
 * The records `sfid` names: mapped records whose sfid column holds it (one unique-index probe
 * per table of the schema that has an sfid column, Heroku Connect's hcu_idx_<table>_sfid), and
 * records deleted through Postgres whose DELETE row carries it.
 */
export async function recordsWithSfid(
  pool: pg.Pool | pg.PoolClient,
  schemaName: string,
  sfid: string,
): Promise<RecordRef[]> {
  const tables = await pool.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'sfid' AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        AND c.relname NOT IN ('_trigger_log', '_trigger_log_archive', '_sf_event_log')
        AND has_table_privilege(c.oid, 'SELECT')
      ORDER BY c.relname`,
    [schemaName],
  );
  const lookups = tables.rows.map(
    ({ name }) =>
      `SELECT ${quoteLiteral(name)}::text AS table_name, id::int AS record_id
         FROM ${qualifiedName(schemaName, name)} WHERE sfid = $1`,
  );
  // Records deleted through Postgres: gone from their table, named by their DELETE row (the
  // live log's partial sfid index and the archive's sfid index hold those).
  const { live, archive } = logTables(schemaName);
  for (const log of [live, archive]) {
    lookups.push(
      `SELECT table_name::text, record_id FROM ${log} WHERE sfid = $1 AND action = 'DELETE'`,
    );
  }
  const found = await pool.query<{ table_name: string; record_id: number }>(
    `SELECT DISTINCT table_name, record_id FROM (${lookups.join('\nUNION ALL\n')}) AS found
      ORDER BY 1, 2`,
    [sfid],
  );
  return found.rows.map((r) => ({ table: r.table_name, recordId: r.record_id }));
}

/**
 * created_at (as exact UTC text, microseconds and all) and id of the row a page continues after,
 * wherever it is now. Captures stamp microseconds; a JS Date keeps milliseconds, and a cursor
 * cut to the millisecond would skip the older rows of its own millisecond.
 */
async function cursorOf(
  pool: pg.Pool,
  schemaName: string,
  id: number,
): Promise<{ createdAt: string; id: number } | null> {
  const { live, archive } = logTables(schemaName);
  const exact = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const found = await pool.query<{ created_at: string | null; id: number }>(
    `SELECT ${exact} AS created_at, id FROM ${live} WHERE id = $1
     UNION ALL SELECT ${exact} AS created_at, id FROM ${archive} WHERE id = $1
     LIMIT 1`,
    [id],
  );
  const row = found.rows[0];
  return row?.created_at ? { createdAt: row.created_at, id: row.id } : null;
}

/**
 * One page of the log, newest first (created_at, then id): `limit` rows older than the row
 * `beforeId` names (in either table), and whether more follow. A cursor row that has since been
 * purged from the archive ends the listing.
 */
export async function pageTriggerLog(
  pool: pg.Pool,
  schemaName: string,
  selection: TriggerLogSelection,
  options: { limit: number; beforeId?: number },
): Promise<TriggerLogPage> {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_ROWS) {
    throw new TriggerLogOperationError(
      `The page size ${limit} is out of range; ask for 1 to ${MAX_PAGE_ROWS.toLocaleString('en-US')} rows.`,
    );
  }
  const sources = sourcesOf(selection);
  const states = selectedStates(selection);
  const sfidRecords =
    selection.sfid !== undefined ? await recordsWithSfid(pool, schemaName, selection.sfid) : [];
  const params = new Params();
  const conditions = sharedConditions(selection, params, sfidRecords);
  let after: string | undefined;
  if (options.beforeId !== undefined) {
    const cursor = await cursorOf(pool, schemaName, options.beforeId);
    if (!cursor) return { rows: [], hasMore: false };
    after = `(created_at, id) < (${params.add(cursor.createdAt)}::timestamptz, ${params.add(cursor.id)}::int)`;
  }
  const take = limit + 1;
  const tables = logTables(schemaName);
  const text = selection.text !== undefined && selection.text.trim() !== '';
  const branches: string[] = [];
  for (const source of sources) {
    const shared = [...conditions(source), ...(after ? [after] : [])];
    for (const state of states ?? [null]) {
      const where = state === null ? shared : [`state = ${params.add(state)}`, ...shared];
      const table = tables[source];
      const filtered = `${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, id DESC LIMIT ${take}`;
      // A text filter reads the message index alone (it includes the message and every other
      // filter column), without visiting each row that has a message: the page's ids first,
      // then those rows.
      branches.push(
        text
          ? `SELECT ${BRANCH_COLUMNS}, '${source}'::text AS source FROM ${table}
              WHERE id IN (SELECT id FROM ${table} ${filtered})
              ORDER BY created_at DESC, id DESC LIMIT ${take}`
          : `SELECT ${BRANCH_COLUMNS}, '${source}'::text AS source FROM ${table} ${filtered}`,
      );
    }
  }
  const sql =
    branches.length === 1
      ? `SELECT ${LIST_COLUMNS('page')} FROM (${branches[0]}) AS page`
      : `SELECT ${LIST_COLUMNS('page')}
           FROM (${branches.map((b) => `(${b})`).join('\nUNION ALL\n')}) AS page
          ORDER BY page.created_at DESC, page.id DESC LIMIT ${take}`;
  const result = await pool.query<TriggerLogRowRecord>(sql, params.values);
  const rows = result.rows.map(toListRow);
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** The rows with these ids as they are now, from whichever table holds them; ids order. */
export async function triggerLogRowsById(
  pool: pg.Pool,
  schemaName: string,
  ids: readonly number[],
): Promise<TriggerLogListRow[]> {
  if (ids.length === 0) return [];
  const { live, archive } = logTables(schemaName);
  const result = await pool.query<TriggerLogRowRecord>(
    `SELECT ${LIST_COLUMNS('r')} FROM (
       SELECT ${BRANCH_COLUMNS}, 'live'::text AS source FROM ${live} WHERE id = ANY($1::int[])
       UNION ALL
       SELECT ${BRANCH_COLUMNS}, 'archive'::text AS source FROM ${archive} WHERE id = ANY($1::int[])
     ) AS r ORDER BY r.id, r.source DESC`,
    [ids],
  );
  // A row caught between the tables by an archive run in flight: the live one is current.
  const seen = new Set<number>();
  const rows: TriggerLogListRow[] = [];
  for (const record of result.rows) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    rows.push(toListRow(record));
  }
  return rows;
}

/** One row with its values and old values; null when neither table has it. */
export async function triggerLogRow(
  pool: pg.Pool,
  schemaName: string,
  id: number,
): Promise<TriggerLogFullRow | null> {
  const { live, archive } = logTables(schemaName);
  const columns = `${BRANCH_COLUMNS}, txid::text AS txid, processed_tx::text AS processed_tx,
    sf_result, "values", old`;
  const result = await pool.query<
    TriggerLogRowRecord & {
      txid: string | null;
      processed_tx: string | null;
      sf_result: number | null;
      values: string | null;
      old: string | null;
    }
  >(
    `SELECT ${LIST_COLUMNS('r')}, r.txid, r.processed_tx, r.sf_result, r."values", r.old FROM (
       SELECT ${columns}, 'live'::text AS source FROM ${live} WHERE id = $1
       UNION ALL
       SELECT ${columns}, 'archive'::text AS source FROM ${archive} WHERE id = $1
     ) AS r ORDER BY r.source DESC LIMIT 1`,
    [id],
  );
  const row = result.rows[0];
  if (!row) return null;
  const bigint = (text: string | null) => (text === null ? null : Number(text));
  return {
    ...toListRow(row),
    txid: bigint(row.txid),
    processedTx: bigint(row.processed_tx),
    sfResult: row.sf_result,
    values: row.values,
    old: row.old,
  };
}

/**
 * Logs below this many rows (by the planner's estimate) are counted exactly, state by state: a
 * GROUP BY over every row costs more than the plain count(*) of EXACT_COUNT_BELOW.
 */
const EXACT_STATE_COUNT_BELOW = 50_000;

/**
 * Rows per state in the live log and the archive. States other than SUCCESS are counted exactly
 * (they are few, and our partial index on them keeps the count an index scan). SUCCESS, nearly
 * every row of a big log, is the table's estimated size (src-main/postgres estimatedRowCounts)
 * less the exact others; a table below EXACT_STATE_COUNT_BELOW rows is counted exactly.
 */
export async function triggerLogStateCounts(
  pool: pg.Pool,
  schemaName: string,
): Promise<Record<TriggerLogSource, Record<string, number>>> {
  const tables = logTables(schemaName);
  const others = TRIGGER_LOG_STATES.filter((s) => s !== 'SUCCESS')
    .map(quoteLiteral)
    .join(', ');
  const counts = async (source: TriggerLogSource): Promise<Record<string, number>> => {
    const table = tables[source];
    const name = source === 'live' ? '_trigger_log' : '_trigger_log_archive';
    const total = (await estimatedRowCounts(pool, schemaName, [name])).get(name) ?? null;
    const result: Record<string, number> = {};
    if (total === null || total < EXACT_STATE_COUNT_BELOW) {
      const exact = await pool.query<{ state: string | null; count: string }>(
        `SELECT state, count(*)::text AS count FROM ${table} GROUP BY state`,
      );
      for (const row of exact.rows) result[row.state ?? 'NULL'] = Number(row.count);
      return result;
    }
    const exact = await pool.query<{ state: string; count: string }>(
      `SELECT state, count(*)::text AS count FROM ${table}
        WHERE state IN (${others}) GROUP BY state`,
    );
    let counted = 0;
    for (const row of exact.rows) {
      result[row.state] = Number(row.count);
      counted += Number(row.count);
    }
    result.SUCCESS = Math.max(0, total - counted);
    return result;
  };
  const [live, archive] = await Promise.all([counts('live'), counts('archive')]);
  return { live, archive };
}

/**
 * Sends every FAILED row the selection matches again, in one transaction (the selection's
 * states are ignored: only FAILED rows are retried). The rows are locked, then requeued the way
 * the write algorithm wants (see retryTriggerLogRows); archived ones are copied back.
 */
export async function retryMatchingTriggerLogRows(
  pool: pg.Pool,
  schemaName: string,
  selection: TriggerLogSelection,
  algorithm: WriteAlgorithm,
): Promise<{ requeued: number }> {
  const sources = sourcesOf(selection);
  const tables = logTables(schemaName);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const sfidRecords =
      selection.sfid !== undefined ? await recordsWithSfid(client, schemaName, selection.sfid) : [];
    const params = new Params();
    const conditions = sharedConditions(selection, params, sfidRecords);
    const rows: TargetRow[] = [];
    for (const source of sources) {
      const where = [`state = 'FAILED'`, ...conditions(source)];
      const found = await client.query<TargetRow>(
        `SELECT ${RETRY_COLUMNS}, '${source}'::text AS source FROM ${tables[source]}
          WHERE ${where.join(' AND ')} ORDER BY id FOR UPDATE`,
        params.values,
      );
      rows.push(...found.rows);
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
