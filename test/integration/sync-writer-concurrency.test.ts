import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPool } from '../../src-main/postgres';
import { buildMappingContexts, type MappingContext } from '../../src-main/sync/context';
import { createSalesforceApi, openSalesforceApi } from '../../src-main/sync/salesforce-api';
import { triggerLogCounts } from '../../src-main/sync/trigger-log';
import {
  SalesforceCallError,
  type EngineSettings,
  type SalesforceApi,
  type SyncEvent,
  type TriggerLogWriter,
} from '../../src-main/sync/types';
import { createTriggerLogWriter } from '../../src-main/sync/writer';
import { claimRows } from '../../src-main/sync/writer/claim';
import { createMapping, type Mapping, type WriteAlgorithm } from '../../src-shared/mapping';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { engineSettings } from '../support/engine-settings';
import { adminCall, useLocalOrg } from '../support/local-org';
import { accountContactMappings, createSyncWorld, type SyncWorld } from '../support/sync-world';

// Several writers on one trigger log, engines that die with rows claimed, paused mappings, and the
// faults the local org injects: whatever happens, every change reaches the org exactly once and
// nothing is lost.

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'empty' });

const cleanups: Array<() => Promise<void>> = [];
let leaseCounter = 5000;
let unique = 0;
const ext = (label: string) => `${label}-${process.pid}-${++unique}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  local().org.faults.set({});
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

interface Writer {
  writer: TriggerLogWriter;
  api: SalesforceApi;
  pool: pg.Pool;
  leaseKey: string;
  lease: pg.Client;
  events: SyncEvent[];
  drain(): ReturnType<TriggerLogWriter['drain']>;
}

async function world(
  mappings: Mapping[] = accountContactMappings(),
  writeAlgorithm: WriteAlgorithm = 'merged',
): Promise<{ world: SyncWorld; contexts: MappingContext[] }> {
  const w = await createSyncWorld({
    org: local().org,
    databaseUrl: postgres().url,
    mappings,
    writeAlgorithm,
  });
  cleanups.push(() => w.close());
  const { contexts } = buildMappingContexts(w.document.mappings, w.catalog, w.schemaName);
  return { world: w, contexts };
}

/** A writer of its own: its own pool, API client and lease lock, as a separate engine has. */
async function writerFor(
  w: { world: SyncWorld; contexts: MappingContext[] },
  options: {
    api?: SalesforceApi;
    settings?: Partial<EngineSettings>;
    claimLimit?: number;
    isPaused?: (objectName: string) => boolean;
    retryBackoffMs?: { base: number; max: number };
    onEvent?: (event: SyncEvent) => void;
  } = {},
): Promise<Writer> {
  const api =
    options.api ??
    createSalesforceApi(await local().connect(), { backoffBaseMs: 1, backoffMaxMs: 5 });
  const pool = await openPool(postgres().url, { max: 3 });
  const leaseKey = String(++leaseCounter);
  const lease = new pg.Client({ connectionString: postgres().url });
  await lease.connect();
  await lease.query('SELECT pg_advisory_lock($1::bigint)', [leaseKey]);
  cleanups.push(async () => {
    await lease.end().catch(() => {});
    await pool.end();
  });
  const events: SyncEvent[] = [];
  const settings = engineSettings(w.world.schemaName, {
    writeAlgorithm: w.world.document.connection?.writeAlgorithm ?? 'merged',
    bulkPageSize: 10_000,
    pollOverlapMs: 0,
    maxRecordAttempts: 12,
    ...options.settings,
  });
  const writer = createTriggerLogWriter(
    {
      pool,
      salesforce: api,
      settings,
      emit: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
    {
      contexts: w.contexts,
      leaseKey,
      retryBackoffMs: options.retryBackoffMs ?? { base: 1, max: 10 },
      ...(options.claimLimit !== undefined ? { claimLimit: options.claimLimit } : {}),
      ...(options.isPaused ? { isPaused: options.isPaused } : {}),
    },
  );
  return {
    writer,
    api,
    pool,
    leaseKey,
    lease,
    events,
    drain: () => writer.drain(new AbortController().signal),
  };
}

function sent(writer: Writer): number {
  return writer.events.reduce((sum, e) => sum + (e.type === 'write.batch' ? e.records : 0), 0);
}

/** Drains until no row is NEW or PENDING (retries wait for their backoff in between). */
async function drainUntilSettled(w: SyncWorld, ...writers: Writer[]): Promise<void> {
  for (let round = 0; round < 300; round++) {
    await Promise.all(writers.map((writer) => writer.drain()));
    const counts = await triggerLogCounts(w.pool, w.schemaName);
    if (!counts.NEW && !counts.PENDING) return;
    await sleep(5);
  }
  throw new Error('the trigger log did not settle');
}

async function states(w: SyncWorld): Promise<Array<{ state: string; processed_tx: string }>> {
  const result = await w.pool.query<{ state: string; processed_tx: string }>(
    `SELECT state, processed_tx::text FROM "${w.schemaName}"._trigger_log ORDER BY id`,
  );
  return result.rows;
}

async function appInsertAccounts(w: SyncWorld, keys: string[], name = 'Account'): Promise<void> {
  for (let start = 0; start < keys.length; start += 500) {
    const slice = keys.slice(start, start + 500);
    await w.pool.query(
      `INSERT INTO "${w.schemaName}".account (name, external_id__c)
       SELECT $1 || ' ' || key, key FROM unnest($2::text[]) AS key`,
      [name, slice],
    );
  }
}

/** External IDs in the org and how many records carry each. */
async function orgCounts(objectName: string, prefix: string): Promise<Map<string, number>> {
  const conn = await local().connect();
  const counts = new Map<string, number>();
  let result = await conn.query<{ External_ID__c: string }>(
    `SELECT External_ID__c FROM ${objectName} WHERE External_ID__c LIKE '${prefix}%'`,
  );
  for (;;) {
    for (const r of result.records) {
      counts.set(r.External_ID__c, (counts.get(r.External_ID__c) ?? 0) + 1);
    }
    if (result.done || !result.nextRecordsUrl) break;
    result = await conn.queryMore<{ External_ID__c: string }>(result.nextRecordsUrl);
  }
  return counts;
}

describe('several engines on one trigger log', () => {
  it('two writers draining at once send every row exactly once, in order per record', async () => {
    const w = await world();
    const prefix = ext('TWO');
    const keys = Array.from({ length: 1200 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys);
    // Two updates per record for a third of them: their order must survive the sharing.
    for (const version of ['v2', 'v3']) {
      await w.world.pool.query(
        `UPDATE "${w.world.schemaName}".account SET name = $1 WHERE external_id__c = ANY($2::text[])`,
        [version, keys.filter((_, i) => i % 3 === 0)],
      );
    }
    const a = await writerFor(w, { claimLimit: 150 });
    const b = await writerFor(w, { claimLimit: 150 });
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    expect(ra.claimed + rb.claimed).toBe(1200 + 800);
    expect(ra.claimed).toBeGreaterThan(0);
    expect(rb.claimed).toBeGreaterThan(0);

    const log = await states(w.world);
    expect(log).toHaveLength(2000);
    expect(log.every((l) => l.state === 'SUCCESS' || l.state === 'MERGED')).toBe(true);
    expect(new Set(log.map((l) => l.processed_tx))).toEqual(new Set([a.leaseKey, b.leaseKey]));
    // Every row went out exactly once: in a write of its own, or merged into a later row's.
    const merged = log.filter((l) => l.state === 'MERGED').length;
    expect(sent(a) + sent(b) + merged).toBe(2000);
    const batches = [...a.events, ...b.events].filter((e) => e.type === 'write.batch').length;
    expect(a.api.callsMade + b.api.callsMade).toBe(batches);

    const counts = await orgCounts('Account', prefix);
    expect(counts.size).toBe(1200);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const conn = await local().connect();
    const renamed = await conn.query<{ Name: string }>(
      `SELECT Name FROM Account WHERE External_ID__c LIKE '${prefix}%' AND Name = 'v3'`,
    );
    expect(renamed.totalSize).toBe(400);
  });

  it('two writers with ordered writes keep each record’s changes in order', async () => {
    const w = await world(accountContactMappings(), 'ordered');
    const prefix = ext('ORD');
    const keys = Array.from({ length: 300 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys, 'v1');
    for (const version of ['v2', 'v3', 'v4']) {
      await w.world.pool.query(
        `UPDATE "${w.world.schemaName}".account SET name = $1 WHERE external_id__c = ANY($2::text[])`,
        [version, keys],
      );
    }
    const a = await writerFor(w, { claimLimit: 70 });
    const b = await writerFor(w, { claimLimit: 70 });
    await drainUntilSettled(w.world, a, b);
    expect(sent(a) + sent(b)).toBe(1200);
    expect(new Set((await states(w.world)).map((l) => l.state))).toEqual(new Set(['SUCCESS']));
    const conn = await local().connect();
    const last = await conn.query(
      `SELECT Id FROM Account WHERE External_ID__c LIKE '${prefix}%' AND Name = 'v4'`,
    );
    expect(last.totalSize).toBe(300);
  });

  it("reclaims a dead engine's PENDING rows, and leaves a live engine's alone", async () => {
    const w = await world();
    const prefix = ext('DEAD');
    const keys = Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys);
    // Another engine takes its lease and claims 20 rows, then stalls.
    const other = new pg.Client({ connectionString: postgres().url });
    await other.connect();
    const otherKey = String(++leaseCounter);
    await other.query('SELECT pg_advisory_lock($1::bigint)', [otherKey]);
    const pool = await openPool(postgres().url, { max: 2 });
    cleanups.push(() => pool.end());
    const claimed = await claimRows(pool, w.world.schemaName, {
      tables: ['account'],
      limit: 20,
      leaseKey: otherKey,
      heldBack: [],
    });
    expect(claimed).toHaveLength(20);

    const writer = await writerFor(w);
    expect(await writer.drain()).toMatchObject({ claimed: 10, succeeded: 10 });
    expect((await states(w.world)).filter((l) => l.state === 'PENDING')).toHaveLength(20);

    // The other engine dies: its lock goes with its connection.
    await other.end();
    expect(await writer.drain()).toMatchObject({ claimed: 20, succeeded: 20 });
    expect(new Set((await states(w.world)).map((l) => l.state))).toEqual(new Set(['SUCCESS']));
    const counts = await orgCounts('Account', prefix);
    expect(counts.size).toBe(30);
  });

  it('sends again what its own interrupted drain left PENDING', async () => {
    const w = await world();
    const prefix = ext('OWN');
    await appInsertAccounts(w.world, [`${prefix}-1`, `${prefix}-2`]);
    const writer = await writerFor(w);
    await claimRows(writer.pool, w.world.schemaName, {
      tables: ['account'],
      limit: 10,
      leaseKey: writer.leaseKey,
      heldBack: [],
    });
    expect(await writer.drain()).toMatchObject({ claimed: 2, succeeded: 2 });
  });

  it('an abort stops the drain between batches; what was not sent goes back to NEW', async () => {
    const w = await world();
    const prefix = ext('ABORT');
    const keys = Array.from({ length: 1000 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys);
    const controller = new AbortController();
    const writer = await writerFor(w, {
      onEvent: (event) => {
        if (event.type === 'write.batch') controller.abort();
      },
    });
    const stopped = await writer.writer.drain(controller.signal);
    expect(stopped.claimed).toBe(1000);
    expect(stopped.succeeded).toBeGreaterThanOrEqual(200);
    expect(stopped.succeeded).toBeLessThan(1000);
    expect(stopped.retrying).toBe(0);
    const after = await states(w.world);
    expect(after.filter((l) => l.state === 'SUCCESS')).toHaveLength(stopped.succeeded);
    expect(after.filter((l) => l.state === 'NEW')).toHaveLength(1000 - stopped.succeeded);
    expect(await writer.drain()).toMatchObject({ claimed: 1000 - stopped.succeeded });
    const counts = await orgCounts('Account', prefix);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  });

  it('an abort during a Bulk job stops the wait at once; its rows go back to NEW', async () => {
    const w = await world();
    const prefix = ext('BULKSTOP');
    const keys = Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys);
    const writer = await writerFor(w, { settings: { bulkWriteThreshold: 5 } });
    // Each request of the ingest job takes 400 ms: the job needs about six of them.
    local().org.faults.set({ latencyMs: 400 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const started = Date.now();
    const stopped = await writer.writer.drain(controller.signal);
    const tookMs = Date.now() - started;
    local().org.faults.set({});
    expect(tookMs).toBeLessThan(1_200);
    expect(stopped).toMatchObject({ claimed: 20, succeeded: 0, failed: 0, retrying: 0 });
    expect(new Set((await states(w.world)).map((l) => l.state))).toEqual(new Set(['NEW']));
    await sleep(500); // the upload the abort cut off is still in the org's latency
    expect(await writer.drain()).toMatchObject({ claimed: 20, succeeded: 20 });
    const counts = await orgCounts('Account', prefix);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  });

  it("leaves a paused mapping's rows NEW", async () => {
    const w = await world();
    const paused = new Set(['contact']);
    const writer = await writerFor(w, { isPaused: (name) => paused.has(name.toLowerCase()) });
    await appInsertAccounts(w.world, [ext('PAUSE')]);
    await w.world.pool.query(
      `INSERT INTO "${w.world.schemaName}".contact (lastname, external_id__c) VALUES ('Paused', $1)`,
      [ext('PAUSEC')],
    );
    expect(await writer.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect((await states(w.world)).map((l) => l.state)).toEqual(['SUCCESS', 'NEW']);
    paused.clear();
    expect(await writer.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
  });
});

describe('faults', () => {
  it('lock errors, 503s and dropped connections: everything that can succeed does, once', async () => {
    const w = await world();
    const prefix = ext('FAULT');
    const accountKeys = Array.from({ length: 300 }, (_, i) => `${prefix}-A${i}`);
    await appInsertAccounts(w.world, accountKeys);
    const schema = `"${w.world.schemaName}"`;
    // Contacts point at accounts of the same pass by external ID; ten miss their last name.
    await w.world.pool.query(
      `INSERT INTO ${schema}.contact (lastname, external_id__c, account__external_id__c)
       SELECT CASE WHEN i % 15 = 0 THEN NULL ELSE 'Contact ' || i END, $1 || '-C' || i,
              $1 || '-A' || (i * 2)
         FROM generate_series(0, 149) AS i`,
      [prefix],
    );
    await w.world.pool.query(
      `UPDATE ${schema}.account SET industry = 'Energy' WHERE external_id__c = ANY($1::text[])`,
      [accountKeys.slice(0, 50)],
    );
    local().org.faults.set({
      writes: { share: 0.1, errorCode: 'UNABLE_TO_LOCK_ROW' },
      unavailable: { share: 0.1 },
      drop: { count: 2 },
      seed: 7,
    });
    const writer = await writerFor(w, { claimLimit: 120 });
    await drainUntilSettled(w.world, writer);
    const fired = local().org.faults.state().fired;
    local().org.faults.set({});
    expect(fired.writes).toBeGreaterThan(0);
    expect(fired.unavailable).toBeGreaterThan(0);
    expect(fired.drop).toBe(2);

    const log = await states(w.world);
    expect(log).toHaveLength(300 + 150 + 50);
    const counts = await w.world.pool.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM ${schema}._trigger_log GROUP BY state ORDER BY state`,
    );
    expect(counts.rows).toEqual([
      { state: 'FAILED', n: 10 },
      { state: 'SUCCESS', n: 490 },
    ]);
    const failed = await w.world.pool.query<{ sf_message: string; lastname: string | null }>(
      `SELECT l.sf_message, c.lastname FROM ${schema}._trigger_log l
         JOIN ${schema}.contact c ON c.id = l.record_id
        WHERE l.state = 'FAILED'`,
    );
    for (const row of failed.rows) {
      expect(row.lastname).toBeNull();
      expect(row.sf_message).toBe(
        'REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]',
      );
    }
    const accounts = await orgCounts('Account', prefix);
    expect(accounts.size).toBe(300);
    expect([...accounts.values()].every((c) => c === 1)).toBe(true);
    const contacts = await orgCounts('Contact', prefix);
    expect(contacts.size).toBe(140);
    expect([...contacts.values()].every((c) => c === 1)).toBe(true);
    const conn = await local().connect();
    const energy = await conn.query(
      `SELECT Id FROM Account WHERE External_ID__c LIKE '${prefix}%' AND Industry = 'Energy'`,
    );
    expect(energy.totalSize).toBe(50);
    const linked = await conn.query(
      `SELECT Id FROM Contact WHERE External_ID__c LIKE '${prefix}%' AND Account.External_ID__c LIKE '${prefix}-A%'`,
    );
    expect(linked.totalSize).toBe(140);
  });

  it('answers slower than the client timeout: upserts retried, a create never sent twice', async () => {
    const task = createMapping('Task', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Subject'],
    });
    const w = await world([...accountContactMappings(), task]);
    const prefix = ext('SLOW');
    await appInsertAccounts(w.world, [`${prefix}-1`, `${prefix}-2`]);
    const subject = `${prefix} call`;
    await w.world.pool.query(`INSERT INTO "${w.world.schemaName}".task (subject) VALUES ($1)`, [
      subject,
    ]);
    const api = createSalesforceApi(await local().connect(), {
      requestTimeoutMs: 150,
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 5,
    });
    // A long backoff: the drain returns with the upserts waiting instead of retrying them.
    const writer = await writerFor(w, { api, retryBackoffMs: { base: 60_000, max: 60_000 } });
    local().org.faults.set({ latencyMs: 400 });
    const slow = await writer.drain();
    expect(slow).toMatchObject({ claimed: 3, succeeded: 0, failed: 1, retrying: 2 });
    local().org.faults.set({});
    await sleep(500); // the org finishes what it was still working on

    // Another engine (no backoff in its memory) picks the waiting upserts up.
    await drainUntilSettled(w.world, await writerFor(w));
    expect((await states(w.world)).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS', 'FAILED']);
    const accounts = await orgCounts('Account', prefix);
    expect([...accounts.values()]).toEqual([1, 1]);
    const message = await w.world.pool.query<{ sf_message: string }>(
      `SELECT sf_message FROM "${w.world.schemaName}"._trigger_log WHERE table_name = 'task'`,
    );
    expect(message.rows[0]?.sf_message).toMatch(/^REQUEST_TIMEOUT: .*may have created the record/);
    // The timed-out create did reach the org, once; the writer did not send it again.
    const conn = await local().connect();
    const tasks = await conn.query(`SELECT Id FROM Task WHERE Subject = '${subject}'`);
    expect(tasks.totalSize).toBe(1);
  });

  it('an expired session: a password target signs in again, a token stops the drain', async () => {
    const w = await world();
    const org = local().org;
    const { api } = await openSalesforceApi(
      {
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: org.password,
        apiVersion: '62.0',
      },
      { backoffBaseMs: 1, backoffMaxMs: 5 },
    );
    const writer = await writerFor(w, { api });
    const prefix = ext('SESSION');
    await appInsertAccounts(w.world, [`${prefix}-1`]);
    await writer.drain();
    await adminCall(org, 'POST', 'expire-sessions');
    await appInsertAccounts(w.world, [`${prefix}-2`]);
    expect(await writer.drain()).toMatchObject({ claimed: 1, succeeded: 1 });

    const tokenApi = createSalesforceApi(await local().connect({ login: 'token' }), {
      backoffBaseMs: 1,
      backoffMaxMs: 5,
    });
    const tokenWriter = await writerFor(w, { api: tokenApi });
    await adminCall(org, 'POST', 'expire-sessions');
    await appInsertAccounts(w.world, [`${prefix}-3`]);
    const error = await tokenWriter.drain().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SalesforceCallError);
    expect(error).toMatchObject({ kind: 'session' });
    expect((await states(w.world)).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS', 'NEW']);
    expect(await writer.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect((await orgCounts('Account', prefix)).size).toBe(3);
  });

  it('the daily limit reached stops the drain with nothing lost; it resumes after the reset', async () => {
    const w = await world();
    const org = local().org;
    const writer = await writerFor(w);
    const prefix = ext('LIMIT');
    const keys = Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`);
    await appInsertAccounts(w.world, keys);
    await adminCall(org, 'POST', 'exhaust-daily-limit');
    try {
      const error = await writer.drain().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'limit', errorCode: 'REQUEST_LIMIT_EXCEEDED' });
      expect(new Set((await states(w.world)).map((l) => l.state))).toEqual(new Set(['NEW']));
    } finally {
      await adminCall(org, 'POST', 'reset-daily-limit');
    }
    expect(await writer.drain()).toMatchObject({ claimed: 5, succeeded: 5 });
    expect((await orgCounts('Account', prefix)).size).toBe(5);
  });
});
