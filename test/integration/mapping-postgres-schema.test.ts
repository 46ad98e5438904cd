// Schema changes on a live layout (ALTER only, data kept), hostile names end to end, the
// installer's transaction and _hcmeta record, and read-only introspection of a schema shaped
// the way Heroku Connect creates one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applySchemaPlan,
  introspectSchema,
  openPool,
  PostgresConnectError,
  SchemaApplyError,
} from '../../src-main/postgres';
import {
  appliedMappings,
  createMapping,
  formatConnectExport,
  mappingsFromSnapshot,
  listenTriggerLogSql,
  parseConnectExport,
  planSchema,
  qualifiedName,
  quoteIdentifier,
  type Mapping,
  type MappingDocument,
  type SchemaPlan,
} from '../../src-shared/mapping';
import {
  createDescribeCatalog,
  type DescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { fixtureCatalog, loadFixtureDescribes } from '../support/describes';
import { closedPort } from '../support/net';

const postgres = useEmbeddedPostgres();
const catalog = fixtureCatalog();
let pool: pg.Pool;

beforeAll(async () => {
  pool = await openPool(postgres().url);
});
afterAll(async () => {
  await pool?.end();
});

function urlFor(database: string, user?: { name: string; password: string }): string {
  const url = new URL(postgres().url);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user.name;
    url.password = user.password;
  }
  return url.toString();
}

async function planAndApply(
  schemaName: string,
  document: MappingDocument,
  options: { allowDrop?: boolean; catalog?: DescribeCatalog; target?: pg.Pool } = {},
): Promise<SchemaPlan> {
  const target = options.target ?? pool;
  const plan = planSchema({
    schemaName,
    mappings: document.mappings,
    catalog: options.catalog ?? catalog,
    current: await introspectSchema(target, schemaName),
    allowDrop: options.allowDrop,
  });
  await applySchemaPlan(target, plan, {
    schemaName,
    mappingsJson: formatConnectExport(document),
  });
  return plan;
}

