// What the local org's HTTP layer costs, each figure beside a raw SQLite rate measured in the
// same run (the ratio is the server's overhead: SOQL compilation, JSON/CSV encoding, HTTP, and
// jsforce's own parsing — client and server share this one process, as in the app):
//  (1) REST query through jsforce with autoFetch over 100,000 Accounts (pages of 2,000) vs
//      better-sqlite3 reading the same columns of the same rows from data_Account;
//  (2) Bulk 2.0 query (jsforce bulk2.query, one CSV) over the same rows vs the same raw read;
//  (3) sObject Collections inserts: 50,000 Accounts in requests of 200 through jsforce vs
//      better-sqlite3 multi-row INSERTs of the same rows (200 per statement) into a plain
//      table, in one transaction.
// Run from the repository root: node --import tsx bench/local-org/local-org.bench.ts
// (BENCH_ACCOUNTS / BENCH_WRITES scale it down for a quick look.)
import Database from 'better-sqlite3';
import { startLocalOrg, type LocalOrg } from '../../src-main/local-org';
import { benchAccount, fillAccounts, WRITE_ACCOUNT_FIELDS } from '../support/accounts';
import { formatCount, formatSeconds, median, perSecond, runBench } from '../support/figures';
import { signIn } from '../support/salesforce';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 50_000);
const BATCH = 200;
const RAW_RUNS = 5;

/** The columns every figure writes; the query figures read them plus the Id and SystemModstamp. */
const WRITE_FIELDS = WRITE_ACCOUNT_FIELDS;
const QUERY_FIELDS = ['Id', ...WRITE_FIELDS, 'SystemModstamp'] as const;

interface Figure {
  name: string;
  records: number;
  serverMs: number;
  rawMs: number;
}

