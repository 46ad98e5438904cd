import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPool } from '../../src-main/postgres';
import { buildMappingContexts, type MappingContext } from '../../src-main/sync/context';
import { createSalesforceApi } from '../../src-main/sync/salesforce-api';
import type {
  DrainResult,
  EngineSettings,
  SalesforceApi,
  SyncEvent,
} from '../../src-main/sync/types';
import {
  archiveTriggerLog,
  ignoreTriggerLogRows,
  listTriggerLog,
  retryTriggerLogRows,
  triggerLogCounts,
} from '../../src-main/sync/trigger-log';
import { createMappingReader } from '../../src-main/sync/reader';
import { createTriggerLogWriter } from '../../src-main/sync/writer';
import { createMapping, type Mapping, type WriteAlgorithm } from '../../src-shared/mapping';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { engineSettings } from '../support/engine-settings';
import { useLocalOrg } from '../support/local-org';
import { accountContactMappings, createSyncWorld, type SyncWorld } from '../support/sync-world';

// The writer against a real embedded Postgres and the local org over HTTP: the statements of
// Heroku Connect's relationship guide run as an application runs them, merged and ordered
// writes, failures written back per record, and a user fixing a failed insert by editing the row.

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'empty' });

interface Harness {
  world: SyncWorld;
  pool: pg.Pool;
  contexts: MappingContext[];
  api: SalesforceApi;
  writer: ReturnType<typeof createTriggerLogWriter>;
  events: SyncEvent[];
  lease: pg.Client;
  drain(): Promise<DrainResult>;
  log(): Promise<LogRow[]>;
  row(table: string, where: string, params?: unknown[]): Promise<Record<string, unknown>>;
}

interface LogRow {
  id: number;
  state: string;
  action: string;
  table_name: string;
  record_id: number;
  sf_message: string | null;
  processed_tx: string | null;
}

const harnesses: Harness[] = [];
let leaseCounter = 1000;

/** Small Bulk result pages, no poll overlap, five attempts: what these writes are checked with. */
function settingsFor(schemaName: string, writeAlgorithm: WriteAlgorithm): EngineSettings {
  return engineSettings(schemaName, {
    writeAlgorithm,
    bulkPageSize: 10_000,
    pollOverlapMs: 0,
    maxRecordAttempts: 5,
  });
}

async function harness(
  options: {
    mappings?: Mapping[];
    writeAlgorithm?: WriteAlgorithm;
    settings?: Partial<EngineSettings>;
    retryBackoffMs?: { base: number; max: number };
    api?: SalesforceApi;
  } = {},
): Promise<Harness> {
  const writeAlgorithm = options.writeAlgorithm ?? 'merged';
  const world = await createSyncWorld({
    org: local().org,
    databaseUrl: postgres().url,
    mappings: options.mappings ?? accountContactMappings(),
    writeAlgorithm,
  });
  const { contexts, problems } = buildMappingContexts(
    world.document.mappings,
    world.catalog,
    world.schemaName,
  );
  expect(problems).toEqual([]);
  const api =
    options.api ??
    createSalesforceApi(await local().connect(), { backoffBaseMs: 1, backoffMaxMs: 5 });
  const events: SyncEvent[] = [];
  const leaseKey = ++leaseCounter;
  // The engine holds its lease lock on a connection of its own for as long as it runs.
  const lease = new pg.Client({ connectionString: postgres().url });
  await lease.connect();
  await lease.query('SELECT pg_advisory_lock($1)', [leaseKey]);
  const pool = await openPool(postgres().url, { max: 4 });
  const writer = createTriggerLogWriter(
    {
      pool,
      salesforce: api,
      settings: { ...settingsFor(world.schemaName, writeAlgorithm), ...options.settings },
      emit: (event) => events.push(event),
    },
    {
      contexts,
      leaseKey: String(leaseKey),
      retryBackoffMs: options.retryBackoffMs ?? { base: 1, max: 5 },
    },
  );
  const log = world.schemaName;
  const h: Harness = {
    world,
    pool,
    contexts,
    api,
    writer,
    events,
    lease,
    drain: () => writer.drain(new AbortController().signal),
    log: async () =>
      (
        await world.pool.query<LogRow>(
          `SELECT id, state, action, table_name, record_id, sf_message, processed_tx::text
             FROM "${log}"._trigger_log ORDER BY id`,
        )
      ).rows,
    row: async (table, where, params = []) => {
      const result = await world.pool.query(
        `SELECT * FROM "${log}"."${table}" WHERE ${where}`,
        params,
      );
      expect(result.rows).toHaveLength(1);
      return result.rows[0] as Record<string, unknown>;
    },
  };
  harnesses.push(h);
  return h;
}

// Each test's harness closes with it: the embedded Postgres has a bounded number of connections.
afterEach(async () => {
  local().org.faults.set({});
  for (const h of harnesses.splice(0)) {
    await h.lease.end().catch(() => {});
    await h.pool.end().catch(() => {});
    await h.world.close();
  }
});

let unique = 0;
const ext = (label: string) => `${label}-${process.pid}-${++unique}`;

async function query<T extends Record<string, unknown>>(h: Harness, soql: string): Promise<T[]> {
  const result = await h.world.salesforce.query<T>(soql);
  return result.records;
}

/** Runs SQL as the application would (its writes are logged); `$S` is the quoted schema. */
async function app(h: Harness, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  return h.world.pool.query(text.replaceAll('$S', `"${h.world.schemaName}"`), params);
}