describe('changing an applied mapping', () => {
  const SCHEMA = 'changes';
  const BASE = ['Id', 'IsDeleted', 'SystemModstamp'];
  const account = (fields: string[], extra: Partial<Mapping> = {}): MappingDocument => ({
    version: 1,
    mappings: [
      createMapping('Account', {
        access: 'read_write',
        fields: [...BASE, ...fields],
        upsertField: 'External_ID__c',
        ...extra,
      }),
    ],
  });
  const v1 = account(['Name', 'External_ID__c', 'NumberOfEmployees']);
  const rows = () =>
    pool
      .query(`SELECT * FROM changes.account ORDER BY id`)
      .then((r) => r.rows as Array<Record<string, unknown>>);
  const log = () =>
    pool
      .query<{ action: string; state: string; values: Record<string, string | null> | null }>(
        `SELECT action, state, hstore_to_json("values"::hstore) AS values
           FROM changes._trigger_log ORDER BY id`,
      )
      .then((r) => r.rows);

  beforeAll(async () => {
    await planAndApply(SCHEMA, v1);
    await pool.query(
      `INSERT INTO changes.account (name, external_id__c, numberofemployees)
       VALUES ('Acme', 'acc-1', 10), ('Globex', 'acc-2', 20)`,
    );
  });

  it('adds a field with one ALTER TABLE and keeps every row', async () => {
    const before = await rows();
    const plan = await planAndApply(
      SCHEMA,
      account(['Name', 'External_ID__c', 'NumberOfEmployees', 'Phone']),
    );
    expect(plan.statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "changes"."account" ADD COLUMN IF NOT EXISTS "phone" varchar(40)',
    ]);
    const after = await rows();
    expect(after).toEqual(before.map((r) => ({ ...r, phone: null })));
    await pool.query(`UPDATE changes.account SET phone = '555' WHERE name = 'Acme'`);
    expect((await log()).at(-1)).toEqual({
      action: 'UPDATE',
      state: 'NEW',
      values: { phone: '555' },
    });
  });

  it('keeps a removed field and its data unless dropping is allowed', async () => {
    const without = account(['Name', 'External_ID__c', 'Phone']);
    const kept = await planAndApply(SCHEMA, without);
    expect(kept.statements).toEqual([]);
    expect(kept.warnings.map((w) => w.code)).toEqual(['COLUMN_NOT_DROPPED']);
    expect((await rows()).map((r) => r.numberofemployees)).toEqual([10, 20]);

    const dropped = await planAndApply(SCHEMA, without, { allowDrop: true });
    expect(dropped.statements).toEqual([
      {
        sql: 'ALTER TABLE "changes"."account" DROP COLUMN IF EXISTS "numberofemployees"',
        purpose: 'Drop column account.numberofemployees and its data (no longer mapped)',
        destructive: true,
      },
    ]);
    const after = await rows();
    expect(after.map((r) => [r.name, r.external_id__c, r.phone])).toEqual([
      ['Acme', 'acc-1', '555'],
      ['Globex', 'acc-2', null],
    ]);
    expect(after[0]).not.toHaveProperty('numberofemployees');
    // The log function does not name columns, so it keeps working without the dropped one.
    await pool.query(
      `INSERT INTO changes.account (name, external_id__c) VALUES ('Initech', 'acc-3')`,
    );
    const inserted = (await log()).at(-1)!;
    expect(inserted.action).toBe('INSERT');
    expect(inserted.values).not.toHaveProperty('numberofemployees');
    expect(inserted.values).toMatchObject({ name: 'Initech', phone: null });
  });

  it('changes access by replacing the log function only; rows stay', async () => {
    const before = await rows();
    const readOnly = account(['Name', 'External_ID__c', 'Phone'], { access: 'read_only' });
    const plan = await planAndApply(SCHEMA, readOnly);
    expect(plan.statements.map((s) => s.purpose)).toEqual([
      'Create hc_account_logger() (logs changes as READONLY)',
    ]);
    expect(await rows()).toEqual(before);
    await pool.query(`UPDATE changes.account SET name = 'Acme Ltd' WHERE name = 'Acme'`);
    expect((await log()).at(-1)).toEqual({
      action: 'UPDATE',
      state: 'READONLY',
      values: { name: 'Acme Ltd' },
    });
  });

  it('records every apply in _hcmeta; the last one reads back as the applied document', async () => {
    const snapshot = await introspectSchema(pool, SCHEMA);
    expect(snapshot.hcmeta.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    const applied = appliedMappings(snapshot)!;
    expect(applied.mappings[0]).toMatchObject({ objectName: 'Account', access: 'read_only' });
    expect(formatConnectExport(applied)).toBe(
      formatConnectExport(account(['Name', 'External_ID__c', 'Phone'], { access: 'read_only' })),
    );
    // Read from the tables alone, the same mapping comes back (columns in table order).
    expect(mappingsFromSnapshot(snapshot, catalog).mappings).toEqual([
      createMapping('Account', {
        access: 'read_only',
        fields: ['Id', 'SystemModstamp', 'IsDeleted', 'Name', 'External_ID__c', 'Phone'],
        indexes: [
          { field: 'Id', unique: true },
          { field: 'SystemModstamp', unique: false },
          { field: 'External_ID__c', unique: true },
        ],
      }),
    ]);
  });
});

describe('the installer', () => {
  it('runs a plan in one transaction: a failing statement leaves nothing behind', async () => {
    const plan = planSchema({
      schemaName: 'broken',
      mappings: [createMapping('Account', { fields: ['Id', 'Name'] })],
      catalog,
    });
    plan.statements.push({
      sql: 'SELECT no_such_function()',
      purpose: 'A broken step',
      destructive: false,
    });
    const total = plan.statements.length;
    const error = await applySchemaPlan(pool, plan, {
      schemaName: 'broken',
      mappingsJson: '{}',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaApplyError);
    expect((error as SchemaApplyError).message).toMatch(
      new RegExp(
        `^Nothing was changed: statement ${total} of ${total} \\(A broken step\\) failed: function no_such_function\\(\\) does not exist\\.$`,
      ),
    );
    expect((error as SchemaApplyError).statement?.purpose).toBe('A broken step');
    const exists = await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'broken'`);
    expect(exists.rowCount).toBe(0);
  });

  it('refuses a plan made for another schema', async () => {
    const plan = planSchema({ schemaName: 'one', mappings: [], catalog });
    await expect(
      applySchemaPlan(pool, plan, { schemaName: 'two', mappingsJson: '{}' }),
    ).rejects.toThrow(/plan is for schema "one", not "two"/);
  });

  it('opens pools with a clear error for bad URLs and refused connections', async () => {
    await expect(openPool('not a url')).rejects.toThrow(/cannot be parsed/);
    await expect(openPool('mysql://localhost/db')).rejects.toThrow(/starts with mysql:/);
    const wrongPassword = new URL(postgres().url);
    wrongPassword.password = 'wrong';
    const refused = await openPool(wrongPassword.toString()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PostgresConnectError);
    expect((refused as Error).message).toMatch(/refused the password for postgres/);
    const closed = await openPool(
      `postgres://postgres:postgres@127.0.0.1:${await closedPort()}/postgres`,
    ).catch((e: unknown) => e);
    expect((closed as PostgresConnectError).message).toMatch(/Nothing is listening/);
    expect((closed as PostgresConnectError).hint).toMatch(/Is the server running/);
  });
});

