// The reader's initial load (Bulk 2.0 path) of 1,000,000 Accounts of 10 fields from a local org
// (in memory) into embedded Postgres, beside, in the same run and the same database:
//  (a) the org's serving rate alone: the Bulk job and its result pages fetched and parsed by
//      our Salesforce client, no Postgres;
//  (b) a raw COPY of the same rows (already in memory as COPY text, the same pages) into an
//      identical table without triggers;
//  (c) the same raw COPY into an identical table with the two Heroku Connect triggers firing;
//  (d) the reader's load again with the org's pages replayed from memory: its own cost.
// (b), (c), (d) run BENCH_ROUNDS times (default 3) in turn on fresh tables; medians printed.
// Ratios: the load's Postgres side (load - org serving) and (d) against the raw COPY (goal: at
// most 1.5x), and the whole load against the org's serving time.
// Run from the repository root: node --import tsx bench/sync/initial-load.bench.ts
// (BENCH_ROWS scales it down for a quick look.)
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { startLocalOrg } from '../../src-main/local-org';
import { withEngineSession } from '../../src-main/postgres';
import type { MappingContext } from '../../src-main/sync/context';
import {
  createMappingReader,
  encodeBulkPage,
  loadSoql,
  readShapeOf,
} from '../../src-main/sync/reader';
import type { BulkQueryPage, SalesforceApi, SyncEvent } from '../../src-main/sync/types';
import { qualifiedName, quoteIdentifier, triggerNames } from '../../src-shared/mapping';
import { engineSettings } from '../../test/support/engine-settings';
import { ACCOUNT_FIELDS, fillAccounts } from '../support/accounts';
import { formatCount, formatSeconds, median, printRates, runBench } from '../support/figures';
import { layOutAccounts } from '../support/mapping';
import { countRows, startBenchPostgres, type BenchPostgres } from '../support/postgres';
import { loadSalesforceModules, signIn } from '../support/salesforce';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/** The engine's default Bulk results page. */
const PAGE_SIZE = 50_000;
const SCHEMA = 'salesforce';
/** Rounds of the Postgres-side figures (medians are printed). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * Salesforce replayed from memory: the pages the org served in (a), handed out again at once,
 * so a load through it costs only the reader's own work (encoding, COPY, bookkeeping).
 */
function replayOf(pages: readonly BulkQueryPage[], real: SalesforceApi): SalesforceApi {
  const total = pages.reduce((n, p) => n + p.rows.length, 0);
  const refuse = (): never => {
    throw new Error('the replay serves Bulk query pages only');
  };
  return {
    apiVersion: real.apiVersion,
    callsMade: 0,
    dailyUsage: undefined,
    organizationId: () => real.organizationId(),
    count: () => Promise.resolve(total),
    queryPages: refuse,
    bulkQuery: () => Promise.resolve({ jobId: 'replay', records: total }),
    bulkQueryPage: (_jobId, locator) => {
      const index = locator === null ? 0 : Number(locator);
      const page = pages[index]!;
      const nextLocator = index + 1 < pages.length ? String(index + 1) : null;
      return Promise.resolve({ ...page, nextLocator });
    },
    collection: refuse,
    ingest: refuse,
  };
}

