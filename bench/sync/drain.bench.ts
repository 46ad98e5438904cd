// The writer's drain of 100,000 Account inserts logged by the triggers, from a local org (in
// memory) and embedded Postgres started in a temp folder (removed afterwards):
//  (a) through composite collections (batches of 200): records/s and API calls per 10,000;
//  (b) through Bulk 2.0 ingest jobs (bulkWriteThreshold low): records/s and API calls per 10,000;
//  (c) the baseline beside them in the same run: the same number of records sent by a plain
//      loop of jsforce collection creates of 200, no Postgres bookkeeping at all (run before
//      and after the drains; the ratio uses the mean).
// Each drain runs on rows an application logged (one multi-row INSERT per 1,000 rows from an
// application session), and is checked afterwards: every trigger-log row SUCCESS, every row with
// its sfid, every record once in the org.
// Run from the repository root: node --import tsx bench/sync/drain.bench.ts
// (BENCH_ROWS scales it down for a quick look.)
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { startLocalOrg } from '../../src-main/local-org';
import type { MappingContext } from '../../src-main/sync/context';
import type { SyncEvent } from '../../src-main/sync/types';
import { createTriggerLogWriter } from '../../src-main/sync/writer';
import { qualifiedName } from '../../src-shared/mapping';
import { engineSettings } from '../../test/support/engine-settings';
import { benchAccount, WRITE_ACCOUNT_FIELDS } from '../support/accounts';
import { formatCount, formatSeconds, perSecond, runBench } from '../support/figures';
import { layOutAccounts } from '../support/mapping';
import { startBenchPostgres, type BenchPostgres } from '../support/postgres';
import { loadSalesforceModules, signIn } from '../support/salesforce';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const INSERT_ROWS = 1_000;
const BATCH = 200;

/** Eight written fields per Account. */
const FIELDS = WRITE_ACCOUNT_FIELDS;

const account = (i: number, prefix: string) => benchAccount(i, FIELDS, prefix);