async function appTransaction(h: Harness, statements: Array<[string, unknown[]?]>): Promise<void> {
  const client = await h.world.pool.connect();
  try {
    await client.query('BEGIN');
    for (const [text, params] of statements) {
      await client.query(text.replaceAll('$S', `"${h.world.schemaName}"`), params ?? []);
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function one<T extends Record<string, unknown>>(h: Harness, soql: string): Promise<T> {
  const records = await query<T>(h, soql);
  expect(records).toHaveLength(1);
  return records[0] as T;
}

function batches(h: Harness) {
  return h.events.filter(
    (e): e is Extract<SyncEvent, { type: 'write.batch' }> => e.type === 'write.batch',
  );
}

describe('the relationship guide, run as an application runs it', () => {
  it('parent then child by Salesforce ID', async () => {
    const h = await harness();
    const accountKey = ext('ACC');
    const contactKey = ext('CON');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Parent Co', $1)`, [
      accountKey,
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    expect(account.sfid).toMatch(/^001/);
    await app(
      h,
      `INSERT INTO $S.contact (lastname, external_id__c, accountid) VALUES ('Child', $1, $2)`,
      [contactKey, account.sfid],
    );
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
    const contact = await h.row('contact', 'external_id__c = $1', [contactKey]);
    const record = await one<{ Id: string; AccountId: string }>(
      h,
      `SELECT Id, AccountId FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(record).toMatchObject({ Id: contact.sfid, AccountId: account.sfid });
  });

  it('parent and child inserted together through the relationship external ID', async () => {
    const h = await harness();
    const accountKey = ext('ACC');
    const contactKey = ext('CON');
    const callsBefore = h.api.callsMade;
    await appTransaction(h, [
      [`INSERT INTO $S.account (name, external_id__c) VALUES ('Together Co', $1)`, [accountKey]],
      [
        `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Together', $1, $2)`,
        [contactKey, accountKey],
      ],
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
    // One upsert per table, parent's table first: the child's reference resolves at once.
    expect(h.api.callsMade - callsBefore).toBe(2);
    expect(batches(h).map((b) => [b.table, b.operation])).toEqual([
      ['account', 'upsert'],
      ['contact', 'upsert'],
    ]);
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const record = await one<{ AccountId: string; Account: { External_ID__c: string } }>(
      h,
      `SELECT AccountId, Account.External_ID__c FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(record.AccountId).toBe(account.sfid);
    expect(record.Account.External_ID__c).toBe(accountKey);
  });

  it('the circular reference: an Account whose primary contact belongs to it', async () => {
    const h = await harness();
    const accountKey = ext('ACC');
    const contactKey = ext('CON');
    await appTransaction(h, [
      [
        `INSERT INTO $S.account (name, external_id__c, primary_contact__r__external_id__c) VALUES ('Circle Co', $1, $2)`,
        [accountKey, contactKey],
      ],
      [
        `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Circle', $1, $2)`,
        [contactKey, accountKey],
      ],
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
    // Account (first captured) goes first without its primary contact, Contact follows with its
    // account, then a second update gives the Account its primary contact.
    expect(batches(h).map((b) => [b.table, b.operation])).toEqual([
      ['account', 'upsert'],
      ['contact', 'upsert'],
      ['account', 'update'],
    ]);
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const contact = await h.row('contact', 'external_id__c = $1', [contactKey]);
    const accountRecord = await one<{ Id: string; Primary_Contact__c: string }>(
      h,
      `SELECT Id, Primary_Contact__c FROM Account WHERE External_ID__c = '${accountKey}'`,
    );
    const contactRecord = await one<{ Id: string; AccountId: string }>(
      h,
      `SELECT Id, AccountId FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(accountRecord).toEqual(
      expect.objectContaining({ Id: account.sfid, Primary_Contact__c: contact.sfid }),
    );
    expect(contactRecord).toEqual(
      expect.objectContaining({ Id: contact.sfid, AccountId: account.sfid }),
    );
    expect((await h.log()).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(account._hc_lastop).toBe('INSERTED');
  });

  it('the self-referential parent Account, child captured before its parent', async () => {
    const h = await harness();
    const parentKey = ext('PARENT');
    const childKey = ext('CHILD');
    await appTransaction(h, [
      [
        `INSERT INTO $S.account (name, external_id__c, parent__external_id__c) VALUES ('Child Co', $1, $2)`,
        [childKey, parentKey],
      ],
      [`INSERT INTO $S.account (name, external_id__c) VALUES ('Parent Co', $1)`, [parentKey]],
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
    expect(batches(h).map((b) => [b.table, b.operation, b.records])).toEqual([
      ['account', 'upsert', 2],
      ['account', 'update', 1],
    ]);
    const parent = await h.row('account', 'external_id__c = $1', [parentKey]);
    const child = await one<{ ParentId: string; Parent: { Name: string } }>(
      h,
      `SELECT ParentId, Parent.Name FROM Account WHERE External_ID__c = '${childKey}'`,
    );
    expect(child.ParentId).toBe(parent.sfid);
    expect(child.Parent.Name).toBe('Parent Co');
  });

  it('a polymorphic What/Who reference by sfid', async () => {
    const task = createMapping('Task', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Subject', 'WhoId', 'WhatId'],
    });
    const h = await harness({ mappings: [...accountContactMappings(), task] });
    const accountKey = ext('ACC');
    const contactKey = ext('CON');
    await appTransaction(h, [
      [`INSERT INTO $S.account (name, external_id__c) VALUES ('What Co', $1)`, [accountKey]],
      [
        `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Who', $1, $2)`,
        [contactKey, accountKey],
      ],
    ]);
    await h.drain();
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const contact = await h.row('contact', 'external_id__c = $1', [contactKey]);
    const subject = ext('Call');
    await app(h, `INSERT INTO $S.task (subject, whoid, whatid) VALUES ($1, $2, $3)`, [
      subject,
      contact.sfid,
      account.sfid,
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 1 });
    const row = await h.row('task', 'subject = $1', [subject]);
    expect(row.sfid).toMatch(/^00T/);
    const record = await one<{ Id: string; WhoId: string; WhatId: string; What: { Name: string } }>(
      h,
      `SELECT Id, WhoId, WhatId, What.Name FROM Task WHERE Subject = '${subject}'`,
    );
    expect(record).toMatchObject({ Id: row.sfid, WhoId: contact.sfid, WhatId: account.sfid });
    expect(record.What.Name).toBe('What Co');
    // No unique identifier on Task: the insert went out as a create.
    expect(batches(h).at(-1)).toMatchObject({ table: 'task', operation: 'create' });
  });
});

describe('a parent that has to be retried', () => {
  // Long enough that a drain returns with the retry still waiting.
  const BACKOFF = { base: 1_000, max: 1_000 };
  const backoff = () => new Promise((resolve) => setTimeout(resolve, 1_100));
  const lockAccountOnce = () =>
    local().org.faults.set({
      writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW', object: 'Account' },
    });

  it('its child waits with it instead of failing on a parent Salesforce does not know', async () => {
    const h = await harness({ retryBackoffMs: BACKOFF });
    const accountKey = ext('LOCKED');
    const contactKey = ext('KID');
    await appTransaction(h, [
      [`INSERT INTO $S.account (name, external_id__c) VALUES ('Locked', $1)`, [accountKey]],
      [
        `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Kid', $1, $2)`,
        [contactKey, accountKey],
      ],
    ]);
    lockAccountOnce();
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 0, failed: 0, retrying: 2 });
    const waiting = await h.log();
    expect(waiting.map((l) => l.state)).toEqual(['NEW', 'NEW']);
    expect(waiting[0]?.sf_message).toMatch(/^UNABLE_TO_LOCK_ROW: /);
    expect(waiting[1]?.sf_message).toMatch(/^WAITING_FOR_PARENT: /);
    // Only the account went out; the contact was not sent.
    expect(batches(h).map((b) => [b.table, b.records, b.retrying])).toEqual([['account', 1, 1]]);

    await backoff();
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const record = await one<{ AccountId: string }>(
      h,
      `SELECT AccountId FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(record.AccountId).toBe(account.sfid);
  });

  it('a child claimed in a later pass than its retrying parent waits too', async () => {
    const h = await harness({ retryBackoffMs: BACKOFF });
    const accountKey = ext('LATER');
    const contactKey = ext('LATERKID');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Later', $1)`, [
      accountKey,
    ]);
    lockAccountOnce();
    expect(await h.drain()).toMatchObject({ retrying: 1 });
    await app(
      h,
      `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Later kid', $1, $2)`,
      [contactKey, accountKey],
    );
    // The account is held back for its backoff, so this drain sees only the contact; both wait.
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 0, failed: 0, retrying: 2 });
    expect((await h.log())[1]?.sf_message).toMatch(/^WAITING_FOR_PARENT: /);
    await backoff();
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2 });
    expect((await h.log()).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS']);
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const record = await one<{ AccountId: string }>(
      h,
      `SELECT AccountId FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(record.AccountId).toBe(account.sfid);
  });

  it('a drain that only sees a held-back record still reports it, and when it is due', async () => {
    const h = await harness({ retryBackoffMs: BACKOFF });
    const key = ext('HELD');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Held', $1)`, [key]);
    lockAccountOnce();
    const before = Date.now();
    expect(await h.drain()).toMatchObject({ claimed: 1, retrying: 1 });
    const due = h.writer.nextRetryAt();
    // Jittered backoff: between half and all of the 1 s base.
    expect(due).toBeGreaterThanOrEqual(before + 500);
    expect(due).toBeLessThanOrEqual(Date.now() + 1_000);
    // The record is held back, so this drain claims nothing; its row is still to be sent.
    expect(await h.drain()).toMatchObject({ claimed: 0, retrying: 1 });
    expect((await h.log()).map((l) => l.state)).toEqual(['NEW']);
    await backoff();
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 1, retrying: 0 });
    expect(h.writer.nextRetryAt()).toBeUndefined();
  });

  it('the circular reference completes when the second update has to wait', async () => {
    const h = await harness({ retryBackoffMs: BACKOFF });
    const accountKey = ext('CACC');
    const contactKey = ext('CCON');
    await appTransaction(h, [
      [
        `INSERT INTO $S.account (name, external_id__c, primary_contact__r__external_id__c) VALUES ('Circle', $1, $2)`,
        [accountKey, contactKey],
      ],
      [
        `INSERT INTO $S.contact (lastname, external_id__c, account__external_id__c) VALUES ('Circle', $1, $2)`,
        [contactKey, accountKey],
      ],
    ]);
    local().org.faults.set({
      writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW', object: 'Contact' },
    });
    // The account goes in, the contact is locked: the account's second update waits for it.
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 0, retrying: 2 });
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    expect(account.sfid).toMatch(/^001/);
    await backoff();
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2 });
    const contact = await h.row('contact', 'external_id__c = $1', [contactKey]);
    const record = await one<{ Primary_Contact__c: string }>(
      h,
      `SELECT Primary_Contact__c FROM Account WHERE External_ID__c = '${accountKey}'`,
    );
    expect(record.Primary_Contact__c).toBe(contact.sfid);
    expect((await h.log()).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS']);
  });
});

