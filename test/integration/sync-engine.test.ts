// The engine as a whole, over the demo org and a real database: runOnce loads and writes, the
// running engine wakes on NOTIFY and polls on its interval, pause holds writes, reload reloads.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSalesforceApi,
  createSyncEngine,
  type SyncEngine,
  type SyncEvent,
} from '../../src-main/sync';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { useLocalOrg } from '../support/local-org';
import { accountContactMappings, createSyncWorld, type SyncWorld } from '../support/sync-world';

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'demo' });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function orgCount(world: SyncWorld, object: string): Promise<number> {
  const result = await world.salesforce.query(`SELECT COUNT() FROM ${object}`);
  return result.totalSize;
}

async function tableCount(world: SyncWorld, table: string): Promise<number> {
  const { rows } = await world.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${world.schemaName}"."${table}"`,
  );
  return Number(rows[0]!.n);
}

function engineFor(world: SyncWorld, events: SyncEvent[] = []): SyncEngine {
  return createSyncEngine({
    pool: world.pool,
    databaseUrl: world.databaseUrl,
    salesforce: createSalesforceApi(world.salesforce, { backoffBaseMs: 20 }),
    catalog: world.catalog,
    document: world.document,
    settings: { schemaName: world.schemaName },
    writerPollMs: 5_000,
    onEvent: (event) => events.push(event),
  });
}

describe('runOnce', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await createSyncWorld({
      org: local().org,
      databaseUrl: postgres().url,
      mappings: accountContactMappings(),
    });
  });
  afterAll(() => world.close());

  it('loads every mapping, then writes application changes with their relationships', async () => {
    const events: SyncEvent[] = [];
    const first = await engineFor(world, events).runOnce();
    expect(first.ok).toBe(true);
    expect(await tableCount(world, 'account')).toBe(await orgCount(world, 'Account'));
    expect(await tableCount(world, 'contact')).toBe(await orgCount(world, 'Contact'));
    const loaded = first.mappings.map((m) => [m.objectName, m.loaded]);
    expect(loaded).toEqual([
      ['Account', await orgCount(world, 'Account')],
      ['Contact', await orgCount(world, 'Contact')],
    ]);
    expect(events.some((e) => e.type === 'load.progress')).toBe(true);

    // An application inserts a parent and its child in one transaction.
    const accountKey = randomUUID();
    const contactKey = randomUUID();
    const client = await world.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${world.schemaName}".account (name, external_id__c) VALUES ($1, $2)`,
        ['Engine Test Co', accountKey],
      );
      await client.query(
        `INSERT INTO "${world.schemaName}".contact (lastname, external_id__c, account__external_id__c)
         VALUES ($1, $2, $3)`,
        ['Engine', contactKey, accountKey],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const second = await engineFor(world).runOnce();
    expect(second.ok).toBe(true);
    expect(second.writes.succeeded).toBe(2);
    expect(second.triggerLog.FAILED ?? 0).toBe(0);

    const contact = await world.salesforce.query<{ Account: { External_ID__c: string } }>(
      `SELECT Id, Account.External_ID__c FROM Contact WHERE External_ID__c = '${contactKey}'`,
    );
    expect(contact.records[0]?.Account.External_ID__c).toBe(accountKey);
    const { rows } = await world.pool.query<{ sfid: string | null; _hc_lastop: string }>(
      `SELECT sfid, _hc_lastop FROM "${world.schemaName}".contact WHERE external_id__c = $1`,
      [contactKey],
    );
    expect(rows[0]?.sfid).toBe((contact.records[0] as unknown as { Id: string }).Id);
    expect(rows[0]?._hc_lastop).toBe('INSERTED');
  });
});

