// Claiming trigger-log rows so that several engines on one database share the work and never
// send a row twice (see the writer brief): each engine holds a session advisory lock on its lease
// key for as long as it runs; a claim is one short transaction that marks NEW rows PENDING with
// the claimer's lease key in processed_tx. Rows PENDING under a key nobody holds belong to a dead
// engine and go back to NEW.

import type pg from 'pg';
import { qualifiedName } from '../../../src-shared/mapping';

export type LogAction = 'INSERT' | 'UPDATE' | 'DELETE';

/** One claimed `_trigger_log` row. */
export interface ClaimedRow {
  id: number;
  action: LogAction;
  table: string;
  recordId: number;
  sfid: string | null;
  /** hstore text: INSERT the whole row, UPDATE the changed columns. */
  values: string | null;
  /** hstore text of the deleted row, for DELETEs only (its unique identifier orders writes). */
  old?: string | null;
}

/**
 * The advisory lock that serialises claims, in the two-int key space (which never meets the
 * single-bigint space of lease keys): a fixed class and the schema's hash, so engines of
 * different schemas in one database do not wait for each other.
 */
const CLAIM_LOCK_CLASS = 0x4353_7763; // 'CSwc'

export function triggerLogTable(schemaName: string): string {
  return qualifiedName(schemaName, '_trigger_log');
}

/** A record (table + Postgres id) as one string key. */
export function recordKey(table: string, recordId: number): string {
  return `${table}\u0000${recordId}`;
}

/**
 * Claims up to `limit` NEW rows of `tables` in id order, skipping records that have a PENDING
 * row (another engine is sending an earlier change of theirs) and records held back here for a
 * retry backoff. One transaction; claims of all engines are serialised by an advisory lock so two
 * engines cannot split one record's changes between them.
 */
export async function claimRows(
  pool: pg.Pool,
  schemaName: string,
  options: {
    tables: string[];
    limit: number;
    leaseKey: string;
    heldBack: Array<{ table: string; recordId: number }>;
  },
): Promise<ClaimedRow[]> {
  if (options.tables.length === 0 || options.limit <= 0) return [];
  const log = triggerLogTable(schemaName);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [
      CLAIM_LOCK_CLASS,
      schemaName,
    ]);
    const result = await client.query<{
      id: number;
      action: LogAction;
      table_name: string;
      record_id: number;
      sfid: string | null;
      values: string | null;
      old: string | null;
    }>(
      `WITH busy AS (
         SELECT DISTINCT table_name, record_id FROM ${log} WHERE state = 'PENDING'
         UNION
         SELECT held.table_name, held.record_id
           FROM unnest($3::text[], $4::int[]) AS held(table_name, record_id)
       ), picked AS (
         SELECT l.id FROM ${log} AS l
          WHERE l.state = 'NEW' AND l.table_name = ANY($1::text[])
            AND NOT EXISTS (
              SELECT 1 FROM busy WHERE busy.table_name = l.table_name AND busy.record_id = l.record_id)
          ORDER BY l.id
          LIMIT $2
          FOR UPDATE OF l SKIP LOCKED
       )
       -- UNCONFIRMED: what Heroku Connect keeps in processed_tx; we store the claiming
       -- engine's lease key, which is how a dead engine's rows are told from a live one's.
       UPDATE ${log} AS l
          SET state = 'PENDING', processed_tx = $5::bigint, updated_at = now()
         FROM picked
        WHERE l.id = picked.id
       RETURNING l.id, l.action, l.table_name, l.record_id, l.sfid, l."values",
                 CASE WHEN l.action = 'DELETE' THEN l.old END AS old`,
      [
        options.tables,
        options.limit,
        options.heldBack.map((h) => h.table),
        options.heldBack.map((h) => h.recordId),
        options.leaseKey,
      ],
    );
    await client.query('COMMIT');
    return result.rows
      .map((row) => ({
        id: row.id,
        action: row.action,
        table: row.table_name,
        recordId: row.record_id,
        sfid: row.sfid,
        values: row.values,
        old: row.old,
      }))
      .sort((a, b) => a.id - b.id);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Before a drain: PENDING rows of engines that are gone go back to NEW. A lease key whose
 * session lock we can take belongs to a dead engine (its lock died with its connection). Our own
 * key's PENDING rows are leftovers of an earlier drain of ours that stopped half-way (a writer
 * runs one drain at a time); rows without a key were never ours to wait for.
 *
 * Re-sending what a dead engine may already have sent is safe: inserts with a unique identifier
 * are upserts, updates are idempotent, and deleting a deleted record counts as success.
 */
export async function recoverAbandonedRows(
  pool: pg.Pool,
  schemaName: string,
  leaseKey: string,
): Promise<number> {
  const log = triggerLogTable(schemaName);
  const keys = await pool.query<{ key: string | null }>(
    `SELECT DISTINCT processed_tx::text AS key FROM ${log} WHERE state = 'PENDING'`,
  );
  if (keys.rows.length === 0) return 0;
  const reset = (db: pg.Pool | pg.PoolClient, key: string | null) =>
    db.query(
      `UPDATE ${log} SET state = 'NEW', processed_tx = NULL, updated_at = now()
        WHERE state = 'PENDING' AND processed_tx ${key === null ? 'IS NULL' : '= $1::bigint'}`,
      key === null ? [] : [key],
    );
  let recovered = 0;
  const client = await pool.connect();
  try {
    for (const { key } of keys.rows) {
      if (key === null || key === leaseKey) {
        recovered += (await reset(client, key)).rowCount ?? 0;
        continue;
      }
      const lock = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS ok',
        [key],
      );
      if (!lock.rows[0]?.ok) continue; // its engine is alive and working on them
      try {
        recovered += (await reset(client, key)).rowCount ?? 0;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      }
    }
  } finally {
    client.release();
  }
  return recovered;
}

/** IGNORE rows (nothing to send, says the log trigger) of the writer's tables become IGNORED. */
export async function closeIgnoreRows(
  pool: pg.Pool,
  schemaName: string,
  tables: string[],
): Promise<number> {
  if (tables.length === 0) return 0;
  // UNCONFIRMED: the reference reads IGNORED as "probably the processed form of IGNORE"; we close
  // IGNORE rows that way when we see them.
  const result = await pool.query(
    `UPDATE ${triggerLogTable(schemaName)}
        SET state = 'IGNORED', processed_at = now(), updated_at = now()
      WHERE state = 'IGNORE' AND table_name = ANY($1::text[])`,
    [tables],
  );
  return result.rowCount ?? 0;
}

/** Rows this engine claimed but did not finish go back to NEW (a drain stopped early). */
export async function releaseRows(
  pool: pg.Pool,
  schemaName: string,
  leaseKey: string,
  ids: number[],
): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE ${triggerLogTable(schemaName)}
        SET state = 'NEW', processed_tx = NULL, updated_at = now()
      WHERE id = ANY($1::int[]) AND state = 'PENDING' AND processed_tx = $2::bigint`,
    [ids, leaseKey],
  );
}
