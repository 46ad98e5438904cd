// What Heroku Connect's trigger layout costs, on a real embedded Postgres started in a temp
// folder (removed afterwards):
//  (a) 100,000 single-row INSERTs, then 100,000 single-row UPDATEs, into a mapped read-write
//      Contact table laid out by the real planner, side by side with the same statements into
//      an identical table without the triggers; prints both and the ratio.
//  (b) the trigger-log inspector's page query (50 FAILED rows of one table in a time window,
//      newest first) over a 1,000,000-row _trigger_log: median and p95, the EXPLAIN plan's cost
//      and index, against a 20 ms budget, with Heroku Connect's own indexes and with ours.
// Run from the repository root: node --import tsx bench/trigger-log/trigger-log.bench.ts
// (BENCH_ROWS / BENCH_LOG_ROWS scale it down for a quick look.)
import { resolve } from 'node:path';
import type pg from 'pg';
import { loadDescribeDir } from '../../src-main/salesforce';
import { createMapping, triggerNames, type MappingDocument } from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import { runBench } from '../support/figures';
import { applyLayout, documentOf, planLayout } from '../support/mapping';
import { startBenchPostgres, type BenchPostgres } from '../support/postgres';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const LOG_ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
/** Connections sending statements at once, as a small app server's pool would. */
const CLIENTS = 4;
/** Inserts and updates rotate between the tables in this many slices. */
const ROUNDS = 8;
const WARMUP_ROWS = 2_000;
const QUERY_WARMUP = 20;
const QUERY_RUNS = 200;
const PAGE_SIZE = 50;
const BUDGET_MS = 20;
const DAY_MS = 86_400_000;

const FIXTURE_ORG = resolve(__dirname, '..', '..', 'test', 'fixtures', 'describes', 'org');

/** The indexes Heroku Connect itself puts on _trigger_log (reference §1.4). */
const HEROKU_CONNECT_INDEXES = new Set([
  '_trigger_log_pkey',
  '_trigger_log_idx_created_at',
  '_trigger_log_idx_state_id',
  '_trigger_log_idx_state_table_name',
]);

/** Proposed when the planner adds nothing: the page query walks it backwards, 50 entries. */
const PROPOSED_INDEX = {
  name: '_trigger_log_idx_failed_table_created_at',
  columns: `(table_name, created_at) WHERE state = 'FAILED'`,
};
/** A non-partial alternative, for comparison: serves every state, is kept up on every insert. */
const ALTERNATIVE_INDEX = {
  name: '_trigger_log_idx_table_state_created_at',
  columns: `(table_name, state, created_at)`,
};

const CONTACT_FIELDS = [
  'Id',
  'IsDeleted',
  'SystemModstamp',
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'Title',
  'MailingCity',
  'MailingPostalCode',
  'LeadSource',
  'Birthdate',
  'DoNotCall',
  'AccountId',
  'External_ID__c',
];

/** Its writes never fail: the inspector opened on a healthy table finds nothing. */
const HEALTHY_TABLE_INDEX = 10;

/** Twenty mapped tables, most active first (the fill skews toward the front). */
const LOG_TABLES = [
  'contact',
  'account',
  'opportunity',
  'case',
  'lead',
  'task',
  'event',
  'campaignmember',
  'opportunitylineitem',
  'product2',
  'pricebookentry',
  'user',
  'campaign',
  'asset',
  'contract',
  'order',
  'orderitem',
  'invoice__c',
  'subscription__c',
  'payment__c',
];

function contactDocument(): MappingDocument {
  return documentOf(
    createMapping('Contact', {
      access: 'read_write',
      fields: CONTACT_FIELDS,
      upsertField: 'External_ID__c',
    }),
  );
}

async function applyContactLayout(
  pool: pg.Pool,
  schemaName: string,
  catalog: DescribeCatalog,
): Promise<number> {
  const document = contactDocument();
  const plan = await planLayout(pool, schemaName, document, catalog);
  if (plan.warnings.length > 0) {
    throw new Error(`unexpected plan warnings: ${plan.warnings.map((w) => w.message).join('; ')}`);
  }
  return applyLayout(pool, plan, document);
}

// --- (a) trigger overhead.