/** The application's inserts: multi-row INSERTs of 1,000, logged by the triggers. */
async function logInserts(pool: pg.Pool, context: MappingContext, prefix: string): Promise<number> {
  const columns = FIELDS.map((f) => f.toLowerCase());
  const started = performance.now();
  for (let start = 0; start < ROWS; start += INSERT_ROWS) {
    const count = Math.min(INSERT_ROWS, ROWS - start);
    const params: Array<string | number> = [];
    const tuples: string[] = [];
    for (let i = start; i < start + count; i++) {
      const values = account(i, prefix);
      const base = params.length;
      tuples.push(`(${FIELDS.map((_, k) => `$${base + k + 1}`).join(', ')})`);
      for (const field of FIELDS) params.push(values[field]);
    }
    await pool.query(
      `INSERT INTO ${context.qualifiedTable} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
  return performance.now() - started;
}

async function drain(
  pool: pg.Pool,
  conn: Connection,
  context: MappingContext,
  bulk: boolean,
): Promise<{ ms: number; calls: number; jobs: number }> {
  const { salesforceApi } = await loadSalesforceModules();
  const api = salesforceApi.createSalesforceApi(conn);
  const events: SyncEvent[] = [];
  const leaseKey = bulk ? '9002' : '9001';
  const lease = await pool.connect();
  await lease.query('SELECT pg_advisory_lock($1::bigint)', [leaseKey]);
  try {
    const writer = createTriggerLogWriter(
      {
        pool,
        salesforce: api,
        settings: engineSettings(context.schemaName, {
          bulkWriteThreshold: bulk ? 1_000 : 2_000,
          bulkWritesDisabled: !bulk,
          batchSize: BATCH,
          pollOverlapMs: 0,
        }),
        emit: (e) => events.push(e),
      },
      { contexts: [context], leaseKey },
    );
    const started = performance.now();
    const result = await writer.drain(new AbortController().signal);
    const ms = performance.now() - started;
    if (result.claimed !== ROWS || result.succeeded !== ROWS) {
      throw new Error(
        `the drain claimed ${result.claimed} and sent ${result.succeeded} of ${ROWS}`,
      );
    }
    const batches = events.filter((e) => e.type === 'write.batch');
    const wrongApi = batches.filter((e) => e.api !== (bulk ? 'bulk' : 'collections'));
    if (wrongApi.length > 0) throw new Error(`${wrongApi.length} batches went another way`);
    return { ms, calls: api.callsMade, jobs: batches.length };
  } finally {
    await lease.query('SELECT pg_advisory_unlock($1::bigint)', [leaseKey]);
    lease.release();
  }
}

async function check(pool: pg.Pool, conn: Connection, context: MappingContext, prefix: string) {
  const log = await pool.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM ${qualifiedName(context.schemaName, '_trigger_log')}
      GROUP BY state`,
  );
  const success = log.rows.find((r) => r.state === 'SUCCESS')?.n ?? 0;
  if (log.rows.length !== 1 || success !== ROWS) {
    throw new Error(`trigger log after the drain: ${JSON.stringify(log.rows)}`);
  }
  const unsynced = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${context.qualifiedTable}
      WHERE sfid IS NULL OR _hc_lastop <> 'INSERTED'`,
  );
  if (unsynced.rows[0]!.n !== 0) throw new Error(`${unsynced.rows[0]!.n} rows lack their sfid`);
  const inOrg = await conn.query(
    `SELECT COUNT() FROM Account WHERE External_ID__c LIKE '${prefix}-%'`,
  );
  if (inOrg.totalSize !== ROWS) throw new Error(`the org has ${inOrg.totalSize} of ${ROWS}`);
}

/** (c) The same number of records through a plain loop of jsforce collection creates. */
async function baseline(conn: Connection, prefix: string): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < ROWS; start += BATCH) {
    const records = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) records.push(account(i, prefix));
    const results = await conn.sobject('Account').create(records, { allOrNone: false });
    const failed = results.filter((r) => !r.success).length;
    if (failed > 0) throw new Error(`${failed} baseline creates failed`);
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  await loadSalesforceModules();
  const org = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  let db: BenchPostgres | undefined;
  try {
    db = await startBenchPostgres('drain');
    const { pool } = db;
    const conn = await signIn(org);

    // The baseline runs before and after the drains, so load on the machine in between
    // weighs on both sides of the ratio alike.
    const baselineBeforeMs = await baseline(conn, 'before');

    const collections = await layOutAccounts(pool, conn, 'drain_collections', FIELDS);
    const collectionsLogMs = await logInserts(pool, collections, 'coll');
    const viaCollections = await drain(pool, conn, collections, false);
    await check(pool, conn, collections, 'coll');

    const bulk = await layOutAccounts(pool, conn, 'drain_bulk', FIELDS);
    const bulkLogMs = await logInserts(pool, bulk, 'bulk');
    const viaBulk = await drain(pool, conn, bulk, true);
    await check(pool, conn, bulk, 'bulk');

    const baselineAfterMs = await baseline(conn, 'after');
    const baselineMs = (baselineBeforeMs + baselineAfterMs) / 2;

    const per10k = (calls: number) => (calls * 10_000) / ROWS;
    console.log(
      `Drain of ${formatCount(ROWS)} Account inserts (${FIELDS.length} fields) logged by the triggers:`,
    );
    console.log(
      `  application INSERTs of ${formatCount(INSERT_ROWS)} rows, logged: ${formatSeconds(collectionsLogMs)} / ${formatSeconds(bulkLogMs)}`,
    );
    console.log(
      `  (a) collections:  ${formatSeconds(viaCollections.ms)}  ${formatCount(perSecond(ROWS, viaCollections.ms))} records/s  ` +
        `${per10k(viaCollections.calls).toFixed(1)} API calls per 10,000 (goal <= 50)`,
    );
    console.log(
      `  (b) Bulk 2.0:     ${formatSeconds(viaBulk.ms)}  ${formatCount(perSecond(ROWS, viaBulk.ms))} records/s  ` +
        `${per10k(viaBulk.calls).toFixed(1)} API calls per 10,000 (goal <= 5; ${viaBulk.jobs} jobs)`,
    );
    console.log(
      `  (c) baseline, jsforce collection creates of ${BATCH}, no Postgres: ${formatSeconds(baselineMs)}  ` +
        `${formatCount(perSecond(ROWS, baselineMs))} records/s (before ${formatSeconds(baselineBeforeMs)}, ` +
        `after ${formatSeconds(baselineAfterMs)})`,
    );
    console.log(
      `  ratio drain / baseline: collections ${(viaCollections.ms / baselineMs).toFixed(2)}x, ` +
        `Bulk ${(viaBulk.ms / baselineMs).toFixed(2)}x`,
    );
  } finally {
    await db?.stop();
    await org.close();
  }
}

runBench(main);
