// Application statements against tables laid out by planSchema + applySchemaPlan produce the
// trigger-log rows and _hc_lastop values of reference §1.5 / §2; engine-session writes do not.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applySchemaPlan,
  introspectSchema,
  openPool,
  withEngineSession,
} from '../../src-main/postgres';
import {
  createMapping,
  ENGINE_SESSION_SQL,
  formatConnectExport,
  listenTriggerLogSql,
  planSchema,
  triggerLogChannel,
  type MappingDocument,
} from '../../src-shared/mapping';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { fixtureCatalog } from '../support/describes';

const postgres = useEmbeddedPostgres();
const SCHEMA = 'salesforce';
let pool: pg.Pool;

const document: MappingDocument = {
  version: 1,
  connection: { writeAlgorithm: 'merged', features: {} },
  mappings: [
    createMapping('Account', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'Name', 'External_ID__c', 'NumberOfEmployees'],
      upsertField: 'External_ID__c',
      indexes: [
        { field: 'Id', unique: true },
        { field: 'SystemModstamp', unique: false },
      ],
    }),
    createMapping('Contact', {
      access: 'read_write',
      fields: [
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'LastName',
        'Email',
        'Title',
        'AccountId',
        'Account__External_ID__c',
        'External_ID__c',
      ],
      upsertField: 'External_ID__c',
    }),
    createMapping('Lead', {
      access: 'read_only',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'LastName', 'Company'],
    }),
  ],
};

interface LogRow {
  id: number;
  state: string;
  action: string;
  table_name: string;
  record_id: number;
  sfid: string | null;
  old: Record<string, string | null> | null;
  values: Record<string, string | null> | null;
  values_text: string | null;
  txid: string;
  created_at: Date | null;
}

async function logRows(): Promise<LogRow[]> {
  const { rows } = await pool.query<LogRow>(
    `SELECT id, state, action, table_name, record_id, sfid,
            hstore_to_json(old::hstore) AS old, hstore_to_json("values"::hstore) AS values,
            "values" AS values_text, txid::text AS txid, created_at
       FROM salesforce._trigger_log ORDER BY id`,
  );
  return rows;
}

/** The log rows without the bookkeeping columns, for exact comparisons. */
async function logEntries() {
  return (await logRows()).map(({ state, action, table_name, record_id, sfid, old, values }) => ({
    state,
    action,
    table_name,
    record_id,
    sfid,
    old,
    values,
  }));
}

async function status(table: string, id: number) {
  const { rows } = await pool.query<{ _hc_lastop: string | null; _hc_err: string | null }>(
    `SELECT _hc_lastop, _hc_err FROM salesforce.${table} WHERE id = $1`,
    [id],
  );
  return rows[0];
}