const INSERT_COLUMNS = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'title',
  'mailingcity',
  'mailingpostalcode',
  'leadsource',
  'birthdate',
  'donotcall',
  'external_id__c',
];

function insertSql(schema: string): string {
  const placeholders = INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  return `INSERT INTO "${schema}".contact (${INSERT_COLUMNS.join(', ')}) VALUES (${placeholders})`;
}

/** What a web form would insert: every text column filled, one empty string among them. */
function contactValues(i: number): unknown[] {
  return [
    `First${i % 977}`,
    `Last${i}`,
    `person${i}@example.com`,
    `+1 555 01${String(i % 10_000).padStart(4, '0')}`,
    i % 5 === 0 ? '' : 'Buyer',
    ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto'][i % 5],
    String(10_000 + (i % 89_999)),
    ['Web', 'Phone Inquiry', 'Partner Referral'][i % 3],
    `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    i % 7 === 0,
    `ext-${i}`,
  ];
}

/** Runs `count` statements over CLIENTS connections, each statement its own transaction. */
async function sendStatements(
  pool: pg.Pool,
  count: number,
  statement: (n: number) => { text: string; values: unknown[] },
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = await pool.connect();
      try {
        while (next < count) {
          const { text, values } = statement(next++);
          await client.query(text, values);
        }
      } finally {
        client.release();
      }
    }),
  );
  return performance.now() - started;
}

/** The tables written side by side, each in its own schema laid out by the planner. */
const VARIANTS = [
  { key: 'withTriggers', schema: 'salesforce', label: "Heroku Connect's triggers" },
  { key: 'withoutNotify', schema: 'nonotify', label: 'the triggers, no NOTIFY' },
  { key: 'without', schema: 'baseline', label: 'no triggers (baseline)' },
] as const;

type VariantKey = (typeof VARIANTS)[number]['key'];
type Timings = Record<VariantKey, number>;

/** Rotating slices, so drift (checkpoints, autovacuum, caches) hits every table alike. */
async function alternate(
  pool: pg.Pool,
  total: number,
  offset: number,
  statementFor: (schema: string, i: number) => { text: string; values: unknown[] },
): Promise<Timings> {
  const slice = Math.ceil(total / ROUNDS);
  const ms: Timings = { withTriggers: 0, withoutNotify: 0, without: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const from = offset + round * slice;
    const count = Math.min(slice, offset + total - from);
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const variant of order) {
      // Every slice starts just after a checkpoint, so none pays more full-page writes.
      await pool.query('CHECKPOINT');
      ms[variant.key] += await sendStatements(pool, count, (n) =>
        statementFor(variant.schema, from + n),
      );
    }
  }
  return ms;
}

function printTimings(label: string, rows: number, ms: Timings): void {
  const line = (key: VariantKey) => {
    const t = ms[key];
    const rate = Math.round((rows / t) * 1000).toLocaleString('en-US');
    const name = VARIANTS.find((v) => v.key === key)!.label;
    return `    ${name.padEnd(26)} ${(t / 1000).toFixed(2).padStart(7)} s  ${rate.padStart(7)} rows/s`;
  };
  console.log(
    `  ${label}
${VARIANTS.map((v) => line(v.key)).join('\n')}
` +
      `    ratio with ÷ without triggers: ${(ms.withTriggers / ms.without).toFixed(2)}x ` +
      `(without NOTIFY: ${(ms.withoutNotify / ms.without).toFixed(2)}x)`,
  );
}

async function triggerOverhead(pool: pg.Pool, catalog: DescribeCatalog): Promise<void> {
  console.log(
    `\n(a) Log-trigger overhead: ${ROWS.toLocaleString('en-US')} single-row INSERTs, then as many ` +
      `single-row UPDATEs (by id, two columns), into a read-write Contact table of ` +
      `${CONTACT_FIELDS.length} mapped fields. Each statement is its own autocommit transaction ` +
      `(parameterised, as an app sends it), over ${CLIENTS} connections at once; the tables take ` +
      `turns in ${ROUNDS} slices, each after a CHECKPOINT. "No NOTIFY" is the same layout without tlog_insert_trigger, to ` +
      'show what the per-row pg_notify costs.',
  );
  for (const variant of VARIANTS) await applyContactLayout(pool, variant.schema, catalog);
  const t = 'contact';
  await pool.query(`DROP TRIGGER ${triggerNames.logTrigger(t)} ON baseline.contact`);
  await pool.query(`DROP TRIGGER ${triggerNames.statusTrigger(t)} ON baseline.contact`);
  await pool.query('DROP TRIGGER tlog_insert_trigger ON nonotify._trigger_log');
  const triggers = await pool.query<{ schema: string; count: string }>(
    `SELECT n.nspname AS schema, count(t.oid)::text AS count
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
      WHERE c.relname IN ('contact', '_trigger_log') AND n.nspname = ANY ($1)
      GROUP BY n.nspname ORDER BY n.nspname`,
    [VARIANTS.map((v) => v.schema)],
  );
  console.log(
    `  triggers on contact and _trigger_log: ${triggers.rows.map((r) => `${r.schema} ${r.count}`).join(', ')}`,
  );

  const insert = (schema: string, i: number) => ({
    text: insertSql(schema),
    values: contactValues(i),
  });
  await alternate(pool, WARMUP_ROWS, 0, insert);
  const inserts = await alternate(pool, ROWS, WARMUP_ROWS, insert);
  printTimings('INSERT', ROWS, inserts);

  const update = (schema: string, i: number) => ({
    text: `UPDATE "${schema}".contact SET title = $1, phone = $2 WHERE id = $3`,
    values: [`Director ${i % 13}`, `+1 555 02${String(i % 10_000).padStart(4, '0')}`, i + 1],
  });
  const updates = await alternate(pool, ROWS, WARMUP_ROWS, update);
  printTimings('UPDATE', ROWS, updates);

  const logged = async (schema: string) => {
    const { rows } = await pool.query<{ action: string; state: string; count: string }>(
      `SELECT action, state, count(*)::text AS count FROM "${schema}"._trigger_log
        GROUP BY action, state ORDER BY action, state`,
    );
    return rows.map((r) => `${r.action}/${r.state} ${r.count}`).join(', ') || 'none';
  };
  for (const variant of VARIANTS) {
    console.log(`  trigger log of ${variant.schema}: ${await logged(variant.schema)}`);
  }
}

// --- (b) the inspector's page query.

async function fillTriggerLog(pool: pg.Pool, newest: Date): Promise<number> {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Bulk-loading history: no NOTIFY per row (Heroku Connect's engine would not see these).
    await client.query('ALTER TABLE tlog._trigger_log DISABLE TRIGGER tlog_insert_trigger');
    await client.query(
      `INSERT INTO tlog._trigger_log
         (txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name,
          record_id, sfid, old, "values", sf_result, sf_message)
       SELECT 5000 + g.i / 3,
              g.at,
              CASE WHEN g.state IN ('NEW') THEN g.at ELSE g.at + g.lag END,
              CASE WHEN g.state IN ('NEW', 'PENDING') THEN NULL ELSE g.at + g.lag END,
              CASE WHEN g.state IN ('NEW', 'PENDING') THEN NULL ELSE 900000 + g.i / 200 END,
              g.state,
              g.action,
              g.table_name,
              g.record_id,
              CASE WHEN g.action = 'INSERT' THEN NULL
                   ELSE '003' || lpad(to_hex(g.record_id), 12, '0') || 'AAA' END,
              CASE WHEN g.action = 'INSERT' THEN NULL ELSE g.row_text END,
              CASE g.action
                WHEN 'INSERT' THEN g.row_text
                WHEN 'UPDATE' THEN '"title"=>"Director ' || (g.i % 13) || '", "phone"=>"+1 555 02' || lpad((g.i % 10000)::text, 4, '0') || '"'
                ELSE NULL END,
              CASE WHEN g.state = 'FAILED' THEN 400 + (g.i % 3) ELSE NULL END,
              CASE WHEN g.state <> 'FAILED' THEN NULL
                   WHEN g.i % 3 = 0 THEN 'REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]'
                   WHEN g.i % 3 = 1 THEN 'DUPLICATE_VALUE: duplicate value found: External_ID__c duplicates value on record with id: 0035e000003AbCdAAK'
                   ELSE 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records: 0035e000003AbCdAAK' END
         FROM (
           SELECT s.i,
                  $1::timestamptz - interval '30 days' * (1 - s.i::float8 / $2)
                    + interval '1 second' * (random() * 5) AS at,
                  interval '1 second' * (5 + random() * 175) AS lag,
                  CASE WHEN s.rs < 0.88 THEN 'SUCCESS'
                       WHEN s.rs < 0.92 THEN
                         CASE WHEN 1 + floor(20 * s.rt * s.rt)::int = $4 THEN 'SUCCESS' ELSE 'FAILED' END
                       WHEN s.rs < 0.95 THEN 'NEW' WHEN s.rs < 0.96 THEN 'PENDING'
                       WHEN s.rs < 0.98 THEN 'IGNORE' ELSE 'MERGED' END AS state,
                  CASE WHEN s.ra < 0.4 THEN 'INSERT' WHEN s.ra < 0.9 THEN 'UPDATE' ELSE 'DELETE' END
                    AS action,
                  ($3::text[])[1 + floor(20 * s.rt * s.rt)::int] AS table_name,
                  1 + floor(random() * 200000)::int AS record_id,
                  '"id"=>"' || s.i || '", "sfid"=>NULL, "email"=>"person' || s.i
                    || '@example.com", "phone"=>"+1 555 01' || lpad((s.i % 10000)::text, 4, '0')
                    || '", "title"=>"Buyer", "lastname"=>"Last' || s.i
                    || '", "firstname"=>"First' || (s.i % 977)
                    || '", "isdeleted"=>"f", "mailingcity"=>"Lyon", "external_id__c"=>"ext-' || s.i
                    || '", "systemmodstamp"=>NULL' AS row_text
             FROM (SELECT i, random() AS rs, random() AS ra, random() AS rt
                     FROM generate_series(1, $2::int) AS i) s
         ) g`,
      [newest, LOG_ROWS, LOG_TABLES, HEALTHY_TABLE_INDEX + 1],
    );
    await client.query('ALTER TABLE tlog._trigger_log ENABLE TRIGGER tlog_insert_trigger');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  await pool.query('VACUUM ANALYZE tlog._trigger_log');
  return performance.now() - started;
}

const PAGE_QUERY = `SELECT id, created_at, action, record_id, sfid, sf_result, sf_message, "values"
  FROM tlog._trigger_log
 WHERE table_name = $1 AND state = 'FAILED' AND created_at >= $2 AND created_at < $3
 ORDER BY created_at DESC, id DESC
 LIMIT ${PAGE_SIZE}`;

interface Scenario {
  label: string;
  table: string;
  from: Date;
  to: Date;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Total Cost': number;
  'Startup Cost': number;
  'Actual Total Time'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface Measured {
  medianMs: number;
  p95Ms: number;
  rows: number;
  cost: string;
  executionMs: number;
  indexes: string[];
  nodes: string;
  buffers: string;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

async function measure(pool: pg.Pool, scenario: Scenario): Promise<Measured> {
  const values = [scenario.table, scenario.from, scenario.to];
  let rows = 0;
  for (let i = 0; i < QUERY_WARMUP; i++)
    rows = (await pool.query(PAGE_QUERY, values)).rowCount ?? 0;
  const times: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const started = performance.now();
    await pool.query(PAGE_QUERY, values);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const explained = await pool.query<{
    'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }>;
  }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${PAGE_QUERY}`, values);
  const top = explained.rows[0]!['QUERY PLAN'][0]!;
  const indexes = new Set<string>();
  const nodes: string[] = [];
  walk(top.Plan, (n) => {
    nodes.push(n['Node Type']);
    if (n['Index Name']) indexes.add(n['Index Name']);
  });
  return {
    medianMs: percentile(times, 50),
    p95Ms: percentile(times, 95),
    rows,
    cost: `${top.Plan['Startup Cost'].toFixed(2)}..${top.Plan['Total Cost'].toFixed(2)}`,
    executionMs: top['Execution Time'],
    indexes: [...indexes],
    nodes: nodes.join(' > '),
    buffers: `shared hit ${top.Plan['Shared Hit Blocks'] ?? 0}, read ${top.Plan['Shared Read Blocks'] ?? 0}`,
  };
}

