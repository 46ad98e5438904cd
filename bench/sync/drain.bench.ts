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
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { startLocalOrg, type LocalOrg } from '../../src-main/local-org';
import {
  applySchemaPlan,
  introspectSchema,
  openPool,
  startEmbeddedPostgres,
  type RunningPostgres,
} from '../../src-main/postgres';
import type * as SalesforceRoom from '../../src-main/salesforce';
import { buildMappingContext, type MappingContext } from '../../src-main/sync/context';
import type * as SalesforceApiModule from '../../src-main/sync/salesforce-api';
import type { EngineSettings, SyncEvent } from '../../src-main/sync/types';
import { createTriggerLogWriter } from '../../src-main/sync/writer';
import {
  createMapping,
  formatConnectExport,
  planSchema,
  qualifiedName,
  type MappingDocument,
} from '../../src-shared/mapping';
import { createDescribeCatalog } from '../../src-shared/salesforce';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const INSERT_ROWS = 1_000;
const BATCH = 200;

/** Eight written fields per Account. */
const FIELDS = [
  'Name',
  'Type',
  'Industry',
  'Phone',
  'Website',
  'AnnualRevenue',
  'BillingCity',
  'External_ID__c',
] as const;

const INDUSTRIES = ['Energy', 'Banking', 'Retail', 'Technology', 'Healthcare', 'Media'];
const TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Other'];
const CITIES = ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto', 'Toronto'];

