// The Postgres side of reads: COPY into a mapped table or into a staging table, and the apply
// of a staging table (match, keep unsent changes, update, insert, delete). Everything runs on an
// engine-session client (xmlbinary = hex), so the log triggers record none of it and the status
// trigger marks the rows SYNCED.

import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  qualifiedName,
  quoteIdentifier,
  quoteLiteral,
  triggerNames,
} from '../../../src-shared/mapping';
import type { MappingContext } from '../context';
import {
  copyColumns,
  STAGE_DELETED_COLUMN,
  STAGE_STAMP_COLUMN,
  type CopyLayout,
  type ReadShape,
} from './shape';

const q = quoteIdentifier;

/** The staging table of one transaction (dropped at its end). */
const STAGING = `pg_temp.${q('_cs_stage')}`;
const KEPT = `pg_temp.${q('_cs_kept')}`;

/** COPY text into a table; returns the rows Postgres took. */
export async function copyText(
  client: pg.PoolClient,
  qualifiedTable: string,
  columns: readonly string[],
  text: string,
): Promise<number> {
  if (text === '') return 0;
  const stream = client.query(
    copyFrom(`COPY ${qualifiedTable} (${columns.map(q).join(', ')}) FROM STDIN`),
  );
  await pipeline(Readable.from([text]), stream);
  return stream.rowCount;
}

/** Whether a load may still try to COPY without firing the table's own two triggers. */
export interface TriggerSkip {
  allowed: boolean;
}

/**
 * In the engine session the two Heroku Connect triggers of a mapped table do nothing but set
 * `_hc_lastop` = SYNCED and `_hc_err` = NULL (reference §1.5), which the load writes itself.
 * When they are the table's only triggers (no custom trigger, no foreign key), and the role may
 * set session_replication_role (a superuser, as with the embedded database), the page's
 * transaction skips them: the rows come out the same, and COPY runs at its raw speed. Heroku
 * Postgres roles may not, so there the triggers fire. UNCONFIRMED what Heroku Connect does;
 * we skip only when the outcome is identical. Custom triggers always fire, as they do for
 * Heroku Connect's own writes.
 */
async function skipOwnTriggers(
  client: pg.PoolClient,
  mapping: MappingContext,
  skip: TriggerSkip,
): Promise<void> {
  // Held until commit: no trigger can be added between the check and the COPY.
  await client.query(`LOCK TABLE ${mapping.qualifiedTable} IN ROW EXCLUSIVE MODE`);
  const ours = [triggerNames.statusTrigger(mapping.table), triggerNames.logTrigger(mapping.table)];
  const result = await client.query<{ only_ours: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM pg_trigger
                         WHERE tgrelid = $1::regclass AND tgname <> ALL($2::text[])) AS only_ours`,
    [mapping.qualifiedTable, ours],
  );
  if (!result.rows[0]?.only_ours) return;
  await client.query('SAVEPOINT cs_skip_triggers');
  try {
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query('RELEASE SAVEPOINT cs_skip_triggers');
  } catch {
    // Not allowed for this role: the triggers fire, and we stop asking.
    await client.query('ROLLBACK TO SAVEPOINT cs_skip_triggers');
    skip.allowed = false;
  }
}

/** COPY a page into the mapped table itself (inside the caller's transaction). */
export async function copyIntoTable(
  client: pg.PoolClient,
  mapping: MappingContext,
  shape: ReadShape,
  text: string,
  skip?: TriggerSkip,
): Promise<number> {
  if (text === '') return 0;
  if (skip?.allowed) await skipOwnTriggers(client, mapping, skip);
  return copyText(client, mapping.qualifiedTable, copyColumns(shape, 'table'), text);
}

/** Creates this transaction's staging table: the read columns typed as the mapped table's. */
export async function createStaging(
  client: pg.PoolClient,
  mapping: MappingContext,
  shape: ReadShape,
): Promise<void> {
  const read = shape.columns.map((c) => q(c.column)).join(', ');
  await client.query(
    `CREATE TEMP TABLE ${q('_cs_stage')} ON COMMIT DROP AS
       SELECT ${read}, NULL::timestamp AS ${q(STAGE_STAMP_COLUMN)},
              NULL::boolean AS ${q(STAGE_DELETED_COLUMN)}
         FROM ${mapping.qualifiedTable} WITH NO DATA`,
  );
}

export function copyIntoStaging(
  client: pg.PoolClient,
  shape: ReadShape,
  text: string,
): Promise<number> {
  return copyText(client, STAGING, copyColumns(shape, 'staging'), text);
}

/** The COPY target of a layout. */
export function copyPage(
  client: pg.PoolClient,
  mapping: MappingContext,
  shape: ReadShape,
  layout: CopyLayout,
  text: string,
): Promise<number> {
  return layout === 'table'
    ? copyIntoTable(client, mapping, shape, text)
    : copyIntoStaging(client, shape, text);
}

/** The schema of the hstore extension (the trigger log's values are hstore text). */
export async function hstoreSchemaOf(db: pg.Pool | pg.PoolClient): Promise<string> {
  const result = await db.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'hstore'`,
  );
  return result.rows[0]?.nspname ?? 'public';
}