describe('merged and ordered writes', () => {
  async function threeUpdates(writeAlgorithm: WriteAlgorithm) {
    const h = await harness({ writeAlgorithm });
    const key = ext('UPD');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Before', $1)`, [key]);
    await h.drain();
    const calls = h.api.callsMade;
    const batchCount = batches(h).length;
    await app(h, `UPDATE $S.account SET name = 'Renamed' WHERE external_id__c = $1`, [key]);
    await app(h, `UPDATE $S.account SET numberofemployees = 7 WHERE external_id__c = $1`, [key]);
    await app(
      h,
      `UPDATE $S.account SET industry = 'Energy', numberofemployees = 8 WHERE external_id__c = $1`,
      [key],
    );
    const result = await h.drain();
    const record = await one<{ Name: string; NumberOfEmployees: number; Industry: string }>(
      h,
      `SELECT Name, NumberOfEmployees, Industry FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(record).toMatchObject({ Name: 'Renamed', NumberOfEmployees: 8, Industry: 'Energy' });
    const row = await h.row('account', 'external_id__c = $1', [key]);
    // Each change wrote UPDATED: the second and third over an UPDATED already there.
    expect(row._hc_lastop).toBe('UPDATED');
    return {
      h,
      result,
      calls: h.api.callsMade - calls,
      sent: batches(h).slice(batchCount),
      states: (await h.log()).slice(1).map((l) => l.state),
    };
  }

  it('merged: three updates of one record go out as one update', async () => {
    const { result, calls, sent, states } = await threeUpdates('merged');
    expect(calls).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ operation: 'update', records: 1, succeeded: 1 });
    expect(states).toEqual(['MERGED', 'MERGED', 'SUCCESS']);
    expect(result).toMatchObject({ claimed: 3, succeeded: 1, merged: 2 });
  });

  it('ordered: three updates of one record go out one after another', async () => {
    const { result, calls, sent, states } = await threeUpdates('ordered');
    expect(calls).toBe(3);
    expect(sent.map((b) => [b.operation, b.records])).toEqual([
      ['update', 1],
      ['update', 1],
      ['update', 1],
    ]);
    expect(states).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(result).toMatchObject({ claimed: 3, succeeded: 3, merged: 0 });
  });

  it('ordered: an insert and its updates of one record keep their order across batches', async () => {
    const h = await harness({ writeAlgorithm: 'ordered' });
    const keys = [ext('O1'), ext('O2')];
    for (const key of keys) {
      await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('v1', $1)`, [key]);
    }
    for (const key of keys) {
      await app(h, `UPDATE $S.account SET name = 'v2' WHERE external_id__c = $1`, [key]);
    }
    await app(h, `UPDATE $S.account SET name = 'v3' WHERE external_id__c = $1`, [keys[0]]);
    expect(await h.drain()).toMatchObject({ claimed: 5, succeeded: 5 });
    // Both inserts in one batch, both first updates in the next, the last update alone.
    expect(batches(h).map((b) => [b.operation, b.records])).toEqual([
      ['upsert', 2],
      ['update', 2],
      ['update', 1],
    ]);
    const names = await query<{ Name: string; External_ID__c: string }>(
      h,
      `SELECT Name, External_ID__c FROM Account WHERE External_ID__c IN ('${keys[0]}', '${keys[1]}') ORDER BY External_ID__c`,
    );
    expect(names.map((n) => n.Name)).toEqual(['v3', 'v2']);
  });

  it('deletes: a synced row is deleted in Salesforce; one that never got there sends nothing', async () => {
    const h = await harness();
    const synced = ext('DEL');
    const unsent = ext('NEVER');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Doomed', $1)`, [synced]);
    await h.drain();
    const row = await h.row('account', 'external_id__c = $1', [synced]);
    const calls = h.api.callsMade;
    await app(h, `DELETE FROM $S.account WHERE external_id__c = $1`, [synced]);
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Gone', $1)`, [unsent]);
    await app(h, `DELETE FROM $S.account WHERE external_id__c = $1`, [unsent]);
    const result = await h.drain();
    expect(result).toMatchObject({ succeeded: 1, ignored: 2 });
    expect(h.api.callsMade - calls).toBe(1);
    expect(await query(h, `SELECT Id FROM Account WHERE Id = '${String(row.sfid)}'`)).toEqual([]);
    expect(await query(h, `SELECT Id FROM Account WHERE External_ID__c = '${unsent}'`)).toEqual([]);
    const log = await h.log();
    expect(log.map((l) => [l.action, l.state])).toEqual([
      ['INSERT', 'SUCCESS'],
      ['DELETE', 'SUCCESS'],
      ['INSERT', 'IGNORED'],
      ['DELETE', 'IGNORED'],
    ]);
  });

  it('a delete of a record already deleted in Salesforce counts as done', async () => {
    const h = await harness();
    const key = ext('TWICE');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Twice', $1)`, [key]);
    await h.drain();
    const row = await h.row('account', 'external_id__c = $1', [key]);
    await h.world.salesforce.sobject('Account').destroy(String(row.sfid));
    await app(h, `DELETE FROM $S.account WHERE external_id__c = $1`, [key]);
    expect(await h.drain()).toMatchObject({ succeeded: 1, failed: 0 });
    expect((await h.log()).at(-1)).toMatchObject({ action: 'DELETE', state: 'SUCCESS' });
  });

  it('sends only the columns Salesforce can take, with values typed by field', async () => {
    const h = await harness();
    const key = ext('TYPES');
    await app(
      h,
      `INSERT INTO $S.account (name, external_id__c, numberofemployees, systemmodstamp, createddate)
       VALUES ('Typed "quoted" \\ name, with => arrows', $1, 42, '2001-02-03 04:05:06', '2001-02-03 04:05:06')`,
      [key],
    );
    expect(await h.drain()).toMatchObject({ succeeded: 1, failed: 0 });
    const record = await one<{ Name: string; NumberOfEmployees: number; CreatedDate: string }>(
      h,
      `SELECT Name, NumberOfEmployees, CreatedDate FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(record.Name).toBe('Typed "quoted" \\ name, with => arrows');
    expect(record.NumberOfEmployees).toBe(42);
    // CreatedDate is the org's own, not the value in the row.
    expect(record.CreatedDate.startsWith('2001')).toBe(false);
    // Clearing a field sends null.
    await app(h, `UPDATE $S.account SET numberofemployees = NULL WHERE external_id__c = $1`, [key]);
    await h.drain();
    const cleared = await one<{ NumberOfEmployees: number | null }>(
      h,
      `SELECT NumberOfEmployees FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(cleared.NumberOfEmployees).toBeNull();
  });
});