async function insertAccount(name: string, externalId: string): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO salesforce.account (name, external_id__c) VALUES ($1, $2) RETURNING id`,
    [name, externalId],
  );
  return rows[0]!.id;
}

/** What the engine does after Salesforce accepted an insert: write the Id back, unlogged. */
async function syncAccount(id: number, sfid: string): Promise<void> {
  await withEngineSession(pool, (client) =>
    client.query(`UPDATE salesforce.account SET sfid = $1 WHERE id = $2`, [sfid, id]),
  );
}

beforeAll(async () => {
  pool = await openPool(postgres().url);
  const plan = planSchema({
    schemaName: SCHEMA,
    mappings: document.mappings,
    catalog: fixtureCatalog(),
    current: await introspectSchema(pool, SCHEMA),
  });
  expect(plan.warnings).toEqual([]);
  await applySchemaPlan(pool, plan, {
    schemaName: SCHEMA,
    orgId: '00D000000000001EAA',
    mappingsJson: formatConnectExport(document),
  });
});

afterAll(async () => {
  await pool?.end();
});

beforeEach(async () => {
  // TRUNCATE is not logged (no statement trigger), which is what a clean slate needs.
  await pool.query(
    'TRUNCATE salesforce._trigger_log, salesforce.account, salesforce.contact, salesforce.lead RESTART IDENTITY',
  );
});

describe('the applied layout', () => {
  it('has the per-table triggers and the _hcmeta record', async () => {
    const snapshot = await introspectSchema(pool, SCHEMA);
    const account = snapshot.tables.find((t) => t.name === 'account')!;
    expect(account.mapped).toBe(true);
    expect(account.triggers.map((t) => [t.name, t.functionName])).toEqual([
      ['hc_account_logtrigger', 'hc_account_logger'],
      ['hc_account_status_trigger', 'hc_account_status'],
    ]);
    // (pg_get_triggerdef leaves out "public." because public is on the search_path.)
    expect(account.triggers[0]!.definition).toBe(
      'CREATE TRIGGER hc_account_logtrigger AFTER INSERT OR DELETE OR UPDATE ON salesforce.account ' +
        "FOR EACH ROW WHEN (((get_xmlbinary())::text = 'base64'::text)) " +
        'EXECUTE FUNCTION salesforce.hc_account_logger()',
    );
    expect(account.indexes.map((i) => i.name).sort()).toEqual([
      'account_pkey',
      'hc_idx_account_systemmodstamp',
      'hcu_idx_account_external_id__c',
      'hcu_idx_account_sfid',
    ]);
    const contact = snapshot.tables.find((t) => t.name === 'contact')!;
    expect(contact.columns.find((c) => c.name === 'account__external_id__c')?.type).toBe(
      'character varying(36)',
    );
    expect(snapshot.tables.find((t) => t.name === 'lead')!.columns.map((c) => c.name)).toEqual([
      'id',
      'sfid',
      'systemmodstamp',
      'isdeleted',
      'lastname',
      'company',
      '_hc_lastop',
      '_hc_err',
    ]);
    expect(snapshot.hcmeta).toHaveLength(1);
    expect(snapshot.hcmeta[0]).toMatchObject({ hcver: 1, orgId: '00D000000000001EAA' });
    expect(JSON.parse(snapshot.hcmeta[0]!.details!)).toMatchObject({
      version: 1,
      mappings: [{ object_name: 'Account' }, { object_name: 'Contact' }, { object_name: 'Lead' }],
    });
    const trigger = snapshot.tables.find((t) => t.name === '_trigger_log')!.triggers;
    expect(trigger.map((t) => t.name)).toEqual(['tlog_insert_trigger']);
  });
});

describe('application writes on a read-write table', () => {
  it('INSERT logs the whole row (minus _hc_*) as NEW and marks the row PENDING', async () => {
    const id = await insertAccount('Acme', 'acc-1');
    const { rows } = await pool.query<{ txid: string }>('SELECT txid_current()::text AS txid');
    const log = await logRows();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      state: 'NEW',
      action: 'INSERT',
      table_name: 'account',
      record_id: id,
      sfid: null,
      old: null,
      values: {
        id: String(id),
        sfid: null,
        systemmodstamp: null,
        isdeleted: null,
        name: 'Acme',
        external_id__c: 'acc-1',
        numberofemployees: null,
      },
    });
    expect(Object.keys(log[0]!.values!)).toHaveLength(7);
    // Captured in the inserting transaction, which came before this one.
    expect(BigInt(log[0]!.txid)).toBeLessThan(BigInt(rows[0]!.txid));
    expect(log[0]!.created_at).toBeInstanceOf(Date);
    expect(await status('account', id)).toEqual({ _hc_lastop: 'PENDING', _hc_err: null });
  });

  it('carries the relationship external ID of a child inserted with its parent', async () => {
    await pool.query('BEGIN');
    const parent = await insertAccount('Parent Co', 'acc-parent');
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO salesforce.contact (lastname, account__external_id__c, external_id__c)
       VALUES ('Lovelace', 'acc-parent', 'con-1') RETURNING id`,
    );
    await pool.query('COMMIT');
    const log = await logEntries();
    expect(log.map((r) => [r.table_name, r.action, r.state, r.record_id])).toEqual([
      ['account', 'INSERT', 'NEW', parent],
      ['contact', 'INSERT', 'NEW', rows[0]!.id],
    ]);
    expect(log[1]!.values).toMatchObject({
      lastname: 'Lovelace',
      account__external_id__c: 'acc-parent',
      accountid: null,
      external_id__c: 'con-1',
    });
  });

  it('UPDATE after sync logs only the changed values, the old row and the sfid', async () => {
    const id = await insertAccount('Acme', 'acc-1');
    await syncAccount(id, '001000000000001AAA');
    expect(await status('account', id)).toEqual({ _hc_lastop: 'SYNCED', _hc_err: null });
    await pool.query(
      `UPDATE salesforce.account SET name = 'Acme Corp', numberofemployees = 12 WHERE id = $1`,
      [id],
    );
    const log = await logEntries();
    expect(log).toHaveLength(2); // the INSERT, then this UPDATE; the write-back is not logged
    expect(log[1]).toEqual({
      state: 'NEW',
      action: 'UPDATE',
      table_name: 'account',
      record_id: id,
      sfid: '001000000000001AAA',
      old: {
        id: String(id),
        sfid: '001000000000001AAA',
        systemmodstamp: null,
        isdeleted: null,
        name: 'Acme',
        external_id__c: 'acc-1',
        numberofemployees: null,
      },
      values: { name: 'Acme Corp', numberofemployees: '12' },
    });
    expect(await status('account', id)).toEqual({ _hc_lastop: 'PENDING', _hc_err: null });
  });

  it('several updates of one row give one log row each, in order, each with its own delta', async () => {
    const id = await insertAccount('A', 'acc-1');
    await syncAccount(id, '001000000000002AAA');
    for (const name of ['B', 'C', 'D']) {
      await pool.query(`UPDATE salesforce.account SET name = $1 WHERE id = $2`, [name, id]);
    }
    await pool.query(`UPDATE salesforce.account SET numberofemployees = 5 WHERE id = $1`, [id]);
    const updates = (await logEntries()).filter((r) => r.action === 'UPDATE');
    expect(updates.map((r) => [r.state, r.sfid, r.old?.name, r.values])).toEqual([
      ['NEW', '001000000000002AAA', 'A', { name: 'B' }],
      ['NEW', '001000000000002AAA', 'B', { name: 'C' }],
      ['NEW', '001000000000002AAA', 'C', { name: 'D' }],
      ['NEW', '001000000000002AAA', 'D', { numberofemployees: '5' }],
    ]);
  });

  it('an UPDATE that changes nothing is logged as IGNORE with empty values', async () => {
    const id = await insertAccount('Same', 'acc-1');
    await syncAccount(id, '001000000000003AAA');
    await pool.query(`UPDATE salesforce.account SET name = name WHERE id = $1`, [id]);
    // Touching only the status columns is no change either (they are never sent).
    await pool.query(`UPDATE salesforce.account SET _hc_err = 'x' WHERE id = $1`, [id]);
    const log = await logRows();
    expect(log.map((r) => [r.action, r.state, r.values_text, r.sfid])).toEqual([
      ['INSERT', 'NEW', expect.any(String), null],
      ['UPDATE', 'IGNORE', '', '001000000000003AAA'],
      ['UPDATE', 'IGNORE', '', '001000000000003AAA'],
    ]);
    expect(await status('account', id)).toEqual({ _hc_lastop: 'PENDING', _hc_err: null });
  });

  it('DELETE of a synced row is NEW with the old row; of a never-synced row, IGNORE', async () => {
    const synced = await insertAccount('Synced', 'acc-1');
    await syncAccount(synced, '001000000000004AAA');
    const local = await insertAccount('Local only', 'acc-2');
    await pool.query(`DELETE FROM salesforce.account WHERE id = ANY($1)`, [[synced, local]]);
    const deletes = (await logEntries()).filter((r) => r.action === 'DELETE');
    expect(deletes).toEqual([
      {
        state: 'NEW',
        action: 'DELETE',
        table_name: 'account',
        record_id: synced,
        sfid: '001000000000004AAA',
        old: {
          id: String(synced),
          sfid: '001000000000004AAA',
          systemmodstamp: null,
          isdeleted: null,
          name: 'Synced',
          external_id__c: 'acc-1',
          numberofemployees: null,
        },
        values: null,
      },
      {
        state: 'IGNORE',
        action: 'DELETE',
        table_name: 'account',
        record_id: local,
        sfid: null,
        old: expect.objectContaining({ name: 'Local only', sfid: null }),
        values: null,
      },
    ]);
  });

  it('turns empty strings an application writes into NULL', async () => {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO salesforce.contact (lastname, email, title) VALUES ('Hopper', '', '') RETURNING id`,
    );
    const id = rows[0]!.id;
    const stored = await pool.query(`SELECT email, title FROM salesforce.contact WHERE id = $1`, [
      id,
    ]);
    expect(stored.rows[0]).toEqual({ email: null, title: null });
    expect((await logEntries())[0]!.values).toMatchObject({ email: null, title: null });

    // A '' the engine stored (a Bulk read cannot tell it from NULL) is left alone when the
    // application updates another column; a '' the application writes becomes NULL.
    await withEngineSession(pool, (client) =>
      client.query(
        `UPDATE salesforce.contact SET title = '', sfid = '003000000000001AAA' WHERE id = $1`,
        [id],
      ),
    );
    await pool.query(`UPDATE salesforce.contact SET lastname = 'Hopper G.' WHERE id = $1`, [id]);
    await pool.query(`UPDATE salesforce.contact SET email = '' WHERE id = $1`, [id]);
    const after = await pool.query(`SELECT email, title FROM salesforce.contact WHERE id = $1`, [
      id,
    ]);
    expect(after.rows[0]).toEqual({ email: null, title: '' });
    const updates = (await logEntries()).filter((r) => r.action === 'UPDATE');
    expect(updates.map((r) => [r.state, r.values])).toEqual([
      ['NEW', { lastname: 'Hopper G.' }],
      ['IGNORE', {}], // email was already NULL: '' -> NULL changes nothing
    ]);
  });

  it('works for sessions whose search_path leaves out public', async () => {
    const client = new pg.Client({ connectionString: postgres().url });
    await client.connect();
    try {
      await client.query('SET search_path = salesforce');
      await client.query(
        `INSERT INTO account (name, external_id__c) VALUES ('No public', 'acc-9')`,
      );
      await client.query(`UPDATE account SET name = '' WHERE external_id__c = 'acc-9'`);
    } finally {
      await client.end();
    }
    expect((await logEntries()).map((r) => [r.action, r.state, r.values?.name])).toEqual([
      ['INSERT', 'NEW', 'No public'],
      ['UPDATE', 'NEW', null],
    ]);
  });
});

describe('application writes on a read-only table', () => {
  it('logs every change as READONLY, never IGNORE', async () => {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO salesforce.lead (lastname, company) VALUES ('Curie', 'Radium') RETURNING id`,
    );
    const id = rows[0]!.id;
    await pool.query(`UPDATE salesforce.lead SET company = company WHERE id = $1`, [id]);
    await pool.query(`UPDATE salesforce.lead SET company = 'Polonium' WHERE id = $1`, [id]);
    await pool.query(`DELETE FROM salesforce.lead WHERE id = $1`, [id]);
    const log = await logEntries();
    expect(
      log.map((r) => [r.action, r.state, r.table_name, r.record_id, r.sfid, r.values]),
    ).toEqual([
      ['INSERT', 'READONLY', 'lead', id, null, expect.objectContaining({ company: 'Radium' })],
      ['UPDATE', 'READONLY', 'lead', id, null, {}],
      ['UPDATE', 'READONLY', 'lead', id, null, { company: 'Polonium' }],
      ['DELETE', 'READONLY', 'lead', id, null, null],
    ]);
  });
});