async function main(): Promise<void> {
  const org: LocalOrg = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  const figures: Figure[] = [];
  try {
    const { store } = org;
    console.log(`Local org at ${org.instanceUrl} (in memory, seed empty).`);

    // --- Fixture: the Accounts, through the store (validation and ids included), not HTTP.
    const fillMs = fillAccounts(store, ACCOUNTS, WRITE_FIELDS, 'Query');
    console.log(
      `Created ${ACCOUNTS.toLocaleString('en-US')} Accounts with store.insert in one transaction: ` +
        `${formatSeconds(fillMs)} (${formatCount(perSecond(ACCOUNTS, fillMs))} records/s).`,
    );

    // signIn loads jsforce once the proxy variables are gone: local requests go straight.
    const conn = await signIn(org);
    const soql = `SELECT ${QUERY_FIELDS.join(', ')} FROM Account`;

    // The raw rate: the same columns of the same rows, straight from the table.
    const rawSql = `SELECT ${QUERY_FIELDS.map((f) => `"${f}"`).join(', ')} FROM "data_Account"`;
    const rawStatement = store.db.prepare(rawSql);
    const rawRead = (): number => {
      const t = performance.now();
      const rows = rawStatement.all();
      const ms = performance.now() - t;
      if (rows.length !== ACCOUNTS)
        throw new Error(`raw read saw ${rows.length} rows, not ${ACCOUNTS}`);
      return ms;
    };
    rawRead(); // warm the page cache and the statement
    // One raw rate for both query figures: the same rows, read straight from the table.
    const rawReadMs = median(Array.from({ length: RAW_RUNS }, rawRead));

    // --- (1) REST query, autoFetch.
    await conn.query('SELECT Id FROM Account LIMIT 10'); // warm the route and the compiler
    let started = performance.now();
    const result = await conn.query(soql, { autoFetch: true, maxFetch: ACCOUNTS + 1 });
    const restMs = performance.now() - started;
    if (result.records.length !== ACCOUNTS || !result.done) {
      throw new Error(
        `autoFetch returned ${result.records.length} of ${ACCOUNTS} (done: ${result.done})`,
      );
    }
    figures.push({
      name: `REST query, autoFetch (${ACCOUNTS.toLocaleString('en-US')} Accounts)`,
      records: ACCOUNTS,
      serverMs: restMs,
      rawMs: rawReadMs,
    });

    // --- (2) Bulk 2.0 query.
    started = performance.now();
    const stream = await conn.bulk2.query(soql, { pollInterval: 200 });
    let bulkRecords = 0;
    for await (const record of stream) {
      if (record) bulkRecords++;
    }
    const bulkMs = performance.now() - started;
    if (bulkRecords !== ACCOUNTS)
      throw new Error(`bulk2.query returned ${bulkRecords} of ${ACCOUNTS}`);
    figures.push({
      name: `Bulk 2.0 query (${ACCOUNTS.toLocaleString('en-US')} Accounts)`,
      records: ACCOUNTS,
      serverMs: bulkMs,
      rawMs: rawReadMs,
    });

    // --- (3) Collections inserts, 200 per request.
    const toWrite = Array.from({ length: WRITES }, (_, i) =>
      benchAccount(i, WRITE_FIELDS, 'Write'),
    );
    await conn
      .sobject('Account')
      .create(toWrite.slice(0, 1).map((r) => ({ ...r, External_ID__c: 'warm-up' })));
    started = performance.now();
    const saved = await conn.sobject('Account').create(toWrite, { allowRecursive: true });
    const writeMs = performance.now() - started;
    const failed = saved.filter((r) => !r.success);
    if (saved.length !== WRITES || failed.length > 0) {
      throw new Error(
        `collections insert saved ${saved.length - failed.length} of ${WRITES}: ${JSON.stringify(failed[0])}`,
      );
    }
    figures.push({
      name: `Collections insert, ${BATCH} per request (${WRITES.toLocaleString('en-US')})`,
      records: WRITES,
      serverMs: writeMs,
      rawMs: median(Array.from({ length: RAW_RUNS }, () => rawInsert(toWrite))),
    });
  } finally {
    await org.close();
  }

  console.log('');
  const header = ['figure', 'local org', 'records/s', 'raw SQLite', 'records/s', 'ratio'];
  const rows = figures.map((f) => [
    f.name,
    formatSeconds(f.serverMs),
    formatCount(perSecond(f.records, f.serverMs)),
    formatSeconds(f.rawMs),
    formatCount(perSecond(f.records, f.rawMs)),
    `${(f.serverMs / f.rawMs).toFixed(1)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    '\nratio = local org time / raw SQLite time for the same rows: the cost of the server ' +
      '(SOQL, JSON/CSV, HTTP) and of jsforce parsing on top of reading or writing the table.',
  );
}

/** The raw write rate: multi-row INSERTs of the same rows into a plain table, one transaction. */
function rawInsert(rows: ReadonlyArray<Record<string, unknown>>): number {
  const db = new Database(':memory:');
  try {
    const columns = WRITE_FIELDS.map((f) => `"${f}"`).join(', ');
    db.exec(`CREATE TABLE plain_account ("Id" TEXT PRIMARY KEY, ${columns})`);
    const rowPlaceholders = `(${Array(WRITE_FIELDS.length + 1)
      .fill('?')
      .join(', ')})`;
    const statementFor = (n: number) =>
      db.prepare(
        `INSERT INTO plain_account ("Id", ${columns}) VALUES ${Array(n).fill(rowPlaceholders).join(', ')}`,
      );
    const full = statementFor(BATCH);
    const started = performance.now();
    db.transaction(() => {
      for (let offset = 0; offset < rows.length; offset += BATCH) {
        const chunk = rows.slice(offset, offset + BATCH);
        const values = chunk.flatMap((row, i) => [
          `raw${String(offset + i).padStart(15, '0')}`,
          ...WRITE_FIELDS.map((f) => row[f] as string | number),
        ]);
        (chunk.length === BATCH ? full : statementFor(chunk.length)).run(values);
      }
    })();
    return performance.now() - started;
  } finally {
    db.close();
  }
}

runBench(main);