interface IndexDefinition {
  name: string;
  definition: string;
}

async function triggerLogIndexes(pool: pg.Pool): Promise<IndexDefinition[]> {
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'tlog' AND tablename = '_trigger_log' ORDER BY indexname`,
  );
  return rows;
}

async function indexSize(pool: pg.Pool, name: string): Promise<string> {
  const { rows } = await pool.query<{ size: string }>(
    `SELECT pg_size_pretty(pg_relation_size(format('tlog.%I', $1::text)::regclass)) AS size`,
    [name],
  );
  return rows[0]!.size;
}

function verdict(m: Measured): string {
  return m.p95Ms < BUDGET_MS ? 'PASS' : 'FAIL';
}

function printMeasured(config: string, m: Measured): void {
  console.log(
    `    ${config.padEnd(34)} median ${m.medianMs.toFixed(2)} ms, p95 ${m.p95Ms.toFixed(2)} ms ` +
      `(${m.rows} rows) ${verdict(m)} < ${BUDGET_MS} ms\n` +
      `      plan cost ${m.cost}, server ${m.executionMs.toFixed(2)} ms, ${m.buffers}; ` +
      `index ${m.indexes.length ? m.indexes.join(', ') : '(none: sequential scan)'}\n` +
      `      nodes: ${m.nodes}`,
  );
}

async function inspectorQuery(pool: pg.Pool, catalog: DescribeCatalog): Promise<boolean> {
  console.log(
    `\n(b) Inspector page query on a ${LOG_ROWS.toLocaleString('en-US')}-row _trigger_log: ` +
      `${PAGE_SIZE} FAILED rows of one table in a time window, newest first; ` +
      `median and p95 of ${QUERY_RUNS} runs after ${QUERY_WARMUP} warm-up runs (one connection, ` +
      `parameterised query planned per call), budget ${BUDGET_MS} ms at p95.`,
  );
  await applyContactLayout(pool, 'tlog', catalog);
  const planned = await triggerLogIndexes(pool);
  const ours = planned.filter((i) => !HEROKU_CONNECT_INDEXES.has(i.name));
  console.log(
    `  planner's _trigger_log indexes: ${planned.map((i) => i.name).join(', ')}\n` +
      `  ours (not Heroku Connect's): ${ours.map((i) => i.definition.replace(/^CREATE /, '')).join('; ') || 'none'}`,
  );

  const newest = new Date(Date.UTC(2025, 5, 30, 12));
  const fillMs = await fillTriggerLog(pool, newest);
  const stats = await pool.query<{ state: string; count: string }>(
    `SELECT state, count(*)::text AS count FROM tlog._trigger_log GROUP BY state ORDER BY count(*) DESC`,
  );
  const size = await pool.query<{ size: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('tlog._trigger_log')) AS size`,
  );
  console.log(
    `  filled in ${(fillMs / 1000).toFixed(1)} s (incl. VACUUM ANALYZE), ${size.rows[0]!.size} with indexes; ` +
      `states: ${stats.rows.map((r) => `${r.state} ${r.count}`).join(', ')}`,
  );

  const scenarios: Scenario[] = [
    {
      label: `busy table "${LOG_TABLES[1]}", last 24 hours`,
      table: LOG_TABLES[1]!,
      from: new Date(newest.getTime() - DAY_MS),
      to: new Date(newest.getTime() + 60_000),
    },
    {
      label: `busy table "${LOG_TABLES[1]}", 7-day window ending 2 days ago`,
      table: LOG_TABLES[1]!,
      from: new Date(newest.getTime() - 9 * DAY_MS),
      to: new Date(newest.getTime() - 2 * DAY_MS),
    },
    {
      label: `quiet table "${LOG_TABLES[19]}", whole 30 days`,
      table: LOG_TABLES[19]!,
      from: new Date(newest.getTime() - 31 * DAY_MS),
      to: new Date(newest.getTime() + DAY_MS),
    },
    {
      label: `healthy table "${LOG_TABLES[HEALTHY_TABLE_INDEX]}" (no failures), whole 30 days`,
      table: LOG_TABLES[HEALTHY_TABLE_INDEX]!,
      from: new Date(newest.getTime() - 31 * DAY_MS),
      to: new Date(newest.getTime() + DAY_MS),
    },
  ];
  for (const s of scenarios) {
    const { rows } = await pool.query<{ failed: string; all: string }>(
      `SELECT count(*) FILTER (WHERE state = 'FAILED')::text AS failed, count(*)::text AS all
         FROM tlog._trigger_log WHERE table_name = $1 AND created_at >= $2 AND created_at < $3`,
      [s.table, s.from, s.to],
    );
    console.log(
      `  scenario: ${s.label}: ${rows[0]!.all} log rows in the window, ${rows[0]!.failed} FAILED`,
    );
  }

  const drop = async (names: string[]) => {
    for (const name of names) await pool.query(`DROP INDEX IF EXISTS tlog."${name}"`);
  };
  const results = new Map<string, Measured[]>();
  const run = async (config: string) => {
    const measured: Measured[] = [];
    for (const s of scenarios) measured.push(await measure(pool, s));
    results.set(config, measured);
  };

  // 1. Heroku Connect's indexes only.
  await drop(ours.map((i) => i.name));
  await run("Heroku Connect's indexes only");
  // 2. The planner's layout (or, if the planner adds nothing, the proposed index).
  const plannerConfig = ours.length
    ? `+ planner's ${ours.map((i) => i.name).join(', ')}`
    : `+ proposed ${PROPOSED_INDEX.name}`;
  if (ours.length) {
    for (const index of ours) await pool.query(index.definition);
  } else {
    await pool.query(
      `CREATE INDEX "${PROPOSED_INDEX.name}" ON tlog._trigger_log ${PROPOSED_INDEX.columns}`,
    );
  }
  const oursSizes = await Promise.all(
    (ours.length ? ours.map((i) => i.name) : [PROPOSED_INDEX.name]).map(
      async (n) => `${n} ${await indexSize(pool, n)}`,
    ),
  );
  await run(plannerConfig);
  // 3. For comparison: the non-partial alternative instead.
  await drop(ours.length ? ours.map((i) => i.name) : [PROPOSED_INDEX.name]);
  await pool.query(
    `CREATE INDEX "${ALTERNATIVE_INDEX.name}" ON tlog._trigger_log ${ALTERNATIVE_INDEX.columns}`,
  );
  const alternativeSize = await indexSize(pool, ALTERNATIVE_INDEX.name);
  const alternativeConfig = `+ alternative ${ALTERNATIVE_INDEX.name}`;
  await run(alternativeConfig);

  let plannerPasses = true;
  scenarios.forEach((s, i) => {
    console.log(`\n  ${s.label}:`);
    for (const [config, measured] of results) printMeasured(config, measured[i]!);
    const without = results.get("Heroku Connect's indexes only")![i]!;
    const withOurs = results.get(plannerConfig)![i]!;
    plannerPasses &&= verdict(withOurs) === 'PASS';
    console.log(
      `    ratio Heroku Connect's only ÷ ${plannerConfig.slice(2)}: median ` +
        `${(without.medianMs / withOurs.medianMs).toFixed(1)}x, p95 ${(without.p95Ms / withOurs.p95Ms).toFixed(1)}x`,
    );
  });
  console.log(
    `\n  index sizes: ${oursSizes.join(', ')}; ${ALTERNATIVE_INDEX.name} ${alternativeSize}`,
  );
  console.log(
    `  verdict: the planner's layout ${plannerPasses ? 'PASSES' : 'FAILS'} the ${BUDGET_MS} ms budget`,
  );
  return plannerPasses;
}

async function main(): Promise<number> {
  let db: BenchPostgres | undefined;
  try {
    db = await startBenchPostgres('trigger-log', {
      max: CLIENTS,
      applicationName: 'trigger-log bench',
    });
    const { pool } = db;
    const version = await pool.query<{ v: string; sc: string; sb: string }>(
      `SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc,
              current_setting('shared_buffers') AS sb`,
    );
    const settings = version.rows[0]!;
    console.log(
      `trigger-log bench: embedded PostgreSQL ${settings.v} (synchronous_commit ${settings.sc}, ` +
        `shared_buffers ${settings.sb}, default settings) in ${db.root}`,
    );
    const catalog = loadDescribeDir(FIXTURE_ORG);
    if (ROWS > 0) await triggerOverhead(pool, catalog);
    const passes = LOG_ROWS > 0 ? await inspectorQuery(pool, catalog) : true;
    return passes ? 0 : 1;
  } finally {
    await db?.stop();
  }
}

runBench(main);
