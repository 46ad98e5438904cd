import { describe, expect, it } from 'vitest';
import {
  createMapping,
  emptySnapshot,
  planSchema,
  planToSql,
  SchemaPlanError,
  type DatabaseSnapshot,
  type Mapping,
  type SchemaPlan,
  type SnapshotTable,
} from '../../src-shared/mapping';
import {
  createDescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { fixtureCatalog, loadFixtureDescribes } from '../support/describes';

const catalog = fixtureCatalog();
const BASE = ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate'];

const account = (extra: Partial<Mapping> = {}) =>
  createMapping('Account', {
    access: 'read_write',
    fields: [...BASE, 'Name', 'External_ID__c', 'NumberOfEmployees'],
    upsertField: 'External_ID__c',
    indexes: [
      { field: 'Id', unique: true },
      { field: 'SystemModstamp', unique: false },
      { field: 'Name', unique: false },
    ],
    ...extra,
  });
const contact = (extra: Partial<Mapping> = {}) =>
  createMapping('Contact', {
    access: 'read_write',
    fields: [
      ...BASE,
      'LastName',
      'Email',
      'AccountId',
      'Account__External_ID__c',
      'External_ID__c',
    ],
    upsertField: 'External_ID__c',
    ...extra,
  });

const purposes = (plan: SchemaPlan) => plan.statements.map((s) => s.purpose);
const sqlOf = (plan: SchemaPlan) => plan.statements.map((s) => s.sql).join(';\n');
function statement(plan: SchemaPlan, pattern: RegExp): string {
  const found = plan.statements.filter((s) => pattern.test(s.sql));
  expect(found, `one statement matching ${pattern}`).toHaveLength(1);
  return found[0]!.sql;
}

/** A snapshot standing for a database where `plan` was applied (as introspection reads it). */
function snapshotAfter(
  plan: SchemaPlan,
  tweak?: (tables: SnapshotTable[]) => void,
): DatabaseSnapshot {
  const canonical = (t: string) =>
    t
      .replace(/^varchar\((\d+)\)$/, 'character varying($1)')
      .replace(/^timestamp$/, 'timestamp without time zone')
      .replace(/^serial$/, 'integer');
  const system = (name: string): SnapshotTable => ({
    name,
    columns: [],
    indexes: [],
    triggers:
      name === '_trigger_log' ? [trigger('tlog_insert_trigger', 'tlog_notify_trigger')] : [],
    mapped: false,
    estimatedRows: 0,
  });
  const tables: SnapshotTable[] = [
    system('_hcmeta'),
    system('_trigger_log'),
    system('_trigger_log_archive'),
    system('_sf_event_log'),
    ...plan.tables.map((t): SnapshotTable => ({
      name: t.table,
      columns: t.columns.map((c) => ({
        name: c.name,
        type: canonical(c.sqlType),
        nullable: c.name !== 'id',
        default: null,
      })),
      indexes: t.indexes.map((i) => ({
        name: i.name,
        unique: i.unique,
        primary: false,
        columns: [i.column],
        predicate: null,
        definition: '',
      })),
      triggers: [
        trigger(`hc_${t.table}_logtrigger`, `hc_${t.table}_logger`),
        trigger(`hc_${t.table}_status_trigger`, `hc_${t.table}_status`),
      ],
      mapped: true,
      estimatedRows: 0,
    })),
  ];
  // Every system index exists too.
  for (const s of plan.statements) {
    const index = /^CREATE INDEX IF NOT EXISTS "([^"]+)" ON "[^"]+"\."(_[a-z_]+)"/.exec(s.sql);
    if (index)
      tables
        .find((t) => t.name === index[2])!
        .indexes.push({
          name: index[1]!,
          unique: false,
          primary: false,
          columns: [],
          predicate: null,
          definition: '',
        });
  }
  tweak?.(tables);
  const functions = plan.statements.flatMap((s) => {
    const fn =
      /^CREATE OR REPLACE FUNCTION "[^"]+"\."([^"]+)"\(.*?\$(fn\d*)\$([\s\S]*)\$\2\$$/s.exec(s.sql);
    return fn ? [{ name: fn[1]!, arguments: '', source: fn[3]! }] : [];
  });
  return {
    ...emptySnapshot(plan.schemaName),
    schemaExists: true,
    serverVersion: '17.0',
    hstoreSchema: 'public',
    getXmlbinaryExists: true,
    tables,
    functions,
    systemTables: { hcmeta: true, triggerLog: true, triggerLogArchive: true, sfEventLog: true },
  };
}

/**
 * SQL with quoted identifiers, string literals and comments removed; dollar-quoted function
 * bodies are scanned the same way, since their text runs as plpgsql.
 */
function unquotedSql(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (rest[0] === "'" || rest[0] === '"') {
      const quote = rest[0];
      let j = i + 1;
      for (;;) {
        const next = sql.indexOf(quote, j);
        if (next < 0) throw new Error(`unterminated ${quote} at ${i}`);
        if (sql[next + 1] === quote) j = next + 2;
        else {
          i = next + 1;
          break;
        }
      }
      out += ' ';
    } else {
      const dollar = /^\$([A-Za-z_]\w*)?\$/.exec(rest);
      if (dollar) {
        const close = sql.indexOf(dollar[0], i + dollar[0].length);
        if (close < 0) throw new Error(`unterminated ${dollar[0]} at ${i}`);
        out += unquotedSql(sql.slice(i + dollar[0].length, close));
        i = close + dollar[0].length;
      } else {
        out += sql[i];
        i += 1;
      }
    }
  }
  return out;
}

function trigger(name: string, functionName: string) {
  return { name, functionName, definition: '' };
}

describe('planSchema on an empty database', () => {
  const plan = planSchema({ schemaName: 'salesforce', mappings: [account(), contact()], catalog });

  it('orders the prerequisites, system tables and functions before the mapped tables', () => {
    const order = purposes(plan);
    const at = (pattern: RegExp) => order.findIndex((p) => pattern.test(p));
    expect(at(/hstore extension/)).toBe(0);
    expect(at(/get_xmlbinary/)).toBe(1);
    expect(at(/^Create schema salesforce$/)).toBe(2);
    expect(at(/_hcmeta/)).toBe(3);
    expect(at(/^Create _trigger_log /)).toBe(4);
    expect(at(/tlog_notify_trigger/)).toBeLessThan(at(/tlog_insert_trigger/));
    expect(at(/tlog_insert_trigger/)).toBeLessThan(at(/_trigger_log_archive/));
    expect(at(/hc_capture_insert_from_row/)).toBeLessThan(at(/^Create table account/));
    expect(at(/^Create table account/)).toBeLessThan(at(/^Create table contact/));
    expect(at(/^Create hc_account_logger/)).toBeLessThan(
      at(/^Create trigger hc_account_logtrigger/),
    );
    expect(plan.statements.every((s) => !s.destructive)).toBe(true);
    expect(plan.warnings).toEqual([]);
  });

  it('creates _trigger_log with its 15 columns and _trigger_log_archive without defaults', () => {
    const columns = (sql: string) =>
      sql
        .slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'))
        .split(',\n')
        .map((line) => line.trim());
    const live = columns(
      statement(plan, /CREATE TABLE IF NOT EXISTS "salesforce"\."_trigger_log" /),
    );
    expect(live).toEqual([
      'id serial PRIMARY KEY',
      'txid bigint',
      'created_at timestamptz DEFAULT now()',
      'updated_at timestamptz DEFAULT now()',
      'processed_at timestamptz',
      'processed_tx bigint',
      'state varchar(8)',
      'action varchar(7)',
      'table_name varchar(128)',
      'record_id integer',
      'sfid varchar(18)',
      'old text',
      '"values" text',
      'sf_result integer',
      'sf_message text',
    ]);
    const archive = columns(
      statement(plan, /^CREATE TABLE IF NOT EXISTS "salesforce"\."_trigger_log_archive"/),
    );
    expect(archive).toHaveLength(15);
    expect(archive[0]).toBe('id integer PRIMARY KEY');
    expect(archive.filter((c) => c.includes('DEFAULT'))).toEqual([]);
    expect(sqlOf(plan)).toContain(
      `"_trigger_log_idx_state_table_name" ON "salesforce"."_trigger_log" (state, table_name) WHERE state IN ('NEW', 'PENDING')`,
    );
    expect(sqlOf(plan)).toContain(
      `"_trigger_log_archive_idx_state_table_name" ON "salesforce"."_trigger_log_archive" (state, table_name) WHERE state = 'FAILED'`,
    );
    expect(sqlOf(plan)).toContain(`pg_notify('salesforce.hc_trigger_log', 'ping')`);
  });

  it('keeps the live trigger log to partial indexes and one index on every row; the archive has one per filter', () => {
    const indexesOn = (table: string) =>
      plan.statements
        .map((s) =>
          new RegExp(
            `^CREATE INDEX IF NOT EXISTS "([^"]+)" ON "salesforce"\\."${table}" (.*)$`,
          ).exec(s.sql),
        )
        .filter((m) => m !== null)
        .map((m) => `${m[1]} ${m[2]}`);
    expect(indexesOn('_trigger_log')).toEqual([
      '_trigger_log_idx_created_at (created_at)',
      '_trigger_log_idx_state_id (state, id)',
      `_trigger_log_idx_state_table_name (state, table_name) WHERE state IN ('NEW', 'PENDING')`,
      `_trigger_log_idx_settled_created_at (state, created_at, id) WHERE state NOT IN ('NEW', 'PENDING', 'SUCCESS')`,
      `_trigger_log_idx_settled_table_created_at (table_name, state, created_at, id) WHERE state NOT IN ('NEW', 'PENDING', 'SUCCESS')`,
      '_trigger_log_idx_message_lookup (created_at, id) INCLUDE (sf_message, state, table_name, action, record_id, sfid) WHERE sf_message IS NOT NULL',
      '_trigger_log_idx_table_name_record_id (table_name, record_id)',
      `_trigger_log_idx_sfid_settled (sfid) WHERE action = 'DELETE' OR state NOT IN ('NEW', 'PENDING', 'SUCCESS')`,
    ]);
    expect(indexesOn('_trigger_log_archive')).toEqual([
      '_trigger_log_archive_idx_created_at (created_at)',
      '_trigger_log_archive_idx_record_id (record_id)',
      `_trigger_log_archive_idx_state_table_name (state, table_name) WHERE state = 'FAILED'`,
      `_trigger_log_archive_idx_state_created_at (state, created_at, id) WHERE state <> 'SUCCESS'`,
      `_trigger_log_archive_idx_state_table_created_at (table_name, state, created_at, id) WHERE state <> 'SUCCESS'`,
      '_trigger_log_archive_idx_table_name_created_at (table_name, created_at, id)',
      '_trigger_log_archive_idx_message_lookup (created_at, id) INCLUDE (sf_message, state, table_name, action, record_id, sfid) WHERE sf_message IS NOT NULL',
      '_trigger_log_archive_idx_sfid (sfid) WHERE sfid IS NOT NULL',
    ]);
    expect(sqlOf(plan)).not.toContain('failed_table_created_at');
  });

  it('gives mapped tables the system columns, typed fields and Heroku Connect index names', () => {
    const accountTable = statement(plan, /CREATE TABLE IF NOT EXISTS "salesforce"\."account"/);
    expect(accountTable).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "salesforce"."account" (',
        '  "id" serial PRIMARY KEY,',
        '  "sfid" varchar(18),',
        '  "systemmodstamp" timestamp,',
        '  "isdeleted" boolean,',
        '  "createddate" timestamp,',
        '  "name" varchar(255),',
        '  "external_id__c" varchar(36),',
        '  "numberofemployees" integer,',
        '  "_hc_lastop" varchar(32),',
        '  "_hc_err" text',
        ')',
      ].join('\n'),
    );
    expect(plan.tables.find((t) => t.table === 'account')?.indexes).toEqual([
      { name: 'hcu_idx_account_sfid', column: 'sfid', unique: true },
      { name: 'hc_idx_account_systemmodstamp', column: 'systemmodstamp', unique: false },
      { name: 'hc_idx_account_name', column: 'name', unique: false },
      { name: 'hcu_idx_account_external_id__c', column: 'external_id__c', unique: true },
    ]);
    expect(sqlOf(plan)).toContain(
      'CREATE UNIQUE INDEX IF NOT EXISTS "hcu_idx_account_sfid" ON "salesforce"."account" ("sfid")',
    );
    const contactColumns = plan.tables.find((t) => t.table === 'contact')!.columns;
    expect(contactColumns.find((c) => c.name === 'account__external_id__c')).toEqual({
      name: 'account__external_id__c',
      sqlType: 'varchar(36)',
      field: 'Account__External_ID__c',
    });
  });

  it('builds triggers as the reference lays them out', () => {
    expect(statement(plan, /TRIGGER "hc_account_logtrigger"/)).toBe(
      [
        'CREATE OR REPLACE TRIGGER "hc_account_logtrigger"',
        'AFTER INSERT OR UPDATE OR DELETE ON "salesforce"."account"',
        "FOR EACH ROW WHEN (public.get_xmlbinary() = 'base64')",
        'EXECUTE FUNCTION "salesforce"."hc_account_logger"()',
      ].join('\n'),
    );
    expect(statement(plan, /TRIGGER "hc_account_status_trigger"/)).toContain(
      'BEFORE INSERT OR UPDATE ON "salesforce"."account"',
    );
    const logger = statement(plan, /^CREATE OR REPLACE FUNCTION "salesforce"\."hc_account_logger"/);
    expect(logger).toContain(`log_state varchar(8) := 'NEW'`);
    expect(logger).toContain(`log_state := 'IGNORE'`);
  });

  it('logs READONLY without IGNORE for read-only mappings and skips isdeleted for User', () => {
    const readOnly = planSchema({
      schemaName: 'salesforce',
      mappings: [
        createMapping('User', { fields: ['Id', 'SystemModstamp', 'Username', 'IsActive'] }),
      ],
      catalog,
    });
    const logger = statement(
      readOnly,
      /^CREATE OR REPLACE FUNCTION "salesforce"\."hc_user_logger"/,
    );
    expect(logger).toContain(`log_state varchar(8) := 'READONLY'`);
    expect(logger).not.toContain('IGNORE');
    const columns = readOnly.tables[0]!.columns.map((c) => c.name);
    expect(columns).not.toContain('isdeleted');
    expect(statement(readOnly, /CREATE TABLE IF NOT EXISTS "salesforce"\."user"/)).toContain(
      '"sfid" varchar(18)',
    );
  });

  it('skips fields that cannot become columns, with a warning, and objects without describes', () => {
    const skipping = planSchema({
      schemaName: 'salesforce',
      mappings: [
        createMapping('Document__c', { fields: [...BASE, 'Name', 'Body__c'] }),
        createMapping('Contact', { fields: [...BASE, 'LastName', 'SSN__c', 'MailingAddress'] }),
        createMapping('Asset'),
      ],
      catalog,
    });
    expect(skipping.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([
      expect.stringMatching(/^FIELD_SKIPPED Document__c\.Body__c gets no column: binary/),
      expect.stringMatching(/^FIELD_SKIPPED Contact\.SSN__c .*cannot read it/),
      expect.stringMatching(/^FIELD_SKIPPED Contact\.MailingAddress .*component fields/),
      expect.stringMatching(/^TABLE_SKIPPED No table for Asset/),
    ]);
    expect(sqlOf(skipping)).not.toMatch(/body__c|ssn__c|mailingaddress/);
  });
});

describe('planSchema against a snapshot', () => {
  const first = planSchema({ schemaName: 'salesforce', mappings: [account(), contact()], catalog });
  const applied = snapshotAfter(first);

  it('plans nothing when the database already matches', () => {
    const again = planSchema({
      schemaName: 'salesforce',
      mappings: [account(), contact()],
      catalog,
      current: applied,
    });
    expect(again.statements).toEqual([]);
    expect(again.warnings).toEqual([]);
  });

  it('adds a field with ALTER TABLE ADD COLUMN only', () => {
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [account({ fields: [...account().fields, 'Phone'] }), contact()],
      catalog,
      current: applied,
    });
    expect(plan.statements).toEqual([
      {
        sql: 'ALTER TABLE "salesforce"."account" ADD COLUMN IF NOT EXISTS "phone" varchar(40)',
        purpose: 'Add column account.phone for Phone',
        destructive: false,
      },
    ]);
  });

  it('keeps a removed field with a warning, and drops it only with allowDrop', () => {
    const fields = account().fields.filter((f) => f !== 'NumberOfEmployees');
    const kept = planSchema({
      schemaName: 'salesforce',
      mappings: [account({ fields }), contact()],
      catalog,
      current: applied,
    });
    expect(kept.statements).toEqual([]);
    expect(kept.warnings).toEqual([
      {
        code: 'COLUMN_NOT_DROPPED',
        table: 'account',
        column: 'numberofemployees',
        message:
          'account.numberofemployees is no longer mapped; it was kept with its data. Plan with ' +
          'allowDrop (--allow-drop) to drop it.',
      },
    ]);
    const dropped = planSchema({
      schemaName: 'salesforce',
      mappings: [account({ fields }), contact()],
      catalog,
      current: applied,
      allowDrop: true,
    });
    expect(dropped.statements).toEqual([
      {
        sql: 'ALTER TABLE "salesforce"."account" DROP COLUMN IF EXISTS "numberofemployees"',
        purpose: 'Drop column account.numberofemployees and its data (no longer mapped)',
        destructive: true,
      },
    ]);
    expect(dropped.warnings).toEqual([]);
  });

  it('changes access by replacing only the log function', () => {
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [account({ access: 'read_only', upsertField: undefined }), contact()],
      catalog,
      current: applied,
    });
    expect(purposes(plan)).toEqual([
      'Drop index hcu_idx_account_external_id__c (no longer in the mapping)',
      'Create hc_account_logger() (logs changes as READONLY)',
    ]);
    expect(plan.statements[1]!.sql).toMatch(
      /^CREATE OR REPLACE FUNCTION "salesforce"\."hc_account_logger"\(\)/,
    );
  });

  it('widens a longer varchar and leaves other type changes with a warning', () => {
    const current = snapshotAfter(first, (tables) => {
      const columns = tables.find((t) => t.name === 'account')!.columns;
      columns.find((c) => c.name === 'name')!.type = 'character varying(80)';
      columns.find((c) => c.name === 'numberofemployees')!.type = 'text';
    });
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [account(), contact()],
      catalog,
      current,
    });
    expect(plan.statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "salesforce"."account" ALTER COLUMN "name" TYPE varchar(255)',
    ]);
    expect(plan.warnings).toMatchObject([
      { code: 'COLUMN_TYPE_DIFFERS', table: 'account', column: 'numberofemployees' },
    ]);
  });

  it('leaves alone a same-named table that is not a Heroku Connect table', () => {
    const current = snapshotAfter(first, (tables) => {
      const table = tables.find((t) => t.name === 'contact')!;
      table.mapped = false;
    });
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [account(), contact({ fields: [...contact().fields, 'Phone'] })],
      catalog,
      current,
    });
    expect(plan.statements).toEqual([]);
    expect(plan.warnings).toMatchObject([{ code: 'TABLE_CONFLICT', table: 'contact' }]);
  });

  it('drops the trigger-log indexes of earlier layouts that the inspector no longer needs', () => {
    const retired = [
      ['_trigger_log', '_trigger_log_idx_failed_table_created_at'],
      ['_trigger_log', '_trigger_log_idx_state_created_at'],
      ['_trigger_log', '_trigger_log_idx_table_name_created_at'],
      ['_trigger_log', '_trigger_log_idx_message_created_at'],
      ['_trigger_log', '_trigger_log_idx_sfid'],
      ['_trigger_log', '_trigger_log_idx_record_id'],
      ['_trigger_log_archive', '_trigger_log_archive_idx_failed_table_created_at'],
      ['_trigger_log_archive', '_trigger_log_archive_idx_message_created_at'],
    ] as const;
    const current = snapshotAfter(first, (tables) => {
      for (const [table, name] of retired) {
        tables
          .find((t) => t.name === table)!
          .indexes.push({
            name,
            unique: false,
            primary: false,
            columns: [],
            predicate: null,
            definition: '',
          });
      }
    });
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [account(), contact()],
      catalog,
      current,
    });
    expect(plan.statements.map((s) => s.sql)).toEqual(
      retired.map(([, name]) => `DROP INDEX IF EXISTS "salesforce"."${name}"`),
    );
    expect(plan.statements.every((s) => !s.destructive)).toBe(true);
    // Applied, the layout plans nothing more.
    expect(
      planSchema({
        schemaName: 'salesforce',
        mappings: [account(), contact()],
        catalog,
        current: applied,
      }).statements,
    ).toEqual([]);
  });

  it('refuses a snapshot of another schema', () => {
    expect(() =>
      planSchema({ schemaName: 'other', mappings: [], catalog, current: applied }),
    ).toThrow(SchemaPlanError);
  });
});

