// The crash test: `connect-studio sync` killed with SIGKILL at random moments while it
// drains 20,000 application inserts, restarted each time, ten times; then `sync --once` to the
// end. Every change must reach the org exactly once (checked by external ID), every trigger-log
// row must end SUCCESS, and every Postgres row must hold the Id the org gave its record.
// The local org runs in this process (never killed); the engine is the CLI in a child process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '../../src-shared/random';
import { binScript, childEnv, repoRoot, runCliProcess } from '../support/cli';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { useLocalOrg } from '../support/local-org';
import { createSyncWorld, syncMapping, type SyncWorld } from '../support/sync-world';

const ROWS = 20_000;
const KILLS = 10;
const INSERT_CHUNK = 1_000;
/** Added to every request the org answers: a network's round trip. */
const REQUEST_LATENCY_MS = 120;
/** The random moments are drawn from this seed; CRASH_SEED repeats a run. */
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'empty' });

let world: SyncWorld;
beforeAll(async () => {
  world = await createSyncWorld({
    org: local().org,
    databaseUrl: postgres().url,
    schemaName: 'crash_restart',
    // Collections (200 records a call, results written per batch) rather than Bulk 2.0: one
    // 10,000-row ingest job takes the local org longer than the longest kill delay, so no kill
    // would ever land between a write and its bookkeeping. Batches make every moment reachable.
    features: { disable_bulk_writes: true },
    mappings: [
      syncMapping('Account', ['Name', 'External_ID__c', 'NumberOfEmployees'], {
        access: 'read_write',
        upsertField: 'External_ID__c',
        indexes: [
          { field: 'Id', unique: true },
          { field: 'External_ID__c', unique: true },
        ],
      }),
    ],
  });
});
afterAll(async () => {
  await world?.close();
});

function orgArgs(): string[] {
  const { instanceUrl, accessToken } = local().org;
  return ['--instance-url', instanceUrl, '--access-token', accessToken];
}

function syncArgs(): string[] {
  return ['sync', ...orgArgs(), '--db', postgres().url, '--schema', world.schemaName];
}

/**
 * Starts `sync` (until stopped) and kills it with SIGKILL `ms` after the engine began: the clock
 * starts at its first event line (engine starting), so Node's own start-up is not counted as
 * engine time. Resolves once the process is gone.
 */
async function runAndKill(ms: number): Promise<{ stderrTail: string; exitedEarly: boolean }> {
  const child = spawn(process.execPath, [binScript, ...syncArgs(), '--json'], {
    cwd: repoRoot,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  let killed = false;
  let exitedEarly = false;
  const exited = new Promise<void>((resolveExit) => {
    child.on('exit', () => {
      exitedEarly = !killed;
      resolveExit();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  createInterface({ input: child.stdout }).once('line', () => {
    timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ms);
  });
  child.stdout.resume();
  await exited;
  clearTimeout(timer);
  return { stderrTail: stderr, exitedEarly };
}

/** Trigger-log rows by state, live and archived together. */
async function logStates(): Promise<Record<string, number>> {
  const schema = `"${world.schemaName}"`;
  const { rows } = await world.pool.query<{ state: string; n: string }>(
    `SELECT state, count(*)::text AS n
       FROM (SELECT state FROM ${schema}._trigger_log
             UNION ALL SELECT state FROM ${schema}._trigger_log_archive) AS t
      GROUP BY state ORDER BY state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

async function allOrgAccounts(
  conn: Connection,
): Promise<Array<{ Id: string; External_ID__c: string | null }>> {
  type Row = { Id: string; External_ID__c: string | null };
  const records: Row[] = [];
  let page = await conn.query<Row>('SELECT Id, External_ID__c FROM Account');
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore<Row>(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}

it(`killed with SIGKILL ${KILLS} times during a ${ROWS.toLocaleString('en-US')}-row drain, the sync still sends every change exactly once`, async () => {
  const table = `"${world.schemaName}"."account"`;
  const externalIds = Array.from({ length: ROWS }, () => randomUUID());
  // As an application would: multi-row INSERTs through an ordinary session (the triggers log them).
  for (let start = 0; start < ROWS; start += INSERT_CHUNK) {
    const chunk = externalIds.slice(start, start + INSERT_CHUNK);
    const params: unknown[] = [];
    const tuples = chunk.map((externalId, i) => {
      params.push(`Crash test ${start + i}`, externalId, (start + i) % 5000);
      return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
    });
    await world.pool.query(
      `INSERT INTO ${table} (name, external_id__c, numberofemployees) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
  expect(await logStates()).toEqual({ NEW: ROWS });

  console.log(`crash test: seed ${SEED} (CRASH_SEED=${SEED} repeats these kill moments)`);
  // Each request waits a little in the org, as over a real network: the drain then spans every
  // kill (unslowed, the local org took all 20,000 rows within the first few kills).
  local().org.faults.set({ latencyMs: REQUEST_LATENCY_MS });
  const random = seededRandom(SEED);
  const started = Date.now();
  let killedMidDrain = 0;
  for (let kill = 1; kill <= KILLS; kill++) {
    const ms = Math.round(300 + random() * 2_700);
    const { stderrTail, exitedEarly } = await runAndKill(ms);
    // A sync that exits by itself before its kill has failed: show why.
    expect(exitedEarly, `sync exited before it was killed:\n${stderrTail}`).toBe(false);
    const { rows } = await world.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${table} WHERE sfid IS NOT NULL`,
    );
    if (Number(rows[0]!.n) < ROWS) killedMidDrain++;
    console.log(
      `crash test: kill ${kill}, ${ms} ms after the engine started: ${rows[0]!.n} rows have their sfid; trigger log ${JSON.stringify(await logStates())}`,
    );
  }
  // Every kill cut a drain that still had work: none landed on an idle engine.
  expect(killedMidDrain).toBe(KILLS);

  const final = await runCliProcess([...syncArgs(), '--once'], { timeoutMs: 150_000 });
  expect(final.status, `stdout: ${final.stdout}\nstderr: ${final.stderr.slice(-3000)}`).toBe(0);
  console.log(
    `crash test: final sync --once ${JSON.stringify(JSON.parse(final.stdout).writes)}; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s since the first start`,
  );

  // The org: exactly one record per external ID, and nothing else.
  const conn = await local().connect();
  const records = await allOrgAccounts(conn);
  const idsByExternalId = new Map<string, string[]>();
  for (const record of records) {
    const key = record.External_ID__c ?? '(none)';
    idsByExternalId.set(key, [...(idsByExternalId.get(key) ?? []), record.Id]);
  }
  const duplicates = [...idsByExternalId].filter(([, ids]) => ids.length > 1);
  expect(duplicates).toEqual([]);
  expect(records).toHaveLength(ROWS);
  expect(new Set(idsByExternalId.keys())).toEqual(new Set(externalIds));

  // The trigger log: every change SUCCESS, live or archived.
  expect(await logStates()).toEqual({ SUCCESS: ROWS });

  // Postgres: one row per external ID, holding the org's Id for it.
  const { rows } = await world.pool.query<{ external_id__c: string; sfid: string | null }>(
    `SELECT external_id__c, sfid FROM ${table}`,
  );
  expect(rows).toHaveLength(ROWS);
  const wrong = rows.filter((row) => idsByExternalId.get(row.external_id__c)?.[0] !== row.sfid);
  expect(wrong.slice(0, 5)).toEqual([]);
}, 240_000);