export interface KeptConflict {
  recordId: number;
  sfid: string;
  keptColumns: string[];
}

export interface StagingOutcome {
  /** Rows updated from Salesforce (those matched by the unique identifier included). */
  updated: number;
  /** Rows without sfid that the unique identifier matched and that got their sfid. */
  matched: number;
  inserted: number;
  deleted: number;
  conflicts: KeptConflict[];
}

/**
 * Applies the staging table to the mapped table, in the caller's transaction:
 * 1. duplicates of one record (a record changed while the query paged) keep the newest;
 * 2. rows without sfid whose unique identifier matches (case-insensitively) a record get its
 *    sfid (reference §3.5: sfid first, then the unique identifier, else insert);
 * 3. the rows to update are locked, then their unsent changes looked up (see below);
 * 4. UPDATE by sfid, skipping rows whose SystemModstamp is already the record's (the overlap
 *    window brings those again);
 * 5. INSERT the records no row has, except those with an unsent DELETE (the row was deleted in
 *    Postgres and the delete is on its way: bringing it back would resurrect it);
 * 6. DELETE the rows of records deleted in Salesforce.
 *
 * Unsent changes. Heroku Connect's rule is "last writer wins" and polls simply overwrite
 * (reference §4.2, §8.5). UNCONFIRMED for Heroku Connect, OUR RULE: when a row has trigger-log
 * rows in state NEW or PENDING, the columns those changes touch (keys of their `values`) keep
 * the Postgres value, since that change reaches Salesforce with the next drain; every other
 * column takes Salesforce's value. Only columns the engine can send count (a change to a
 * read-only column never reaches Salesforce, so Salesforce's value wins there). A record whose
 * kept value differs from Salesforce's is reported as a conflict.
 */
