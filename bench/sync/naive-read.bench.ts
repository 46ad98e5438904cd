// A naive copy of 100,000 Accounts (10 fields) from a local org into Postgres, the way a quick
// script would do it: jsforce query with autoFetch, then one INSERT per record, each awaited
// before the next; beside it, in the same run, the reader's initial load (engine defaults:
// Bulk 2.0 above 10,000 records, COPY per page) into an identical fresh table. Both write in
// the engine session, so neither is slowed by the trigger log. Prints both and the ratio.
// Run from the repository root: node --import tsx bench/sync/naive-read.bench.ts
// (BENCH_ROWS scales it down for a quick look.)
import { startLocalOrg } from '../../src-main/local-org';
import { withEngineSession } from '../../src-main/postgres';
import { createMappingReader } from '../../src-main/sync/reader';
import { quoteIdentifier } from '../../src-shared/mapping';
import { engineSettings } from '../../test/support/engine-settings';
import { ACCOUNT_FIELDS, fillAccounts } from '../support/accounts';
import { formatCount, printRates, runBench } from '../support/figures';
import { layOutAccounts } from '../support/mapping';
import { countRows, startBenchPostgres, type BenchPostgres } from '../support/postgres';
import { loadSalesforceModules, signIn } from '../support/salesforce';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

/** What both copies select: Id, IsDeleted and SystemModstamp besides the ten fields. */
const SELECTED = ['Id', 'IsDeleted', 'SystemModstamp', ...ACCOUNT_FIELDS];

async function main(): Promise<void> {
  const { salesforceApi } = await loadSalesforceModules();
  const org = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  let db: BenchPostgres | undefined;
  try {
    fillAccounts(org.store, ROWS, ACCOUNT_FIELDS, 'Naive', 'naive');
    db = await startBenchPostgres('naive-read');
    const { pool } = db;
    const conn = await signIn(org);
    const naiveTable = await layOutAccounts(pool, conn, 'naive', ACCOUNT_FIELDS);
    const readerTable = await layOutAccounts(pool, conn, 'salesforce', ACCOUNT_FIELDS);
    console.log(
      `Local org (in memory) with ${formatCount(ROWS)} Accounts of ${ACCOUNT_FIELDS.length} fields.`,
    );

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
    let api: 'rest' | 'bulk' | undefined;
    const reader = createMappingReader({
      pool,
      salesforce: salesforceApi.createSalesforceApi(conn),
      settings: engineSettings(readerTable.schemaName),
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
    printRates(rows, ROWS, 9);
    console.log(`\nnaive / reader: ${(naiveMs / readerMs).toFixed(1)}x (same rows in both tables)`);
  } finally {
    await db?.stop();
    await org.close();
  }
}

runBench(main);