function account(i: number, prefix: string): Record<(typeof FIELDS)[number], string | number> {
  return {
    Name: `${prefix} Account ${i}`,
    Type: TYPES[i % TYPES.length]!,
    Industry: INDUSTRIES[i % INDUSTRIES.length]!,
    Phone: `+1 555 01${String(i % 10_000).padStart(4, '0')}`,
    Website: `https://www.account${i}.example.com`,
    AnnualRevenue: 10_000 + (i % 997) * 1_000,
    BillingCity: CITIES[i % CITIES.length]!,
    External_ID__c: `${prefix}-${String(i).padStart(12, '0')}`.padEnd(36, 'x'),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perSecond = (rows: number, ms: number) => rows / (ms / 1000);

let salesforceRoom: typeof SalesforceRoom;
let salesforceApiModule: typeof SalesforceApiModule;

/** jsforce reads the proxy variables once, when loaded: clear them first (local traffic). */
async function clearProxiesAndLoadJsforce(): Promise<void> {
  for (const name of [
    'http_proxy',
    'https_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'all_proxy',
    'ALL_PROXY',
  ]) {
    delete process.env[name];
  }
  salesforceRoom = await import('../../src-main/salesforce');
  salesforceApiModule = await import('../../src-main/sync/salesforce-api');
}

async function signIn(org: LocalOrg): Promise<Connection> {
  const { Connection } = await import('jsforce');
  const conn = new Connection({ loginUrl: org.loginUrl, version: org.apiVersion });
  await conn.login(org.username, org.password);
  return conn;
}

async function layOut(
  pool: pg.Pool,
  conn: Connection,
  schemaName: string,
): Promise<MappingContext> {
  const describes = await salesforceRoom.fetchDescribes(conn, ['Account', 'Contact']);
  const catalog = createDescribeCatalog(describes, await salesforceRoom.fetchDescribeGlobal(conn));
  const document: MappingDocument = {
    version: 1,
    connection: { writeAlgorithm: 'merged', features: {} },
    mappings: [
      createMapping('Account', {
        access: 'read_write',
        fields: ['Id', 'IsDeleted', 'SystemModstamp', ...FIELDS],
        upsertField: 'External_ID__c',
      }),
    ],
  };
  const plan = planSchema({
    schemaName,
    mappings: document.mappings,
    catalog,
    current: await introspectSchema(pool, schemaName),
  });
  await applySchemaPlan(pool, plan, { schemaName, mappingsJson: formatConnectExport(document) });
  return buildMappingContext(document.mappings[0]!, catalog, schemaName);
}

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

function settingsFor(schemaName: string, bulk: boolean): EngineSettings {
  return {
    schemaName,
    writeAlgorithm: 'merged',
    bulkReadThreshold: 10_000,
    bulkWriteThreshold: bulk ? 1_000 : 2_000,
    bulkWritesDisabled: !bulk,
    batchSize: BATCH,
    bulkPageSize: 50_000,
    pollOverlapMs: 0,
    maxRecordAttempts: 6,
    archiveAfterMs: 86_400_000,
    purgeAfterMs: 31 * 86_400_000,
    now: () => new Date(),
  };
}

async function drain(
  pool: pg.Pool,
  conn: Connection,
  context: MappingContext,
  bulk: boolean,
): Promise<{ ms: number; calls: number; jobs: number }> {
  const api = salesforceApiModule.createSalesforceApi(conn);
  const events: SyncEvent[] = [];
  const leaseKey = bulk ? '9002' : '9001';
  const lease = await pool.connect();
  await lease.query('SELECT pg_advisory_lock($1::bigint)', [leaseKey]);
  try {
    const writer = createTriggerLogWriter(
      {
        pool,
        salesforce: api,
        settings: settingsFor(context.schemaName, bulk),
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
  await clearProxiesAndLoadJsforce();
  const root = mkdtempSync(join(tmpdir(), 'connect-studio-bench-drain-'));
  // Started as root, the server runs as the user postgres, which must enter this folder.
  chmodSync(root, 0o755);
  process.once('exit', () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
  const org = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  let running: RunningPostgres | undefined;
  let pool: pg.Pool | undefined;
  try {
    const log: string[] = [];
    running = await startEmbeddedPostgres({
      dataDir: join(root, 'data'),
      persistent: false,
      onLog: (line) => log.push(line),
    }).catch((error: unknown) => {
      throw new Error(
        `embedded Postgres did not start: ${String(error)}\n${log.join('').slice(-2000)}`,
      );
    });
    pool = await openPool(running.url, { max: 4 });
    const conn = await signIn(org);

    // The baseline runs before and after the drains, so load on the machine in between
    // weighs on both sides of the ratio alike.
    const baselineBeforeMs = await baseline(conn, 'before');

    const collections = await layOut(pool, conn, 'drain_collections');
    const collectionsLogMs = await logInserts(pool, collections, 'coll');
    const viaCollections = await drain(pool, conn, collections, false);
    await check(pool, conn, collections, 'coll');

    const bulk = await layOut(pool, conn, 'drain_bulk');
    const bulkLogMs = await logInserts(pool, bulk, 'bulk');
    const viaBulk = await drain(pool, conn, bulk, true);
    await check(pool, conn, bulk, 'bulk');

    const baselineAfterMs = await baseline(conn, 'after');
    const baselineMs = (baselineBeforeMs + baselineAfterMs) / 2;

    const per10k = (calls: number) => (calls * 10_000) / ROWS;
    console.log(
      `Drain of ${fmt(ROWS)} Account inserts (${FIELDS.length} fields) logged by the triggers:`,
    );
    console.log(
      `  application INSERTs of ${fmt(INSERT_ROWS)} rows, logged: ${secs(collectionsLogMs)} / ${secs(bulkLogMs)}`,
    );
    console.log(
      `  (a) collections:  ${secs(viaCollections.ms)}  ${fmt(perSecond(ROWS, viaCollections.ms))} records/s  ` +
        `${per10k(viaCollections.calls).toFixed(1)} API calls per 10,000 (goal <= 50)`,
    );
    console.log(
      `  (b) Bulk 2.0:     ${secs(viaBulk.ms)}  ${fmt(perSecond(ROWS, viaBulk.ms))} records/s  ` +
        `${per10k(viaBulk.calls).toFixed(1)} API calls per 10,000 (goal <= 5; ${viaBulk.jobs} jobs)`,
    );
    console.log(
      `  (c) baseline, jsforce collection creates of ${BATCH}, no Postgres: ${secs(baselineMs)}  ` +
        `${fmt(perSecond(ROWS, baselineMs))} records/s (before ${secs(baselineBeforeMs)}, ` +
        `after ${secs(baselineAfterMs)})`,
    );
    console.log(
      `  ratio drain / baseline: collections ${(viaCollections.ms / baselineMs).toFixed(2)}x, ` +
        `Bulk ${(viaBulk.ms / baselineMs).toFixed(2)}x`,
    );
  } finally {
    await pool?.end().catch(() => {});
    await running?.stop().catch(() => {});
    await org.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
