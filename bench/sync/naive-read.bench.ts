// A naive copy of 100,000 Accounts (10 fields) from a local org into Postgres, the way a quick
// script would do it: jsforce query with autoFetch, then one INSERT per record, each awaited
// before the next; beside it, in the same run, the reader's initial load (engine defaults:
// Bulk 2.0 above 10,000 records, COPY per page) into an identical fresh table. Both write in
// the engine session, so neither is slowed by the trigger log. Prints both and the ratio.
// Run from the repository root: node --import tsx bench/sync/naive-read.bench.ts
// (BENCH_ROWS scales it down for a quick look.)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { startLocalOrg } from '../../src-main/local-org';
import {
  applySchemaPlan,
  introspectSchema,
  openPool,
  startEmbeddedPostgres,
  withEngineSession,
  type RunningPostgres,
} from '../../src-main/postgres';
import type * as SalesforceRoom from '../../src-main/salesforce';
import { buildMappingContext, type MappingContext } from '../../src-main/sync/context';
import { createMappingReader } from '../../src-main/sync/reader';
import type * as SalesforceApiModule from '../../src-main/sync/salesforce-api';
import type { EngineSettings } from '../../src-main/sync/types';
import {
  createMapping,
  formatConnectExport,
  planSchema,
  quoteIdentifier,
  type MappingDocument,
} from '../../src-shared/mapping';
import { createDescribeCatalog } from '../../src-shared/salesforce';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

/** Ten fields per Account, besides Id, IsDeleted and SystemModstamp. */
const FIELDS = [
  'Name',
  'Type',
  'Industry',
  'Phone',
  'Website',
  'AnnualRevenue',
  'NumberOfEmployees',
  'Description',
  'BillingCity',
  'External_ID__c',
] as const;
const SELECTED = ['Id', 'IsDeleted', 'SystemModstamp', ...FIELDS];

const INDUSTRIES = ['Energy', 'Banking', 'Retail', 'Technology', 'Healthcare', 'Media'];
const TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Other'];
const CITIES = ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto', 'Toronto'];

function account(i: number): Record<(typeof FIELDS)[number], unknown> {
  return {
    Name: `Naive Account ${i}`,
    Type: TYPES[i % TYPES.length],
    Industry: INDUSTRIES[i % INDUSTRIES.length],
    Phone: `+1 555 01${String(i % 10_000).padStart(4, '0')}`,
    Website: `https://www.account${i}.example.com`,
    AnnualRevenue: 10_000 + (i % 997) * 1_000,
    NumberOfEmployees: i % 5_000,
    Description: i % 3 === 0 ? null : `Account ${i}: a customer since ${2000 + (i % 25)}.`,
    BillingCity: CITIES[i % CITIES.length],
    External_ID__c: `naive-${String(i).padStart(12, '0')}`.padEnd(36, 'x'),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perSecond = (ms: number) => ROWS / (ms / 1000);

/** Loaded after the proxy variables are gone: both bring in jsforce, which reads them once. */
let salesforceRoom: typeof SalesforceRoom;
let salesforceApiModule: typeof SalesforceApiModule;

async function clearProxiesAndLoadJsforce(): Promise<typeof Jsforce> {
  // jsforce sends even local requests through a proxy named in the environment.
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
  return import('jsforce');
}

/** The Account mapping laid out by the real planner in `schemaName`; its engine context. */
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
        fields: SELECTED,
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

async function countRows(pool: pg.Pool, table: string): Promise<number> {
  const result = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0]!.n;
}

async function main(): Promise<void> {
  const jsforce = await clearProxiesAndLoadJsforce();
  const root = mkdtempSync(join(tmpdir(), 'connect-studio-bench-naive-read-'));
  // Started as root, the server runs as the user postgres, which must enter this folder.
  chmodSync(root, 0o755);
  process.once('exit', () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
  const org = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  let running: RunningPostgres | undefined;
  let pool: pg.Pool | undefined;
  try {
    const { store } = org;
    store.atomically(() => {
      for (let i = 0; i < ROWS; i++) store.insert('Account', account(i));
    });
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
    const conn = new jsforce.Connection({ loginUrl: org.loginUrl, version: org.apiVersion });
    await conn.login(org.username, org.password);
    const naiveTable = await layOut(pool, conn, 'naive');
    const readerTable = await layOut(pool, conn, 'salesforce');
    console.log(`Local org (in memory) with ${fmt(ROWS)} Accounts of ${FIELDS.length} fields.`);

    // --- The naive script.
    const columns = SELECTED.map((field) => (field === 'Id' ? 'sfid' : field.toLowerCase()));
    const insert =
      `INSERT INTO ${naiveTable.qualifiedTable} (${columns.map(quoteIdentifier).join(', ')}) ` +
      `VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
    let started = performance.now();
    const result = await conn.query<Record<string, unknown>>(
      `SELECT ${SELECTED.join(', ')} FROM Account`,
      { autoFetch: true, maxFetch: ROWS + 1 },
    );
    await withEngineSession(pool, async (client) => {
      for (const record of result.records) {
        await client.query(
          insert,
          SELECTED.map((field) => record[field] ?? null),
        );
      }
    });
    const naiveMs = performance.now() - started;

    // --- The reader's initial load.
    const settings: EngineSettings = {
      schemaName: readerTable.schemaName,
      writeAlgorithm: 'merged',
      bulkReadThreshold: 10_000,
      bulkWriteThreshold: 2_000,
      bulkWritesDisabled: false,
      batchSize: 200,
      bulkPageSize: 50_000,
      pollOverlapMs: 60_000,
      maxRecordAttempts: 6,
      archiveAfterMs: 86_400_000,
      purgeAfterMs: 31 * 86_400_000,
      now: () => new Date(),
    };
    let api: 'rest' | 'bulk' | undefined;
    const reader = createMappingReader({
      pool,
      salesforce: salesforceApiModule.createSalesforceApi(conn),
      settings,
      emit: (event) => {
        if (event.type === 'load.progress') api = event.progress.api;
      },
    });
    started = performance.now();
    await reader.ensureLoaded(readerTable, new AbortController().signal);
    const readerMs = performance.now() - started;

    for (const table of [naiveTable, readerTable]) {
      const n = await countRows(pool, table.qualifiedTable);
      if (n !== ROWS) throw new Error(`${table.qualifiedTable} has ${n} rows, not ${ROWS}`);
    }
    const same = await pool.query<{ differ: number }>(
      `SELECT count(*)::int AS differ FROM (
         (SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${naiveTable.qualifiedTable}
          EXCEPT SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${readerTable.qualifiedTable})
       ) d`,
    );
    if (same.rows[0]!.differ !== 0) {
      throw new Error(`${same.rows[0]!.differ} rows differ between the two tables`);
    }

    console.log('');
    const rows: Array<[string, number]> = [
      ['naive: jsforce query autoFetch + one awaited INSERT per record', naiveMs],
      [`reader initial load (${api ?? '?'}, COPY per page)`, readerMs],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    for (const [name, ms] of rows) {
      console.log(
        `${name.padEnd(width)}  ${secs(ms).padStart(9)}  ${fmt(perSecond(ms)).padStart(9)} records/s`,
      );
    }
    console.log(`\nnaive / reader: ${(naiveMs / readerMs).toFixed(1)}x (same rows in both tables)`);
  } finally {
    await pool?.end().catch(() => {});
    await running?.stop().catch(() => {});
    await org.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