describe('planSchema with hostile names', () => {
  const hostileObject = 'Robert"; DROP TABLE x; --';
  const hostileField: FieldDescribe = {
    ...catalog.field('Account', 'Name')!,
    name: `it's"; DELETE FROM y; --名前`,
  };
  const describe0: SObjectDescribe = {
    ...catalog.describe('Account')!,
    name: hostileObject,
    fields: [...catalog.describe('Account')!.fields, hostileField],
  };
  const hostileCatalog = createDescribeCatalog([...loadFixtureDescribes(), describe0]);

  it('quotes every name, so nothing from a mapping reaches SQL unquoted', () => {
    const plan = planSchema({
      schemaName: `sch"ema'$fn$`,
      mappings: [
        createMapping(hostileObject, {
          access: 'read_write',
          fields: [...BASE, hostileField.name],
          indexes: [{ field: hostileField.name, unique: false }],
        }),
      ],
      catalog: hostileCatalog,
    });
    const sql = sqlOf(plan);
    expect(sql).toContain(`CREATE SCHEMA IF NOT EXISTS "sch""ema'$fn$"`);
    expect(sql).toContain(`"sch""ema'$fn$"."robert""; drop table x; --"`);
    expect(sql).toContain(`"it's""; delete from y; --名前" varchar(255)`);
    expect(sql).toContain(`pg_notify('sch"ema''$fn$.hc_trigger_log', 'ping')`);
    // The body holds "$fn$", so the dollar quotes use another tag.
    expect(
      statement(plan, /^CREATE OR REPLACE FUNCTION "sch""ema'\$fn\$"\."tlog_notify_trigger"/),
    ).toMatch(/AS \$fn1\$[\s\S]*\$fn1\$$/);
    // Outside quoted identifiers, literals and comments no trace of the hostile text is left,
    // function bodies included.
    const bare = unquotedSql(sql);
    expect(bare).toContain('CREATE TABLE IF NOT EXISTS');
    expect(bare).not.toMatch(/drop table x|delete from y/i);
  });

  it('never lays a mapped table over a system table', () => {
    const system = createDescribeCatalog([
      { ...catalog.describe('Account')!, name: '_trigger_log' },
    ]);
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [createMapping('_trigger_log', { fields: ['Id', 'Name'] })],
      catalog: system,
    });
    expect(plan.warnings).toMatchObject([{ code: 'TABLE_SKIPPED', table: '_trigger_log' }]);
    expect(plan.tables).toEqual([]);
    expect(sqlOf(plan)).not.toContain('hc__trigger_log_');
  });

  it('rejects a schema name Postgres cannot hold or notify on', () => {
    expect(() => planSchema({ schemaName: '', mappings: [], catalog })).toThrow(/empty/);
    expect(() => planSchema({ schemaName: 'a\u0000b', mappings: [], catalog })).toThrow(/NUL/);
    expect(() => planSchema({ schemaName: 'x'.repeat(49), mappings: [], catalog })).toThrow(
      /too long.*at most 48 bytes/,
    );
  });

  it('prints a plan as a script whose comments cannot be broken by names', () => {
    const plan = planSchema({
      schemaName: 'salesforce',
      mappings: [createMapping('Document__c', { fields: [...BASE, 'Body__c'] })],
      catalog,
    });
    plan.warnings.push({ code: 'FIELD_SKIPPED', message: 'line one\nDROP TABLE z; --' });
    const script = planToSql(plan);
    expect(script).toMatch(/^-- Connect Studio schema plan for "salesforce": \d+ statement\(s\)\./);
    expect(script).toContain('-- warning: line one DROP TABLE z; --');
    expect(script.split('\n').filter((l) => l.startsWith('DROP TABLE'))).toEqual([]);
    expect(script).toContain(
      '-- Create table document__c for Document__c (read_only)\nCREATE TABLE',
    );
  });
});