export async function applyStaging(
  client: pg.PoolClient,
  mapping: MappingContext,
  shape: ReadShape,
  options: { hstoreSchema: string; dedupe: boolean },
): Promise<StagingOutcome> {
  const table = mapping.qualifiedTable;
  const triggerLog = qualifiedName(mapping.schemaName, '_trigger_log');
  const deleted = q(STAGE_DELETED_COLUMN);
  const stamp = q(STAGE_STAMP_COLUMN);
  const tableName = mapping.table;

  if (options.dedupe) {
    await client.query(
      `DELETE FROM ${STAGING} a USING ${STAGING} b
        WHERE a.sfid = b.sfid
          AND (COALESCE(b.${stamp}, '-infinity'), b.ctid) > (COALESCE(a.${stamp}, '-infinity'), a.ctid)`,
    );
  }

  let matched = 0;
  if (mapping.upsertColumn) {
    const key = q(mapping.upsertColumn);
    const result = await client.query(
      `UPDATE ${table} t SET sfid = s.sfid
         FROM ${STAGING} s
        WHERE t.sfid IS NULL AND NOT s.${deleted}
          AND s.${key} IS NOT NULL AND lower(t.${key}) = lower(s.${key})
          AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.sfid = s.sfid)`,
    );
    matched = result.rowCount ?? 0;
  }

  // Lock first, then read the log: an application transaction that changed one of these rows
  // has committed its log row by the time we hold the lock, and later ones wait for us.
  await client.query(
    `SELECT count(*) FROM (
       SELECT t.id FROM ${table} t JOIN ${STAGING} s ON s.sfid = t.sfid
        WHERE NOT s.${deleted} ORDER BY t.id FOR UPDATE OF t) locked`,
  );

  const sendable = shape.columns
    .map((c) => c.column)
    .filter((column) => mapping.writeColumns.has(column));
  const hstore = (fn: string) => `${q(options.hstoreSchema)}.${fn}`;
  await client.query(
    `CREATE TEMP TABLE ${q('_cs_kept')} (sfid text PRIMARY KEY, columns text[]) ON COMMIT DROP`,
  );
  if (sendable.length > 0) {
    await client.query(
      `INSERT INTO ${KEPT} (sfid, columns)
       SELECT t.sfid, array_agg(DISTINCT key.name)
         FROM ${triggerLog} l
         JOIN ${table} t ON t.id = l.record_id
         JOIN ${STAGING} s ON s.sfid = t.sfid AND NOT s.${deleted}
         CROSS JOIN LATERAL ${hstore('skeys')}(l."values"::${hstore('hstore')}) AS key(name)
        WHERE l.state IN ('NEW', 'PENDING') AND l.table_name = $1
          AND l.action IN ('INSERT', 'UPDATE') AND key.name = ANY($2::text[])
        GROUP BY t.sfid`,
      [tableName, sendable],
    );
  }

  const sendableSet = new Set(sendable);
  const assignments = shape.columns
    .filter((c) => c.column !== 'sfid')
    .map((c) => {
      const column = q(c.column);
      return sendableSet.has(c.column)
        ? `${column} = CASE WHEN ${quoteLiteral(c.column)} = ANY(k.columns) THEN t.${column} ELSE s.${column} END`
        : `${column} = s.${column}`;
    });
  const keptReport = sendable.map((column) => {
    const c = q(column);
    return `CASE WHEN ${quoteLiteral(column)} = ANY(k.columns) AND t.${c} IS DISTINCT FROM s.${c} THEN ${quoteLiteral(column)} END`;
  });
  const hasStampColumn = shape.columns.some((c) => c.column === 'systemmodstamp');
  const updated = await client.query<{ id: number; sfid: string; kept: string[] | null }>(
    `UPDATE ${table} t SET ${assignments.length > 0 ? assignments.join(', ') : 'sfid = t.sfid'}
       FROM ${STAGING} s LEFT JOIN ${KEPT} k ON k.sfid = s.sfid
      WHERE t.sfid = s.sfid AND NOT s.${deleted}
        ${hasStampColumn ? 'AND t.systemmodstamp IS DISTINCT FROM s.systemmodstamp' : ''}
      RETURNING t.id, t.sfid,
        ${keptReport.length > 0 ? `CASE WHEN k.sfid IS NULL THEN NULL ELSE array_remove(ARRAY[${keptReport.join(', ')}]::text[], NULL) END` : 'NULL::text[]'} AS kept`,
  );
  const conflicts: KeptConflict[] = [];
  for (const row of updated.rows) {
    if (row.kept && row.kept.length > 0) {
      conflicts.push({ recordId: row.id, sfid: row.sfid, keptColumns: row.kept });
    }
  }

  const read = shape.columns.map((c) => q(c.column));
  const inserted = await client.query(
    `INSERT INTO ${table} (${read.join(', ')}, _hc_lastop)
     SELECT ${read.map((c) => `s.${c}`).join(', ')}, 'SYNCED' FROM ${STAGING} s
      WHERE NOT s.${deleted}
        AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.sfid = s.sfid)
        AND NOT EXISTS (SELECT 1 FROM ${triggerLog} l
                         WHERE l.state IN ('NEW', 'PENDING') AND l.table_name = $1
                           AND l.action = 'DELETE' AND l.sfid = s.sfid)`,
    [tableName],
  );

  const removed = await client.query(
    `DELETE FROM ${table} t USING ${STAGING} s WHERE s.${deleted} AND t.sfid = s.sfid`,
  );

  return {
    updated: updated.rowCount ?? 0,
    matched,
    inserted: inserted.rowCount ?? 0,
    deleted: removed.rowCount ?? 0,
    conflicts,
  };
}