describe('failures, per record', () => {
  it('a validation failure is FAILED with the org message; its batch-mates succeed', async () => {
    const h = await harness();
    const keys = [ext('OK1'), ext('BAD'), ext('OK2')];
    await app(
      h,
      `INSERT INTO $S.contact (lastname, external_id__c, email) VALUES ('One', $1, 'one@example.com'), (NULL, $2, 'bad@example.com'), ('Two', $3, 'two@example.com')`,
      keys,
    );
    const result = await h.drain();
    expect(result).toMatchObject({ claimed: 3, succeeded: 2, failed: 1 });
    expect(batches(h)).toEqual([
      expect.objectContaining({ table: 'contact', records: 3, succeeded: 2, failed: 1 }),
    ]);
    const log = await h.log();
    expect(log.map((l) => l.state)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    const message = 'REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]';
    expect(log[1]?.sf_message).toBe(message);
    const bad = await h.row('contact', 'external_id__c = $1', [keys[1]]);
    expect(bad.sfid).toBeNull();
    expect(bad._hc_lastop).toBe('FAILED');
    expect(JSON.parse(String(bad._hc_err))).toEqual({ op: 'INSERT', src: 'SFDC', msg: message });
    for (const key of [keys[0], keys[2]]) {
      const good = await h.row('contact', 'external_id__c = $1', [key]);
      expect(good._hc_lastop).toBe('INSERTED');
      expect(good.sfid).toMatch(/^003/);
    }
    expect(await query(h, `SELECT Id FROM Contact WHERE External_ID__c = '${keys[1]}'`)).toEqual(
      [],
    );

    // The user fixes the row: the UPDATE of a record without an sfid is sent as an insert of
    // the row as it is now (email included, though the UPDATE changed only the last name).
    await app(h, `UPDATE $S.contact SET lastname = 'Fixed' WHERE external_id__c = $1`, [keys[1]]);
    expect(await h.drain()).toMatchObject({ claimed: 1, succeeded: 1, failed: 0 });
    const fixed = await h.row('contact', 'external_id__c = $1', [keys[1]]);
    expect(fixed._hc_lastop).toBe('INSERTED');
    expect(fixed._hc_err).toBeNull();
    const record = await one<{ Id: string; LastName: string; Email: string }>(
      h,
      `SELECT Id, LastName, Email FROM Contact WHERE External_ID__c = '${keys[1]}'`,
    );
    expect(record).toMatchObject({ Id: fixed.sfid, LastName: 'Fixed', Email: 'bad@example.com' });
    expect((await h.log()).map((l) => l.state)).toEqual([
      'SUCCESS',
      'FAILED',
      'SUCCESS',
      'SUCCESS',
    ]);
  });

  it('a record that stays locked is FAILED with the last message after the last attempt', async () => {
    const h = await harness({ settings: { maxRecordAttempts: 3 } });
    const key = ext('LOCKED');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Locked', $1)`, [key]);
    local().org.faults.set({ writes: { share: 1, errorCode: 'UNABLE_TO_LOCK_ROW' } });
    // The harness's backoff is a few milliseconds. A drain ends when nothing can be claimed, which
    // may be while the record still waits out its backoff: drain again until it is settled.
    const total = { claimed: 0, failed: 0, retrying: 0 };
    for (let round = 0; round < 50; round++) {
      const result = await h.drain();
      total.claimed += result.claimed;
      total.failed += result.failed;
      total.retrying = result.retrying;
      if (result.retrying === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(total).toEqual({ claimed: 3, failed: 1, retrying: 0 });
    expect(batches(h).map((b) => [b.retrying, b.failed])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const [row] = await h.log();
    expect(row?.state).toBe('FAILED');
    expect(row?.sf_message).toMatch(/^UNABLE_TO_LOCK_ROW: unable to obtain exclusive access/);
    const failed = await h.row('account', 'external_id__c = $1', [key]);
    expect(failed._hc_lastop).toBe('FAILED');
  });

  it('ordered: a failed insert does not block later changes', async () => {
    const h = await harness({ writeAlgorithm: 'ordered' });
    const bad = ext('BAD');
    const good = ext('GOOD');
    await app(h, `INSERT INTO $S.contact (lastname, external_id__c) VALUES (NULL, $1)`, [bad]);
    await app(h, `UPDATE $S.contact SET email = 'x@example.com' WHERE external_id__c = $1`, [bad]);
    await app(h, `INSERT INTO $S.contact (lastname, external_id__c) VALUES ('Good', $1)`, [good]);
    const result = await h.drain();
    // The insert fails, the update (no sfid: sent as an insert of the row) fails the same way,
    // the other record goes through.
    expect(result).toMatchObject({ claimed: 3, succeeded: 1, failed: 2 });
    expect((await h.log()).map((l) => l.state)).toEqual(['FAILED', 'FAILED', 'SUCCESS']);
  });

  it('a merged group that fails marks every row FAILED with the same message', async () => {
    const h = await harness();
    const key = ext('GROUP');
    await app(h, `INSERT INTO $S.contact (lastname, external_id__c) VALUES (NULL, $1)`, [key]);
    await app(h, `UPDATE $S.contact SET email = 'g@example.com' WHERE external_id__c = $1`, [key]);
    expect(await h.drain()).toMatchObject({ claimed: 2, failed: 2 });
    const log = await h.log();
    expect(log.map((l) => l.state)).toEqual(['FAILED', 'FAILED']);
    expect(log[0]?.sf_message).toBe(log[1]?.sf_message);
    expect(log[0]?.sf_message).toMatch(/^REQUIRED_FIELD_MISSING: /);
  });

  it('the engine writes leave no trace in the trigger log', async () => {
    const h = await harness();
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Quiet', $1)`, [ext('Q')]);
    await h.drain();
    expect(await h.log()).toHaveLength(1);
  });
});

const taskMapping = () =>
  createMapping('Task', {
    access: 'read_write',
    fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Subject'],
  });

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a row deleted and inserted again with the same unique identifier', () => {
  for (const writeAlgorithm of ['merged', 'ordered'] as const) {
    it(`${writeAlgorithm}: one transaction; the org keeps one record, the new row's`, async () => {
      const h = await harness({ writeAlgorithm });
      const key = ext('AGAIN');
      await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('First', $1)`, [key]);
      await h.drain();
      const first = await h.row('account', 'external_id__c = $1', [key]);
      await appTransaction(h, [
        [`DELETE FROM $S.account WHERE external_id__c = $1`, [key]],
        [`INSERT INTO $S.account (name, external_id__c) VALUES ('Second', $1)`, [key]],
      ]);
      expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2, failed: 0 });
      const records = await query<{ Id: string; Name: string }>(
        h,
        `SELECT Id, Name FROM Account WHERE External_ID__c = '${key}'`,
      );
      expect(records.map((r) => r.Name)).toEqual(['Second']);
      const second = await h.row('account', 'external_id__c = $1', [key]);
      expect(second.sfid).toBe(records[0]?.Id);
      expect(second.sfid).not.toBe(first.sfid);
    });
  }

  it('ordered: the old row updated, then deleted, in a later round than the new insert', async () => {
    const h = await harness({ writeAlgorithm: 'ordered' });
    const key = ext('LATERDEL');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('First', $1)`, [key]);
    await h.drain();
    await appTransaction(h, [
      [`UPDATE $S.account SET name = 'Renamed' WHERE external_id__c = $1`, [key]],
      [`DELETE FROM $S.account WHERE external_id__c = $1`, [key]],
      [`INSERT INTO $S.account (name, external_id__c) VALUES ('Second', $1)`, [key]],
    ]);
    expect(await h.drain()).toMatchObject({ claimed: 3, succeeded: 3, failed: 0 });
    const records = await query<{ Id: string; Name: string }>(
      h,
      `SELECT Id, Name FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(records.map((r) => r.Name)).toEqual(['Second']);
    expect((await h.row('account', 'external_id__c = $1', [key])).sfid).toBe(records[0]?.Id);
  });
});

describe('a row deleted while its insert is on its way', () => {
  it('the record created for it is deleted by the next drain; a poll brings nothing back', async () => {
    const h = await harness({ mappings: [...accountContactMappings(), taskMapping()] });
    const task = h.contexts.find((c) => c.objectName === 'Task')!;
    const reader = createMappingReader({
      pool: h.pool,
      salesforce: h.api,
      settings: settingsFor(h.world.schemaName, 'merged'),
      emit: () => {},
    });
    await reader.ensureLoaded(task, new AbortController().signal);
    const subject = ext('Deleted in flight');
    await app(h, `INSERT INTO $S.task (subject) VALUES ($1)`, [subject]);
    local().org.faults.set({ latencyMs: 1_500 });
    const draining = h.drain();
    await until('the insert to be claimed', async () => (await h.log())[0]?.state === 'PENDING');
    // The create is on its way to the org (1.5 s) when the application deletes the row.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app(h, `DELETE FROM $S.task WHERE subject = $1`, [subject]);
    await draining;
    local().org.faults.set({});
    await h.drain();
    expect(await query(h, `SELECT Id FROM Task WHERE Subject = '${subject}'`)).toEqual([]);
    const log = await h.log();
    expect(log.map((l) => [l.action, l.state])).toEqual([
      ['INSERT', 'SUCCESS'],
      ['DELETE', 'IGNORED'],
      ['DELETE', 'SUCCESS'],
    ]);
    await reader.poll(task, new AbortController().signal);
    expect((await app(h, `SELECT id FROM $S.task WHERE subject = $1`, [subject])).rows).toEqual([]);
  });
});

describe('results that cannot be written at once', () => {
  it('are tried again, kept when Postgres keeps refusing, and a sent create is never sent twice', async () => {
    const h = await harness({ mappings: [...accountContactMappings(), taskMapping()] });
    const subject = ext('Unwritten');
    // Refuses the first four updates of the task table: the results transaction fails.
    await app(h, `CREATE SEQUENCE $S.refusals`);
    await app(
      h,
      `CREATE FUNCTION $S.refuse_results() RETURNS trigger LANGUAGE plpgsql AS $f$
       BEGIN
         IF nextval('$S.refusals') <= 4 THEN RAISE EXCEPTION 'refused for the test'; END IF;
         RETURN NEW;
       END $f$`,
    );
    await app(
      h,
      `CREATE TRIGGER refuse_results BEFORE UPDATE ON $S.task
         FOR EACH ROW EXECUTE FUNCTION $S.refuse_results()`,
    );
    await app(h, `INSERT INTO $S.task (subject) VALUES ($1)`, [subject]);
    await expect(h.drain()).rejects.toThrow(/refused for the test/);
    // Three tries, then the drain stops with the row still PENDING under this engine's key.
    expect((await app(h, `SELECT last_value::int AS n FROM $S.refusals`)).rows[0]).toEqual({
      n: 3,
    });
    expect((await h.log()).map((l) => l.state)).toEqual(['PENDING']);

    // The next drain writes the kept results first (once more refused, then written).
    expect(await h.drain()).toMatchObject({ claimed: 0 });
    const tasks = await query<{ Id: string }>(
      h,
      `SELECT Id FROM Task WHERE Subject = '${subject}'`,
    );
    expect(tasks).toHaveLength(1);
    expect((await h.row('task', 'subject = $1', [subject])).sfid).toBe(tasks[0]?.Id);
    expect((await h.log()).map((l) => l.state)).toEqual(['SUCCESS']);
  });
});

describe('ordered writes after a create that got no answer', () => {
  it("the same record's later change is not sent as a second create", async () => {
    const api = createSalesforceApi(await local().connect(), {
      requestTimeoutMs: 150,
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 5,
    });
    const h = await harness({
      mappings: [...accountContactMappings(), taskMapping()],
      writeAlgorithm: 'ordered',
      api,
    });
    const prefix = ext('Unanswered');
    await app(h, `INSERT INTO $S.task (subject) VALUES ($1)`, [`${prefix} first`]);
    await app(h, `UPDATE $S.task SET subject = $1`, [`${prefix} second`]);
    local().org.faults.set({ latencyMs: 400 });
    const calls = api.callsMade;
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 0, failed: 2 });
    expect(api.callsMade - calls).toBe(1);
    local().org.faults.set({});
    await new Promise((resolve) => setTimeout(resolve, 600)); // the org finishes the create
    const log = await h.log();
    expect(log.map((l) => l.state)).toEqual(['FAILED', 'FAILED']);
    expect(log[0]?.sf_message).toMatch(/^REQUEST_TIMEOUT: .*may have created the record/);
    expect(log[1]?.sf_message).toBe(log[0]?.sf_message);
    expect(await query(h, `SELECT Id FROM Task WHERE Subject LIKE '${prefix}%'`)).toHaveLength(1);
  });
});

describe('Bulk 2.0 above the threshold', () => {
  it('upserts, updates and deletes through ingest jobs, failures per row', async () => {
    const h = await harness({ settings: { bulkWriteThreshold: 5 } });
    const keys = Array.from({ length: 12 }, (_, i) => ext(`BULK${i}`));
    const values = keys
      .map((_, i) => `($${i + 1}, ${i === 3 ? 'NULL' : `'Bulk ${i}'`})`)
      .join(', ');
    await app(h, `INSERT INTO $S.contact (external_id__c, lastname) VALUES ${values}`, keys);
    const inserted = await h.drain();
    expect(inserted).toMatchObject({ claimed: 12, succeeded: 11, failed: 1 });
    expect(batches(h)).toEqual([
      expect.objectContaining({ api: 'bulk', operation: 'upsert', records: 12, failed: 1 }),
    ]);
    const failed = (await h.log()).find((l) => l.state === 'FAILED');
    expect(failed?.sf_message).toMatch(/^REQUIRED_FIELD_MISSING: .*LastName/);

    await app(
      h,
      `UPDATE $S.contact SET email = replace(lastname, ' ', '.') || '@example.com' WHERE sfid IS NOT NULL`,
    );
    expect(await h.drain()).toMatchObject({ claimed: 11, succeeded: 11 });
    await app(h, `DELETE FROM $S.contact WHERE sfid IS NOT NULL`);
    expect(await h.drain()).toMatchObject({ claimed: 11, succeeded: 11 });
    expect(batches(h).map((b) => [b.api, b.operation, b.records])).toEqual([
      ['bulk', 'upsert', 12],
      ['bulk', 'update', 11],
      ['bulk', 'delete', 11],
    ]);
    const left = await query(
      h,
      `SELECT Id FROM Contact WHERE External_ID__c IN (${keys.map((k) => `'${k}'`).join(', ')})`,
    );
    expect(left).toEqual([]);
  });

  it('stays on collections when the mapping document disables bulk writes', async () => {
    const h = await harness({ settings: { bulkWriteThreshold: 2, bulkWritesDisabled: true } });
    const keys = Array.from({ length: 5 }, (_, i) => ext(`NOBULK${i}`));
    const values = keys.map((_, i) => `($${i + 1}, 'No bulk')`).join(', ');
    await app(h, `INSERT INTO $S.account (external_id__c, name) VALUES ${values}`, keys);
    expect(await h.drain()).toMatchObject({ succeeded: 5 });
    expect(batches(h).map((b) => b.api)).toEqual(['collections']);
  });

  it('never sends a create without a unique identifier through Bulk', async () => {
    const task = createMapping('Task', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Subject'],
    });
    const h = await harness({
      mappings: [...accountContactMappings(), task],
      settings: { bulkWriteThreshold: 2 },
    });
    const subject = ext('Bulk call');
    await app(h, `INSERT INTO $S.task (subject) SELECT $1 || i FROM generate_series(1, 5) AS i`, [
      subject,
    ]);
    expect(await h.drain()).toMatchObject({ succeeded: 5 });
    expect(batches(h).map((b) => [b.api, b.operation, b.records])).toEqual([
      ['collections', 'create', 5],
    ]);
  });

  it('a relationship reference goes out as a relationship column of the CSV', async () => {
    const h = await harness({ settings: { bulkWriteThreshold: 2 } });
    const accountKey = ext('BACC');
    await app(h, `INSERT INTO $S.account (external_id__c, name) VALUES ($1, 'Bulk parent')`, [
      accountKey,
    ]);
    const keys = Array.from({ length: 4 }, (_, i) => ext(`BCON${i}`));
    const values = keys.map((_, i) => `($${i + 2}, 'Kid', $1)`).join(', ');
    await app(
      h,
      `INSERT INTO $S.contact (external_id__c, lastname, account__external_id__c) VALUES ${values}`,
      [accountKey, ...keys],
    );
    expect(await h.drain()).toMatchObject({ claimed: 5, succeeded: 5 });
    const account = await h.row('account', 'external_id__c = $1', [accountKey]);
    const contacts = await query<{ AccountId: string }>(
      h,
      `SELECT AccountId FROM Contact WHERE Account.External_ID__c = '${accountKey}'`,
    );
    expect(contacts.map((c) => c.AccountId)).toEqual(Array(4).fill(account.sfid));
    expect(batches(h).map((b) => [b.table, b.api])).toEqual([
      ['account', 'collections'],
      ['contact', 'bulk'],
    ]);
  });
});

describe('trigger-log operations', () => {
  const fail = (message: string) =>
    local().org.faults.set({
      writes: { count: 1, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message },
    });

  it('merged: retry puts FAILED rows back to NEW; a second failure is written again', async () => {
    const h = await harness();
    const key = ext('RETRY');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Retry me', $1)`, [key]);
    fail('first refusal');
    expect(await h.drain()).toMatchObject({ failed: 1 });
    const [failed] = await h.log();
    expect(failed).toMatchObject({
      state: 'FAILED',
      sf_message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: first refusal',
    });

    // Retried and refused again: _hc_lastop was FAILED already, and still the new error sticks.
    expect(
      await retryTriggerLogRows(h.pool, h.world.schemaName, { ids: [failed!.id] }, 'merged'),
    ).toEqual({ requeued: 1 });
    expect((await h.log())[0]?.state).toBe('NEW');
    fail('second refusal');
    expect(await h.drain()).toMatchObject({ failed: 1 });
    const row = await h.row('account', 'external_id__c = $1', [key]);
    expect(row._hc_lastop).toBe('FAILED');
    expect(JSON.parse(String(row._hc_err))).toEqual({
      op: 'INSERT',
      src: 'SFDC',
      msg: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: second refusal',
    });

    // All FAILED rows of the table, then a clean run.
    expect(
      await retryTriggerLogRows(h.pool, h.world.schemaName, { table: 'account' }, 'merged'),
    ).toEqual({ requeued: 1 });
    expect(await h.drain()).toMatchObject({ succeeded: 1 });
    const synced = await h.row('account', 'external_id__c = $1', [key]);
    expect(synced._hc_lastop).toBe('INSERTED');
    expect(synced._hc_err).toBeNull();
    expect(await query(h, `SELECT Id FROM Account WHERE External_ID__c = '${key}'`)).toHaveLength(
      1,
    );
  });

  it('merged: the user fixes a failed insert in Postgres, then retries it; the record keeps the fix', async () => {
    const h = await harness();
    const key = ext('FIXED');
    await app(
      h,
      `INSERT INTO $S.account (name, external_id__c, industry) VALUES ('Bad', $1, 'Energy')`,
      [key],
    );
    fail('refused as logged');
    expect(await h.drain()).toMatchObject({ failed: 1 });
    const [failed] = await h.log();

    // The fix goes out on its own (the UPDATE of a record without an sfid is an insert of the row).
    await app(h, `UPDATE $S.account SET name = 'Good' WHERE external_id__c = $1`, [key]);
    expect(await h.drain()).toMatchObject({ succeeded: 1 });
    // Meanwhile someone edits the record in Salesforce, in a field the insert left empty.
    const [created] = await query<{ Id: string }>(
      h,
      `SELECT Id FROM Account WHERE External_ID__c = '${key}'`,
    );
    await h.world.salesforce
      .sobject('Account')
      .update({ Id: String(created!.Id), NumberOfEmployees: 42 });
    // Retrying the old INSERT row sends the columns it set as the row holds them now (not its
    // refused logged values), and leaves alone what it did not set.
    await retryTriggerLogRows(h.pool, h.world.schemaName, { ids: [failed!.id] }, 'merged');
    expect(await h.drain()).toMatchObject({ succeeded: 1, failed: 0 });
    expect((await h.log()).map((l) => l.state)).toEqual(['SUCCESS', 'SUCCESS']);
    const records = await query(
      h,
      `SELECT Name, Industry, NumberOfEmployees FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(records).toEqual([
      expect.objectContaining({ Name: 'Good', Industry: 'Energy', NumberOfEmployees: 42 }),
    ]);
  });

  it('ordered: retry captures the change again and marks the old row REQUEUED', async () => {
    const h = await harness({ writeAlgorithm: 'ordered' });
    const key = ext('ORETRY');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Ordered', $1)`, [key]);
    await h.drain();
    await app(h, `UPDATE $S.account SET industry = 'Banking' WHERE external_id__c = $1`, [key]);
    fail('update refused');
    expect(await h.drain()).toMatchObject({ failed: 1 });
    const failed = (await h.log())[1]!;
    expect(failed).toMatchObject({ action: 'UPDATE', state: 'FAILED' });
    await retryTriggerLogRows(h.pool, h.world.schemaName, { allFailed: true }, 'ordered');
    const [again] = await listTriggerLog(h.pool, h.world.schemaName, { state: 'NEW' });
    expect(again).toMatchObject({ action: 'UPDATE', state: 'NEW', table_name: 'account' });
    // Only the failed row's columns, with the record's sfid.
    expect(Object.keys(again!.values ?? {})).toEqual(['industry']);
    expect(again!.sfid).toMatch(/^001/);
    expect((await h.log())[1]?.state).toBe('REQUEUED');
    expect(await h.drain()).toMatchObject({ succeeded: 1 });
    const record = await one<{ Industry: string }>(
      h,
      `SELECT Industry FROM Account WHERE External_ID__c = '${key}'`,
    );
    expect(record.Industry).toBe('Banking');
  });

  it('refuses rows in other states by name; ignores FAILED and NEW rows', async () => {
    const h = await harness();
    const keys = [ext('IGN1'), ext('IGN2')];
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Fine', $1)`, [keys[0]]);
    await h.drain();
    const [done] = await h.log();
    await expect(
      retryTriggerLogRows(h.pool, h.world.schemaName, { ids: [done!.id] }, 'merged'),
    ).rejects.toThrow(`Trigger-log row ${done!.id} (INSERT of account 1) is SUCCESS`);
    await expect(
      ignoreTriggerLogRows(h.pool, h.world.schemaName, { ids: [done!.id] }),
    ).rejects.toThrow(/is SUCCESS; only FAILED and NEW rows can be ignored/);
    await expect(
      retryTriggerLogRows(h.pool, h.world.schemaName, { ids: [999_999] }, 'merged'),
    ).rejects.toThrow(/999999 does not exist/);

    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Never', $1)`, [keys[1]]);
    const waiting = (await h.log())[1]!;
    expect(await ignoreTriggerLogRows(h.pool, h.world.schemaName, { ids: [waiting.id] })).toEqual({
      ignored: 1,
    });
    expect(await h.drain()).toMatchObject({ claimed: 0 });
    expect(await query(h, `SELECT Id FROM Account WHERE External_ID__c = '${keys[1]}'`)).toEqual(
      [],
    );
    // An IGNORED row can be retried when asked for explicitly.
    await expect(
      retryTriggerLogRows(h.pool, h.world.schemaName, { ids: [waiting.id] }, 'merged'),
    ).rejects.toThrow(/is IGNORED; only FAILED rows can be retried/);
    await retryTriggerLogRows(
      h.pool,
      h.world.schemaName,
      { ids: [waiting.id], includeIgnored: true },
      'merged',
    );
    expect(await h.drain()).toMatchObject({ succeeded: 1 });
  });

  it('archives processed rows, purges old archive rows, lists and retries from the archive', async () => {
    const h = await harness();
    const schema = h.world.schemaName;
    const keys = [ext('ARC1'), ext('ARC2'), ext('ARC3')];
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Archived', $1)`, [
      keys[0],
    ]);
    await h.drain();
    fail('archived failure');
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Failing', $1)`, [keys[1]]);
    await h.drain();
    await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Waiting', $1)`, [keys[2]]);
    expect(await triggerLogCounts(h.pool, schema)).toEqual({ SUCCESS: 1, FAILED: 1, NEW: 1 });

    const day = 86_400_000;
    expect(
      await archiveTriggerLog(h.pool, schema, {
        olderThanMs: day,
        purgeAfterMs: 31 * day,
        now: new Date(),
      }),
    ).toEqual({ archived: 0, purged: 0 });
    const later = new Date(Date.now() + 2 * day);
    expect(
      await archiveTriggerLog(h.pool, schema, {
        olderThanMs: day,
        purgeAfterMs: 31 * day,
        now: later,
      }),
    ).toEqual({ archived: 2, purged: 0 });
    expect(await triggerLogCounts(h.pool, schema)).toEqual({ NEW: 1 });

    const both = await listTriggerLog(h.pool, schema, { archive: 'both' });
    expect(both.map((e) => [e.state, e.source])).toEqual([
      ['NEW', 'live'],
      ['FAILED', 'archive'],
      ['SUCCESS', 'archive'],
    ]);
    const archivedFailure = both[1]!;
    expect(archivedFailure.sf_message).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION: archived failure');
    expect(archivedFailure.values).toMatchObject({ name: 'Failing', external_id__c: keys[1] });
    expect(archivedFailure.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // Retrying an archived row copies it back as a new NEW row; the archive row is REQUEUED.
    await retryTriggerLogRows(h.pool, schema, { ids: [archivedFailure.id] }, 'merged');
    const archive = await listTriggerLog(h.pool, schema, { archive: 'archive' });
    expect(archive.find((e) => e.id === archivedFailure.id)?.state).toBe('REQUEUED');
    expect(await h.drain()).toMatchObject({ claimed: 2, succeeded: 2 });
    expect(
      await query(h, `SELECT Id FROM Account WHERE External_ID__c IN ('${keys[1]}', '${keys[2]}')`),
    ).toHaveLength(2);

    const muchLater = new Date(Date.now() + 40 * day);
    const result = await archiveTriggerLog(h.pool, schema, {
      olderThanMs: day,
      purgeAfterMs: 31 * day,
      now: muchLater,
    });
    expect(result.archived).toBe(2);
    expect(result.purged).toBe(4);
    expect(await listTriggerLog(h.pool, schema, { archive: 'both' })).toEqual([]);
  });

  it('lists with filters and pages newest first', async () => {
    const h = await harness();
    const schema = h.world.schemaName;
    const keys = Array.from({ length: 5 }, (_, i) => ext(`LIST${i}`));
    for (const key of keys) {
      await app(h, `INSERT INTO $S.account (name, external_id__c) VALUES ('Listed', $1)`, [key]);
    }
    await app(h, `INSERT INTO $S.contact (lastname, external_id__c) VALUES (NULL, $1)`, [ext('C')]);
    await h.drain();
    await app(h, `UPDATE $S.account SET name = 'Relisted' WHERE external_id__c = $1`, [keys[0]]);

    const all = await listTriggerLog(h.pool, schema);
    expect(all.map((e) => e.id)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const first = await listTriggerLog(h.pool, schema, { limit: 3 });
    const second = await listTriggerLog(h.pool, schema, { limit: 3, beforeId: first.at(-1)!.id });
    expect([...first, ...second].map((e) => e.id)).toEqual([7, 6, 5, 4, 3, 2]);
    expect(
      (await listTriggerLog(h.pool, schema, { state: 'failed' })).map((e) => e.table_name),
    ).toEqual(['contact']);
    expect(await listTriggerLog(h.pool, schema, { table: 'contact', state: ['SUCCESS'] })).toEqual(
      [],
    );
    const update = await listTriggerLog(h.pool, schema, { action: 'UPDATE' });
    expect(update).toHaveLength(1);
    expect(update[0]).toMatchObject({ state: 'NEW', values: { name: 'Relisted' } });
    expect(update[0]!.old).toMatchObject({ name: 'Listed', external_id__c: keys[0] });
    expect(update[0]!.sfid).toMatch(/^001/);
    expect(await listTriggerLog(h.pool, schema, { sfid: update[0]!.sfid! })).toHaveLength(1);
    expect(await listTriggerLog(h.pool, schema, { recordId: 1, table: 'account' })).toHaveLength(2);
    expect(await listTriggerLog(h.pool, schema, { text: 'lastname' })).toHaveLength(1);
    expect(await listTriggerLog(h.pool, schema, { text: 'required fields' })).toHaveLength(1);
    expect(await listTriggerLog(h.pool, schema, { text: '100%' })).toEqual([]);
    expect(await listTriggerLog(h.pool, schema, { until: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(await listTriggerLog(h.pool, schema, { since: '2000-01-01T00:00:00Z' })).toHaveLength(7);
    await expect(listTriggerLog(h.pool, schema, { state: 'DONE' })).rejects.toThrow(
      /"DONE" is not a trigger-log state/,
    );
    await expect(listTriggerLog(h.pool, schema, { since: 'yesterday' })).rejects.toThrow(
      /The since time "yesterday" is not a time/,
    );
  });
});
