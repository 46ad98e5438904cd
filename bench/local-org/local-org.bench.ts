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

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 50_000);
const BATCH = 200;
const RAW_RUNS = 5;

/** The columns every figure writes; the query figures read them plus the Id and SystemModstamp. */
const WRITE_FIELDS = [
  'Name',
  'Industry',
  'Type',
  'AnnualRevenue',
  'Phone',
  'Website',
  'BillingCity',
  'External_ID__c',
] as const;
const QUERY_FIELDS = ['Id', ...WRITE_FIELDS, 'SystemModstamp'] as const;

const INDUSTRIES = ['Energy', 'Banking', 'Retail', 'Technology', 'Healthcare', 'Media'];
const TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Other'];
const CITIES = ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto', 'Toronto'];

function account(i: number, prefix: string): Record<(typeof WRITE_FIELDS)[number], unknown> {
  return {
    Name: `${prefix} Account ${i}`,
    Industry: INDUSTRIES[i % INDUSTRIES.length],
    Type: TYPES[i % TYPES.length],
    AnnualRevenue: 10_000 + (i % 997) * 1_000,
    Phone: `+1 555 01${String(i % 10_000).padStart(4, '0')}`,
    Website: `https://www.account${i}.example.com`,
    BillingCity: CITIES[i % CITIES.length],
    // 36 characters, unique per row, as the demo's External_ID__c.
    External_ID__c: `${prefix}-${String(i).padStart(12, '0')}`.padEnd(36, 'x'),
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function rate(records: number, ms: number): number {
  return records / (ms / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Figure {
  name: string;
  records: number;
  serverMs: number;
  rawMs: number;
}

async function main(): Promise<void> {
  // jsforce sends even local requests through a proxy named in the environment, and reads the
  // variables when it loads: clear them first, then load it.
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
  const { Connection } = await import('jsforce');

  const org: LocalOrg = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  const figures: Figure[] = [];
  try {
    const { store } = org;
    console.log(`Local org at ${org.instanceUrl} (in memory, seed empty).`);

    // --- Fixture: the Accounts, through the store (validation and ids included), not HTTP.
    let started = performance.now();
    store.atomically(() => {
      for (let i = 0; i < ACCOUNTS; i++) store.insert('Account', account(i, 'Query'));
    });
    const fillMs = performance.now() - started;
    console.log(
      `Created ${ACCOUNTS.toLocaleString('en-US')} Accounts with store.insert in one transaction: ` +
        `${seconds(fillMs)} (${Math.round(rate(ACCOUNTS, fillMs)).toLocaleString('en-US')} records/s).`,
    );

    const conn = new Connection({ loginUrl: org.loginUrl, version: org.apiVersion });
    await conn.login(org.username, org.password);
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
    started = performance.now();
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
    const toWrite = Array.from({ length: WRITES }, (_, i) => account(i, 'Write'));
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
    seconds(f.serverMs),
    Math.round(rate(f.records, f.serverMs)).toLocaleString('en-US'),
    seconds(f.rawMs),
    Math.round(rate(f.records, f.rawMs)).toLocaleString('en-US'),
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