describe('hostile names', () => {
  const SCHEMA = `we"ird;schema'`;
  const objectName = 'Robert"; DROP TABLE public.victim; --';
  const fieldName = `it's"; DELETE FROM public.victim; --名前`;
  const hostileField: FieldDescribe = { ...catalog.field('Account', 'Name')!, name: fieldName };
  const describe0: SObjectDescribe = {
    ...catalog.describe('Account')!,
    name: objectName,
    fields: [...catalog.describe('Account')!.fields, hostileField],
  };
  const hostileCatalog = createDescribeCatalog([...loadFixtureDescribes(), describe0]);
  const document: MappingDocument = {
    version: 1,
    mappings: [
      createMapping(objectName, {
        access: 'read_write',
        fields: ['Id', 'IsDeleted', 'SystemModstamp', fieldName, 'External_ID__c'],
        upsertField: 'External_ID__c',
        indexes: [{ field: fieldName, unique: false }],
      }),
    ],
  };
  const table = objectName.toLowerCase();
  const column = fieldName.toLowerCase();

  it('apply, write, log, notify and read back without any name reaching SQL unquoted', async () => {
    await pool.query(`CREATE TABLE public.victim (id int); INSERT INTO public.victim VALUES (1)`);
    await planAndApply(SCHEMA, document, { catalog: hostileCatalog });
    const listener = new pg.Client({ connectionString: postgres().url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.channel));
    try {
      await listener.query(listenTriggerLogSql(SCHEMA));
      await pool.query(
        `INSERT INTO ${qualifiedName(SCHEMA, table)} (${quoteIdentifier(column)}, external_id__c)
         VALUES ($1, 'h-1')`,
        [`'; DROP TABLE public.victim; --`],
      );
      const deadline = Date.now() + 5000;
      while (heard.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
    } finally {
      await listener.end();
    }
    expect(heard).toEqual([`${SCHEMA}.hc_trigger_log`]);
    expect((await pool.query('SELECT id FROM public.victim')).rows).toEqual([{ id: 1 }]);

    const logged = await pool.query<{ table_name: string; values: Record<string, string> }>(
      `SELECT table_name, hstore_to_json("values"::hstore) AS values FROM ${qualifiedName(SCHEMA, '_trigger_log')}`,
    );
    expect(logged.rows).toEqual([
      {
        table_name: table,
        values: expect.objectContaining({ [column]: `'; DROP TABLE public.victim; --` }),
      },
    ]);

    const snapshot = await introspectSchema(pool, SCHEMA);
    const found = snapshot.tables.find((t) => t.name === table)!;
    expect(found.mapped).toBe(true);
    expect(found.columns.map((c) => c.name)).toContain(column);
    expect(found.indexes.map((i) => i.name)).toContain(`hc_idx_${table}_${column}`.slice(0, 63));
    // Planning again against what is there finds nothing to do.
    expect(
      planSchema({
        schemaName: SCHEMA,
        mappings: document.mappings,
        catalog: hostileCatalog,
        current: snapshot,
      }).statements,
    ).toEqual([]);
    // And the recorded export reads back to the same file.
    expect(formatConnectExport(appliedMappings(snapshot)!)).toBe(formatConnectExport(document));
    expect(parseConnectExport(snapshot.hcmeta.at(-1)!.details!).mappings[0]!.fields).toContain(
      fieldName,
    );
  });
});

describe('introspecting a schema Heroku Connect created', () => {
  const reader = { name: 'hc_reader', password: 'reader-pass' };
  const catalogOnly = { name: 'hc_catalog_only', password: 'catalog-pass' };

  beforeAll(async () => {
    await pool.query('CREATE DATABASE herokuconnect');
    const admin = new pg.Client({ connectionString: urlFor('herokuconnect') });
    await admin.connect();
    try {
      // Laid out as reference §1 describes a Connect schema (named "org" as in FF): mapped
      // fields first and the system columns after, sfid with ucs_basic, trigger functions
      // called without "public.", EXECUTE PROCEDURE, and _hcmeta details that are not JSON.
      await admin.query(`
        CREATE EXTENSION hstore;
        CREATE FUNCTION public.get_xmlbinary() RETURNS varchar LANGUAGE plpgsql AS $body$
          DECLARE current_value varchar;
          BEGIN
            SELECT setting INTO current_value FROM pg_settings WHERE name = 'xmlbinary';
            RETURN current_value;
          END $body$;
        CREATE SCHEMA org;
        CREATE TABLE org._hcmeta (id serial PRIMARY KEY, hcver integer, org_id varchar(50), details text);
        INSERT INTO org._hcmeta (hcver, org_id, details) VALUES (3, '00D0b000000abcdEAA', 'connect-internal');
        CREATE TABLE org._trigger_log (
          id serial PRIMARY KEY, txid bigint, created_at timestamptz DEFAULT now(),
          updated_at timestamptz DEFAULT now(), processed_at timestamptz, processed_tx bigint,
          state varchar(8), action varchar(7), table_name varchar(128), record_id integer,
          sfid varchar(18), old text, "values" text, sf_result integer, sf_message text);
        CREATE TABLE org._trigger_log_archive (LIKE org._trigger_log);
        CREATE TABLE org.account (
          createddate timestamp, isdeleted boolean, name varchar(255), systemmodstamp timestamp,
          sfid varchar(18) COLLATE pg_catalog.ucs_basic, id serial PRIMARY KEY,
          _hc_lastop varchar(32), _hc_err text);
        CREATE UNIQUE INDEX hcu_idx_account_sfid ON org.account (sfid);
        CREATE INDEX hc_idx_account_systemmodstamp ON org.account (systemmodstamp);
        CREATE TABLE org."user" (
          username varchar(80), systemmodstamp timestamp, sfid varchar(18), id serial PRIMARY KEY,
          _hc_lastop varchar(32), _hc_err text);
        CREATE FUNCTION org.hc_account_logger() RETURNS trigger LANGUAGE plpgsql AS $body$
          BEGIN
            INSERT INTO org._trigger_log (action, table_name, record_id, state)
            VALUES (TG_OP, TG_TABLE_NAME, COALESCE(NEW.id, OLD.id), 'NEW');
            RETURN NULL;
          END $body$;
        CREATE TRIGGER hc_account_logtrigger AFTER INSERT OR UPDATE OR DELETE ON org.account
          FOR EACH ROW WHEN (get_xmlbinary()::text = 'base64'::text)
          EXECUTE PROCEDURE org.hc_account_logger();
        INSERT INTO org.account (name, sfid) VALUES ('Existing', '001000000000001AAA');
        CREATE ROLE ${reader.name} LOGIN PASSWORD '${reader.password}';
        GRANT USAGE ON SCHEMA org TO ${reader.name};
        GRANT SELECT ON ALL TABLES IN SCHEMA org TO ${reader.name};
        ALTER ROLE ${reader.name} SET default_transaction_read_only = on;
        CREATE ROLE ${catalogOnly.name} LOGIN PASSWORD '${catalogOnly.password}';
        GRANT USAGE ON SCHEMA org TO ${catalogOnly.name};
      `);
    } finally {
      await admin.end();
    }
  });

  /** Rows and log entries, to show that introspection changed nothing. */
  async function contents() {
    const check = new pg.Client({ connectionString: urlFor('herokuconnect') });
    await check.connect();
    try {
      const accounts = await check.query('SELECT * FROM org.account ORDER BY id');
      const log = await check.query('SELECT * FROM org._trigger_log ORDER BY id');
      const meta = await check.query('SELECT * FROM org._hcmeta ORDER BY id');
      return { accounts: accounts.rows, log: log.rows, meta: meta.rows };
    } finally {
      await check.end();
    }
  }

  it('reads tables, columns, indexes, triggers and _hcmeta with a read-only role', async () => {
    const before = await contents();
    expect(before.accounts).toHaveLength(1);
    expect(before.log).toHaveLength(1); // the setup's own insert, logged by Connect's trigger
    const readOnly = await openPool(urlFor('herokuconnect', reader));
    try {
      const snapshot = await introspectSchema(readOnly, 'org');
      expect(snapshot).toMatchObject({
        schemaName: 'org',
        schemaExists: true,
        hstoreSchema: 'public',
        getXmlbinaryExists: true,
        systemTables: {
          hcmeta: true,
          triggerLog: true,
          triggerLogArchive: true,
          sfEventLog: false,
        },
        hcmeta: [{ id: 1, hcver: 3, orgId: '00D0b000000abcdEAA', details: 'connect-internal' }],
      });
      expect(snapshot.serverVersion).toMatch(/^17\./);
      expect(snapshot.tables.map((t) => [t.name, t.mapped])).toEqual([
        ['_hcmeta', false],
        ['_trigger_log', false],
        ['_trigger_log_archive', false],
        ['account', true],
        ['user', true],
      ]);
      const account = snapshot.tables.find((t) => t.name === 'account')!;
      expect(account.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
        'createddate timestamp without time zone',
        'isdeleted boolean',
        'name character varying(255)',
        'systemmodstamp timestamp without time zone',
        'sfid character varying(18)',
        'id integer',
        '_hc_lastop character varying(32)',
        '_hc_err text',
      ]);
      expect(account.columns.find((c) => c.name === 'id')).toMatchObject({
        nullable: false,
        default: "nextval('org.account_id_seq'::regclass)",
      });
      expect(account.indexes.map((i) => [i.name, i.unique, i.primary, i.columns])).toEqual([
        ['account_pkey', true, true, ['id']],
        ['hc_idx_account_systemmodstamp', false, false, ['systemmodstamp']],
        ['hcu_idx_account_sfid', true, false, ['sfid']],
      ]);
      expect(account.triggers).toEqual([
        {
          name: 'hc_account_logtrigger',
          functionName: 'hc_account_logger',
          definition: expect.stringContaining('EXECUTE FUNCTION org.hc_account_logger()'),
        },
      ]);
      expect(snapshot.functions.map((f) => f.name)).toEqual(['hc_account_logger']);
      expect(snapshot.functions[0]!.source).toContain('INSERT INTO org._trigger_log');
      // Connect's details are not an export, so the mappings are read from the tables.
      expect(appliedMappings(snapshot)).toBeUndefined();
      const rebuilt = mappingsFromSnapshot(snapshot, catalog);
      expect(rebuilt.mappings).toEqual([
        createMapping('Account', {
          access: 'read_write',
          fields: ['CreatedDate', 'IsDeleted', 'Name', 'SystemModstamp', 'Id'],
          indexes: [
            { field: 'SystemModstamp', unique: false },
            { field: 'Id', unique: true },
          ],
        }),
        createMapping('User', {
          access: 'read_only',
          fields: ['Username', 'SystemModstamp', 'Id'],
          indexes: [],
        }),
      ]);
      expect(mappingsFromSnapshot(snapshot).mappings.map((m) => m.objectName)).toEqual([
        'account',
        'user',
      ]);

      // A plan against it alters nothing Connect made: no table is created or changed.
      const plan = planSchema({
        schemaName: 'org',
        mappings: [
          createMapping('Account', {
            fields: ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate', 'Name'],
          }),
        ],
        catalog,
        current: snapshot,
      });
      expect(plan.statements.filter((s) => /TABLE "org"\."account"/.test(s.sql))).toEqual([]);
      expect(plan.warnings).toEqual([]);
    } finally {
      await readOnly.end();
    }
    expect(await contents()).toEqual(before);
  });

  it('still reads the layout when the role may not read _hcmeta', async () => {
    const limited = await openPool(urlFor('herokuconnect', catalogOnly));
    try {
      const snapshot = await introspectSchema(limited, 'org');
      expect(snapshot.hcmeta).toEqual([]);
      expect(snapshot.systemTables.hcmeta).toBe(true);
      expect(snapshot.tables.find((t) => t.name === 'account')?.mapped).toBe(true);
    } finally {
      await limited.end();
    }
  });

  it('reports a schema that does not exist as empty', async () => {
    const snapshot = await introspectSchema(pool, 'nowhere');
    expect(snapshot).toMatchObject({ schemaExists: false, tables: [], functions: [], hcmeta: [] });
  });
});
