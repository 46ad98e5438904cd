// Writing what Salesforce answered back into Postgres: per batch, one transaction in the engine
// session (so the log triggers stay quiet) that sets the trigger-log rows' states and messages and
// the mapped rows' sfid, _hc_lastop and _hc_err.

import type pg from 'pg';
import { ENGINE_TRANSACTION_SQL } from '../../../src-shared/mapping';
import { triggerLogTable } from './claim';

export type LogState = 'SUCCESS' | 'FAILED' | 'MERGED' | 'IGNORED' | 'NEW';

export interface LogUpdate {
  id: number;
  state: LogState;
  /** `<statusCode>: <message>` for FAILED (and for NEW rows waiting for a retry); else null. */
  message: string | null;
}

export interface RowUpdate {
  recordId: number;
  /** Written only when given (inserts). */
  sfid: string | null;
  /**
   * INSERTED / UPDATED / FAILED, or null to leave the choice to the status trigger (SYNCED:
   * a change with nothing to send).
   */
  lastop: string | null;
  err: string | null;
  /**
   * For an insert's sfid: when the row is gone (deleted while the insert was on its way, its
   * DELETE logged IGNORE for want of an sfid), a DELETE of the new record is logged instead, so
   * the record does not outlive its row. `table` is the trigger log's table_name.
   */
  ifGone?: { table: string; old: string };
}

export interface ResultBatch {
  log: LogUpdate[];
  rows: Map<string /* qualified table */, RowUpdate[]>;
}

export function emptyResultBatch(): ResultBatch {
  return { log: [], rows: new Map() };
}

export function addRowUpdate(batch: ResultBatch, qualifiedTable: string, update: RowUpdate): void {
  const list = batch.rows.get(qualifiedTable);
  if (list) list.push(update);
  else batch.rows.set(qualifiedTable, [update]);
}

/** `_hc_err` as JSON (keys from the issue; UNCONFIRMED for Heroku Connect). */
export function hcErr(op: 'INSERT' | 'UPDATE' | 'DELETE', message: string): string {
  return JSON.stringify({ op, src: 'SFDC', msg: message });
}

export async function writeResults(
  pool: pg.Pool,
  schemaName: string,
  leaseKey: string,
  batch: ResultBatch,
): Promise<void> {
  if (batch.log.length === 0 && batch.rows.size === 0) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ENGINE_TRANSACTION_SQL);
    for (const [table, updates] of batch.rows) {
      const touched = await writeRowUpdates(client, table, updates);
      const gone = updates.filter((u) => u.ifGone && u.sfid && !touched.has(u.recordId));
      if (gone.length > 0) await logDeletes(client, schemaName, gone);
    }
    if (batch.log.length > 0) {
      // Only rows still PENDING under our key: rows taken from us (never, while our lease
      // lock lives) are not overwritten.
      await client.query(
        `UPDATE ${triggerLogTable(schemaName)} AS l
            SET state = v.state,
                sf_message = v.message,
                processed_at = CASE WHEN v.state = 'NEW' THEN NULL ELSE now() END,
                processed_tx = CASE WHEN v.state = 'NEW' THEN NULL ELSE l.processed_tx END,
                updated_at = now()
           FROM unnest($1::int[], $2::text[], $3::text[]) AS v(id, state, message)
          WHERE l.id = v.id AND l.state = 'PENDING' AND l.processed_tx = $4::bigint`,
        [
          batch.log.map((u) => u.id),
          batch.log.map((u) => u.state),
          batch.log.map((u) => u.message),
          leaseKey,
        ],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** DELETE rows for records whose Postgres row is gone (see RowUpdate.ifGone), state NEW. */
async function logDeletes(
  client: pg.PoolClient,
  schemaName: string,
  gone: RowUpdate[],
): Promise<void> {
  // UNCONFIRMED: what Heroku Connect does with a row deleted while its insert is in flight; we
  // log the DELETE the trigger could not (the row had no sfid yet), as the trigger would have.
  await client.query(
    `INSERT INTO ${triggerLogTable(schemaName)}
       (txid, created_at, state, action, table_name, record_id, sfid, old)
     SELECT txid_current(), clock_timestamp(), 'NEW', 'DELETE', v.table_name, v.record_id,
            v.sfid, v.old
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])
         AS v(table_name, record_id, sfid, old)`,
    [
      gone.map((u) => u.ifGone?.table ?? ''),
      gone.map((u) => u.recordId),
      gone.map((u) => u.sfid),
      gone.map((u) => u.ifGone?.old ?? null),
    ],
  );
}

/** Writes the row updates of one table; returns the ids of the rows that are still there. */
async function writeRowUpdates(
  client: pg.PoolClient,
  table: string,
  updates: RowUpdate[],
): Promise<Set<number>> {
  // One row may appear twice (ordered writes of one record in one batch are impossible, but a
  // second-update result follows its insert's): the last word wins.
  const byId = new Map<number, RowUpdate>();
  for (const update of updates) byId.set(update.recordId, update);
  const list = [...byId.values()];
  const ids = list.map((u) => u.recordId);
  const lastops = list.map((u) => u.lastop);
  // The status trigger keeps an engine-set _hc_lastop only when it differs from the old value;
  // where the old value already equals the one we set (a second UPDATED in a row, a FAILED
  // retried and failed again), step through SYNCED first so the final value and _hc_err stick.
  await client.query(
    `UPDATE ${table} AS t SET _hc_lastop = 'SYNCED'
       FROM unnest($1::int[], $2::text[]) AS v(id, lastop)
      WHERE t.id = v.id AND v.lastop IS NOT NULL AND t._hc_lastop = v.lastop`,
    [ids, lastops],
  );
  // An sfid another row already holds (the reader got there first) is not written twice: the
  // unique index would fail the whole batch.
  const written = await client.query<{ id: number }>(
    `UPDATE ${table} AS t
        SET sfid = CASE
              WHEN v.sfid IS NULL THEN t.sfid
              WHEN EXISTS (SELECT 1 FROM ${table} AS o WHERE o.sfid = v.sfid AND o.id <> t.id)
                THEN t.sfid
              ELSE v.sfid END,
            _hc_lastop = coalesce(v.lastop, t._hc_lastop),
            _hc_err = v.err
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS v(id, sfid, lastop, err)
      WHERE t.id = v.id
      RETURNING t.id`,
    [ids, list.map((u) => u.sfid), lastops, list.map((u) => u.err)],
  );
  return new Set(written.rows.map((r) => r.id));
}