describe('a running engine', () => {
  let world: SyncWorld;
  let engine: SyncEngine;
  const events: SyncEvent[] = [];
  beforeAll(async () => {
    const mappings = accountContactMappings().map((m) => ({ ...m, sfPollingSeconds: 1 }));
    world = await createSyncWorld({ org: local().org, databaseUrl: postgres().url, mappings });
    engine = engineFor(world, events);
    await engine.start();
    await waitFor('the first polls', async () =>
      engine.statuses().every((s) => s.phase === 'synced') ? true : undefined,
    );
  });
  afterAll(async () => {
    await engine.stop();
    await world.close();
  });

  it('writes an application insert as soon as NOTIFY wakes it', async () => {
    const key = randomUUID();
    const started = Date.now();
    await world.pool.query(
      `INSERT INTO "${world.schemaName}".account (name, external_id__c) VALUES ('Notified', $1)`,
      [key],
    );
    const sfid = await waitFor('the sfid write-back', async () => {
      const { rows } = await world.pool.query<{ sfid: string | null }>(
        `SELECT sfid FROM "${world.schemaName}".account WHERE external_id__c = $1`,
        [key],
      );
      return rows[0]?.sfid ?? undefined;
    });
    // Far sooner than the 5 s fallback: the notification woke the writer.
    expect(Date.now() - started).toBeLessThan(4_000);
    const back = await world.salesforce.query(`SELECT Name FROM Account WHERE Id = '${sfid}'`);
    expect(back.totalSize).toBe(1);
  });

  it('polls changes made in the org into Postgres, without logging them', async () => {
    const { rows } = await world.pool.query<{ sfid: string }>(
      `SELECT sfid FROM "${world.schemaName}".contact WHERE sfid IS NOT NULL LIMIT 1`,
    );
    const sfid = rows[0]!.sfid;
    await world.salesforce.sobject('Contact').update({ Id: sfid, LastName: 'Polled-Back' });
    await waitFor('the poll', async () => {
      const { rows: now } = await world.pool.query<{ lastname: string }>(
        `SELECT lastname FROM "${world.schemaName}".contact WHERE sfid = $1`,
        [sfid],
      );
      return now[0]?.lastname === 'Polled-Back' ? true : undefined;
    });
    const { rows: logged } = await world.pool.query(
      `SELECT id FROM "${world.schemaName}"._trigger_log WHERE sfid = $1`,
      [sfid],
    );
    expect(logged).toEqual([]);
  });

  it('holds writes while paused and sends them on resume', async () => {
    await engine.pause();
    expect(engine.state()).toBe('paused');
    const key = randomUUID();
    await world.pool.query(
      `INSERT INTO "${world.schemaName}".account (name, external_id__c) VALUES ('Paused', $1)`,
      [key],
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { rows: held } = await world.pool.query<{ state: string }>(
      `SELECT state FROM "${world.schemaName}"._trigger_log ORDER BY id DESC LIMIT 1`,
    );
    expect(held[0]?.state).toBe('NEW');
    await engine.resume();
    await waitFor('the held write', async () => {
      const { rows } = await world.pool.query<{ state: string }>(
        `SELECT state FROM "${world.schemaName}"._trigger_log ORDER BY id DESC LIMIT 1`,
      );
      return rows[0]?.state === 'SUCCESS' ? true : undefined;
    });
  });

  it('reloads a mapping: the table is emptied and loaded again', async () => {
    await engine.reload('Contact');
    await waitFor('the reload', async () => {
      const status = engine.statuses().find((s) => s.objectName === 'Contact');
      return status?.phase === 'synced' && status.lastPollAt ? true : undefined;
    });
    expect(await tableCount(world, 'contact')).toBe(await orgCount(world, 'Contact'));
  });

  it('keeps an unsent application insert through a reload, and sends it afterwards', async () => {
    await engine.pause();
    const key = randomUUID();
    await world.pool.query(
      `INSERT INTO "${world.schemaName}".contact (lastname, external_id__c) VALUES ('Unsent', $1)`,
      [key],
    );
    await engine.reload('Contact');
    const { rows: kept } = await world.pool.query<{ sfid: string | null }>(
      `SELECT sfid FROM "${world.schemaName}".contact WHERE external_id__c = $1`,
      [key],
    );
    expect(kept).toEqual([{ sfid: null }]);
    await engine.resume();
    const sfid = await waitFor('the insert after the reload', async () => {
      const { rows } = await world.pool.query<{ sfid: string | null }>(
        `SELECT sfid FROM "${world.schemaName}".contact WHERE external_id__c = $1`,
        [key],
      );
      return rows[0]?.sfid ?? undefined;
    });
    const inOrg = await world.salesforce.query(
      `SELECT Id FROM Contact WHERE External_ID__c = '${key}'`,
    );
    expect(inOrg.records.map((r) => (r as { Id: string }).Id)).toEqual([sfid]);
    // One row for the record: the reload's load did not bring it in a second time.
    const { rows: copies } = await world.pool.query(
      `SELECT id FROM "${world.schemaName}".contact WHERE external_id__c = $1`,
      [key],
    );
    expect(copies).toHaveLength(1);
  });

  it('stops writing when it loses its lease, takes it back, and writes again', async () => {
    const seen = events.length;
    const logged = (text: string) =>
      events.slice(seen).some((e) => e.type === 'log' && e.message.includes(text));
    // Another session ends the engine's lease connection, as a database restart or a network cut would.
    await world.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'connect-studio sync' AND pid <> pg_backend_pid()`,
    );
    await waitFor('the lease loss', async () =>
      logged('lost its database lease') ? true : undefined,
    );
    await waitFor('the lease back', async () =>
      logged('holds its database lease again') ? true : undefined,
    );
    const key = randomUUID();
    await world.pool.query(
      `INSERT INTO "${world.schemaName}".account (name, external_id__c) VALUES ('After the lease', $1)`,
      [key],
    );
    // The new LISTEN wakes the writer: well before the 5 s fallback.
    const started = Date.now();
    await waitFor('the write after the lease came back', async () => {
      const { rows } = await world.pool.query<{ sfid: string | null }>(
        `SELECT sfid FROM "${world.schemaName}".account WHERE external_id__c = $1`,
        [key],
      );
      return rows[0]?.sfid ?? undefined;
    });
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
