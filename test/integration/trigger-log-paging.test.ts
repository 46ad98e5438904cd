// The trigger-log inspector's paging over rows that share a millisecond: captures stamp
// microseconds (one INSERT of many rows gives them all one created_at), so a page's cursor must
// carry created_at exactly. Every row is seen once, in order, over the live log, the archive
// and both, with and without a state filter.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMappingDocument, introspectSchema } from '../../src-main/postgres';
import { pageTriggerLog, type TriggerLogSelection } from '../../src-main/sync';
import { createMapping, type MappingDocument } from '../../src-shared/mapping';
import { fixtureCatalog } from '../support/describes';
import { useEmbeddedPostgres } from '../support/embedded-postgres';

const postgres = useEmbeddedPostgres();
const SCHEMA = 'paging';
let pool: pg.Pool;

const document: MappingDocument = {
  version: 1,
  connection: { writeAlgorithm: 'merged', features: {} },
  mappings: [
    createMapping('Account', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Name', 'External_ID__c'],
      upsertField: 'External_ID__c',
    }),
  ],
};

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: postgres().url, max: 3 });
  const snapshot = await introspectSchema(pool, SCHEMA);
  await applyMappingDocument(pool, {
    schemaName: SCHEMA,
    document,
    catalog: fixtureCatalog(),
    snapshot,
    applied: undefined,
  });
  const live = `${SCHEMA}._trigger_log`;
  const archive = `${SCHEMA}._trigger_log_archive`;
  // 2,000 rows of one statement share one created_at, as captures of one transaction do (now()
  // with its microseconds; fixed here so it is never a whole millisecond).
  await pool.query(
    `INSERT INTO ${live} (created_at, state, action, table_name, record_id)
     SELECT date_trunc('milliseconds', now()) + interval '417 microseconds',
            CASE WHEN g % 10 = 0 THEN 'FAILED' ELSE 'SUCCESS' END, 'UPDATE', 'account', g
       FROM generate_series(1, 2000) AS g`,
  );
  // 1,200 rows inside one millisecond of the past, a few per microsecond, split between the
  // live log and the archive (ids the live log's sequence never hands out).
  const inOneMillisecond = `timestamptz '2025-06-01 12:00:00.123Z' + g % 997 * interval '1 microsecond'`;
  await pool.query(
    `INSERT INTO ${live} (id, created_at, state, action, table_name, record_id)
     SELECT 100000 + g, ${inOneMillisecond},
            CASE WHEN g % 7 = 0 THEN 'FAILED' ELSE 'SUCCESS' END, 'INSERT', 'account', g
       FROM generate_series(1, 1200) AS g WHERE g % 2 = 0`,
  );
  await pool.query(
    `INSERT INTO ${archive} (id, created_at, state, action, table_name, record_id)
     SELECT 100000 + g, ${inOneMillisecond},
            CASE WHEN g % 7 = 0 THEN 'FAILED' ELSE 'SUCCESS' END, 'INSERT', 'account', g
       FROM generate_series(1, 1200) AS g WHERE g % 2 = 1`,
  );
  await pool.query(`ANALYZE ${live}; ANALYZE ${archive}`);
});

afterAll(async () => {
  await pool?.end();
});

/** The ids a selection matches, newest first, straight from the tables. */
async function expectedIds(source: 'live' | 'archive' | 'both', failedOnly: boolean) {
  const tables = {
    live: [`${SCHEMA}._trigger_log`],
    archive: [`${SCHEMA}._trigger_log_archive`],
    both: [`${SCHEMA}._trigger_log`, `${SCHEMA}._trigger_log_archive`],
  }[source];
  const { rows } = await pool.query<{ id: number }>(
    `SELECT id FROM (${tables
      .map((t) => `SELECT id, created_at, state FROM ${t}`)
      .join(' UNION ALL ')}) AS r
      ${failedOnly ? `WHERE state = 'FAILED'` : ''}
      ORDER BY created_at DESC, id DESC`,
  );
  return rows.map((r) => r.id);
}

/** Every page of a selection, following beforeId, as one list of ids. */
async function pagedIds(selection: TriggerLogSelection, limit: number) {
  const seen: number[] = [];
  let beforeId: number | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await pageTriggerLog(pool, SCHEMA, selection, {
      limit,
      ...(beforeId !== undefined ? { beforeId } : {}),
    });
    seen.push(...page.rows.map((r) => r.id));
    if (!page.hasMore) return seen;
    beforeId = page.rows.at(-1)!.id;
  }
  throw new Error('more than 1,000 pages: the cursor does not move');
}

describe('trigger-log pages over rows inside one millisecond', () => {
  for (const source of ['live', 'archive', 'both'] as const) {
    it(`see every row once, in order: ${source}`, async () => {
      const expected = await expectedIds(source, false);
      expect(expected.length).toBe(source === 'live' ? 2600 : source === 'archive' ? 600 : 3200);
      expect(await pagedIds({ source }, 50)).toEqual(expected);
    });

    it(`see every FAILED row once, in order: ${source}`, async () => {
      const expected = await expectedIds(source, true);
      expect(expected.length).toBeGreaterThan(50);
      expect(await pagedIds({ source, states: ['FAILED'] }, 13)).toEqual(expected);
    });
  }
});