async function main(): Promise<void> {
  const { salesforceApi } = await loadSalesforceModules();
  const org = await startLocalOrg({ data: ':memory:', seed: 'empty' });
  let db: BenchPostgres | undefined;
  try {
    const fillMs = fillAccounts(org.store, ROWS, ACCOUNT_FIELDS, 'Load', 'load');
    console.log(
      `Local org (in memory): ${formatCount(ROWS)} Accounts of ${ACCOUNT_FIELDS.length} fields ` +
        `inserted through the store in ${formatSeconds(fillMs)}.`,
    );
    db = await startBenchPostgres('initial-load');
    const { pool } = db;
    const conn = await signIn(org);
    const context = await layOutAccounts(pool, conn, SCHEMA, ACCOUNT_FIELDS);
    const api = salesforceApi.createSalesforceApi(conn);
    const shape = readShapeOf(context);

    // --- (a) The org's serving rate: the Bulk job, every page fetched and parsed.
    let started = performance.now();
    const job = await api.bulkQuery(loadSoql(shape, null));
    const served: BulkQueryPage[] = [];
    let locator: string | null = null;
    do {
      const page = await api.bulkQueryPage(job.jobId, locator, PAGE_SIZE);
      served.push(page);
      locator = page.nextLocator;
    } while (locator !== null);
    const servingMs = performance.now() - started;
    const servedRows = served.reduce((n, p) => n + p.rows.length, 0);
    if (servedRows !== ROWS) throw new Error(`the org served ${servedRows} of ${ROWS} rows`);
    // The COPY text of (b) and (c): the same cells the reader writes.
    started = performance.now();
    const pages = served.map((page) => encodeBulkPage(shape, page, 'table').text);
    const encodeMs = performance.now() - started;

    // --- The reader's initial load (Bulk path, engine defaults), from the org.
    const events: SyncEvent[] = [];
    const load = async (target: MappingContext, salesforce: SalesforceApi): Promise<number> => {
      const reader = createMappingReader({
        pool,
        salesforce,
        settings: engineSettings(target.schemaName, { bulkPageSize: PAGE_SIZE }),
        emit: (e) => events.push(e),
      });
      const loadStarted = performance.now();
      const { loaded } = await reader.ensureLoaded(target, new AbortController().signal);
      const ms = performance.now() - loadStarted;
      const inTable = await countRows(pool, target.qualifiedTable);
      if (loaded !== ROWS || inTable !== ROWS) {
        throw new Error(`a load brought ${loaded} records; the table has ${inTable}, not ${ROWS}`);
      }
      return ms;
    };
    const loadMs = await load(context, api);
    const apis = new Set(
      events.flatMap((e) => (e.type === 'load.progress' ? [e.progress.api] : [])),
    );

    // --- The Postgres-side figures, ROUNDS times in turn on fresh tables (medians printed):
    // (d) the same load with the org's pages replayed from memory, the reader's own cost;
    // (b) raw COPY of the same pages into an identical table without triggers;
    // (c) the same into an identical table with the two triggers (engine session).
    const columns = [...shape.columns.map((c) => c.column), '_hc_lastop']
      .map(quoteIdentifier)
      .join(', ');
    const rawCopy = (table: string) =>
      withEngineSession(pool, async (client) => {
        const copyStarted = performance.now();
        for (const text of pages) {
          // One transaction per page, as the load commits them.
          await pipeline(
            Readable.from([text]),
            client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)),
          );
        }
        return performance.now() - copyStarted;
      });
    const fn = (name: string) => qualifiedName(SCHEMA, name);
    const replayMs: number[] = [];
    const rawMs: number[] = [];
    const triggeredMs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const replayContext = await layOutAccounts(
        pool,
        conn,
        `${SCHEMA}_replay_${round}`,
        ACCOUNT_FIELDS,
      );
      const plain = qualifiedName(SCHEMA, `account_raw_copy_${round}`);
      const triggered = qualifiedName(SCHEMA, `account_raw_triggers_${round}`);
      await pool.query(`CREATE TABLE ${plain} (LIKE ${context.qualifiedTable} INCLUDING ALL)`);
      await pool.query(`CREATE TABLE ${triggered} (LIKE ${context.qualifiedTable} INCLUDING ALL)`);
      await pool.query(
        `CREATE TRIGGER ${quoteIdentifier('raw_status')} BEFORE INSERT OR UPDATE ON ${triggered}
           FOR EACH ROW EXECUTE FUNCTION ${fn(triggerNames.statusFunction('account'))}()`,
      );
      await pool.query(
        `CREATE TRIGGER ${quoteIdentifier('raw_log')} AFTER INSERT OR UPDATE OR DELETE ON ${triggered}
           FOR EACH ROW WHEN (public.get_xmlbinary() = 'base64')
           EXECUTE FUNCTION ${fn(triggerNames.logFunction('account'))}()`,
      );
      // A different order each round, so none always runs on a warmer (or busier) server.
      const figures: Array<() => Promise<void>> = [
        async () => void replayMs.push(await load(replayContext, replayOf(served, api))),
        async () => void rawMs.push(await rawCopy(plain)),
        async () => void triggeredMs.push(await rawCopy(triggered)),
      ];
      for (let k = 0; k < figures.length; k++) await figures[(k + round) % figures.length]!();
      for (const table of [plain, triggered]) {
        const n = await countRows(pool, table);
        if (n !== ROWS) throw new Error(`${table} has ${n} rows, not ${ROWS}`);
      }
      // Free the disk for the next round.
      await pool.query(`DROP TABLE ${plain}, ${triggered}`);
      await pool.query(`DROP SCHEMA ${quoteIdentifier(replayContext.schemaName)} CASCADE`);
    }
    const replay = median(replayMs);
    const raw = median(rawMs);
    const withTriggers = median(triggeredMs);

    const postgresSideMs = loadMs - servingMs;
    const rows: Array<[string, number]> = [
      [`(a) org serving alone: Bulk job + ${pages.length} pages fetched and parsed`, servingMs],
      [`reader initial load from the org (${[...apis].join(', ')})`, loadMs],
      [`(d) the same load, pages replayed from memory (reader alone), median of ${ROUNDS}`, replay],
      ['    encoding the pages as COPY text (once, outside the load)', encodeMs],
      [`(b) raw COPY, same pages, identical table, no triggers, median of ${ROUNDS}`, raw],
      [`(c) raw COPY, same pages, table with the two triggers, median of ${ROUNDS}`, withTriggers],
    ];
    console.log('');
    printRates(rows, ROWS);
    const spread = (values: number[]) => values.map((v) => formatSeconds(v)).join(', ');
    console.log(
      `rounds: (d) ${spread(replayMs)}; (b) ${spread(rawMs)}; (c) ${spread(triggeredMs)}`,
    );
    console.log('');
    console.log(
      `load's Postgres side, load - org serving = ${formatSeconds(postgresSideMs)}, vs raw COPY (b): ` +
        `${(postgresSideMs / raw).toFixed(2)}x (goal: at most 1.5x). The load fetches page n+1 ` +
        'while it writes page n, so this subtraction hides Postgres time behind the org; (d) does not:',
    );
    console.log(
      `the reader alone (d) vs raw COPY (b): ${(replay / raw).toFixed(2)}x ` +
        '(encoding, bookkeeping and a transaction per page included)',
    );
    console.log(`whole load vs org serving time (a): ${(loadMs / servingMs).toFixed(2)}x`);
    console.log(
      `the two triggers' cost on COPY, when they fire: (c) / (b) = ${(withTriggers / raw).toFixed(2)}x ` +
        '(the reader skips them when they are the only ones and the role may; see apply.ts)',
    );
  } finally {
    await db?.stop();
    await org.close();
  }
}

runBench(main);