describe('the engine session (xmlbinary = hex)', () => {
  it('writes nothing to the trigger log and marks rows SYNCED', async () => {
    await withEngineSession(pool, async (client) => {
      await client.query(
        `INSERT INTO salesforce.account (sfid, name, external_id__c, systemmodstamp)
         VALUES ('001000000000009AAA', 'From Salesforce', 'acc-sf', '2024-01-02 03:04:05')`,
      );
      await client.query(`UPDATE salesforce.account SET name = 'Renamed in Salesforce'`);
      await client.query(
        `INSERT INTO salesforce.lead (sfid, lastname) VALUES ('00Q000000000001AAA', 'L')`,
      );
      await client.query(`DELETE FROM salesforce.lead`);
    });
    expect(await logRows()).toEqual([]);
    const { rows } = await pool.query(`SELECT _hc_lastop, _hc_err FROM salesforce.account`);
    expect(rows).toEqual([{ _hc_lastop: 'SYNCED', _hc_err: null }]);
  });

  it('keeps an outcome the engine sets itself, until its next plain write', async () => {
    const id = await insertAccount('Will fail', 'acc-1');
    const err = '{"message":"REQUIRED_FIELD_MISSING"}';
    await withEngineSession(pool, async (client) => {
      await client.query(
        `UPDATE salesforce.account SET _hc_lastop = 'FAILED', _hc_err = $1 WHERE id = $2`,
        [err, id],
      );
    });
    expect(await status('account', id)).toEqual({ _hc_lastop: 'FAILED', _hc_err: err });
    await withEngineSession(pool, (client) =>
      client.query(`UPDATE salesforce.account SET numberofemployees = 1 WHERE id = $1`, [id]),
    );
    expect(await status('account', id)).toEqual({ _hc_lastop: 'SYNCED', _hc_err: null });
    expect((await logRows()).map((r) => r.action)).toEqual(['INSERT']);
  });

  it('is reset before a pooled connection serves an application again', async () => {
    const pooled = await openPool(postgres().url, { max: 1 });
    try {
      await withEngineSession(pooled, (client) => client.query('SELECT 1'));
      const { rows } = await pooled.query<{ xmlbinary: string }>(
        `SELECT public.get_xmlbinary() AS xmlbinary`,
      );
      expect(rows[0]!.xmlbinary).toBe('base64');
      const raw = await pooled.connect();
      try {
        await raw.query(ENGINE_SESSION_SQL);
        const engine = await raw.query<{ x: string }>(`SELECT public.get_xmlbinary() AS x`);
        expect(engine.rows[0]!.x).toBe('hex');
        await raw.query('RESET xmlbinary');
      } finally {
        raw.release();
      }
    } finally {
      await pooled.end();
    }
  });
});

describe('NOTIFY on <schema>.hc_trigger_log', () => {
  it('pings the listener for each logged change and not for engine writes', async () => {
    const listener = new pg.Client({ connectionString: postgres().url });
    await listener.connect();
    const heard: Array<{ channel: string; payload: string | undefined }> = [];
    listener.on('notification', (n) => heard.push({ channel: n.channel, payload: n.payload }));
    try {
      await listener.query(listenTriggerLogSql(SCHEMA));
      await withEngineSession(pool, (client) =>
        client.query(`INSERT INTO salesforce.account (name) VALUES ('quiet')`),
      );
      await insertAccount('loud', 'acc-1');
      await insertAccount('louder', 'acc-2');
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // A little longer, to be sure no third (engine) notification follows.
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([
        { channel: triggerLogChannel(SCHEMA), payload: 'ping' },
        { channel: 'salesforce.hc_trigger_log', payload: 'ping' },
      ]);
    } finally {
      await listener.end();
    }
  });
});

describe('hc_capture_insert_from_row / hc_capture_update_from_row', () => {
  it('re-capture a row as NEW INSERT or UPDATE rows and return their ids', async () => {
    const id = await insertAccount('Retry me', 'acc-1');
    await syncAccount(id, '001000000000005AAA');
    await pool.query(`UPDATE salesforce.account SET numberofemployees = 7 WHERE id = $1`, [id]);
    await pool.query('TRUNCATE salesforce._trigger_log');
    const inserted = await pool.query<{ log_id: number }>(
      `SELECT salesforce.hc_capture_insert_from_row(hstore(a.*), 'account', ARRAY['name', 'id', 'sfid']) AS log_id
         FROM salesforce.account a WHERE a.id = $1`,
      [id],
    );
    const updated = await pool.query<{ log_id: number }>(
      `SELECT salesforce.hc_capture_update_from_row(hstore(a.*), 'account', ARRAY['numberofemployees', 'name']) AS log_id
         FROM salesforce.account a WHERE a.id = $1`,
      [id],
    );
    const all = await pool.query<{ log_id: number }>(
      `SELECT salesforce.hc_capture_update_from_row(hstore(a.*), 'account') AS log_id
         FROM salesforce.account a WHERE a.id = $1`,
      [id],
    );
    const log = await logRows();
    expect(log.map((r) => r.id)).toEqual([
      inserted.rows[0]!.log_id,
      updated.rows[0]!.log_id,
      all.rows[0]!.log_id,
    ]);
    expect(
      log.map(({ state, action, table_name, record_id, sfid, old, values }) => ({
        state,
        action,
        table_name,
        record_id,
        sfid,
        old,
        values,
      })),
    ).toEqual([
      {
        state: 'NEW',
        action: 'INSERT',
        table_name: 'account',
        record_id: id,
        sfid: null,
        old: null,
        // name was excluded; id and sfid cannot be; _hc_* never travel.
        values: {
          id: String(id),
          sfid: '001000000000005AAA',
          systemmodstamp: null,
          isdeleted: null,
          external_id__c: 'acc-1',
          numberofemployees: '7',
        },
      },
      {
        state: 'NEW',
        action: 'UPDATE',
        table_name: 'account',
        record_id: id,
        sfid: '001000000000005AAA',
        old: null,
        values: { numberofemployees: '7', name: 'Retry me' },
      },
      expect.objectContaining({
        action: 'UPDATE',
        values: expect.objectContaining({ id: String(id), name: 'Retry me' }),
      }),
    ]);
    expect(log[2]!.values).not.toHaveProperty('_hc_lastop');
    const noId = await pool.query<{ log_id: number | null }>(
      `SELECT salesforce.hc_capture_insert_from_row(hstore('name', 'x'), 'account') AS log_id`,
    );
    expect(noId.rows[0]!.log_id).toBeNull();
  });
});
