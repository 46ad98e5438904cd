// The SOQL compiler on its own: hostile names and values cannot change the SQL (checked by
// running it on real SQLite), what it refuses and how it says so, date literal ranges, the
// Heroku Connect schema, and child rows too wide for one JSON call.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { herokuConnectSchema } from '../../src-shared/mapping';
import {
  createDescribeCatalog,
  fieldDescribe,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import {
  CompileError,
  compileSoql,
  dateLiteralRange,
  parseSoql,
  type CompileInput,
  type PhysicalSchema,
} from '../../src-shared/soql';
import { fixtureCatalog } from '../support/describes';

const catalog = fixtureCatalog();
const NOW = new Date('2024-06-13T12:00:00.000Z');

function compile(soql: string, input: Partial<CompileInput> & { schema: PhysicalSchema }) {
  const parsed = parseSoql(soql);
  return compileSoql(parsed.query, {
    catalog,
    dialect: 'sqlite',
    now: NOW,
    apiVersion: '59.0',
    ...input,
  });
}

function compileError(soql: string, schema: PhysicalSchema): CompileError {
  try {
    compile(soql, { schema });
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    return error as CompileError;
  }
  throw new Error(`compiled without error: ${soql}`);
}

const hc = herokuConnectSchema({
  objects: {
    Account: ['Id', 'Name', 'Industry', 'IsDeleted', 'OwnerId', 'ParentId'],
    Contact: ['Id', 'LastName', 'AccountId', 'IsDeleted', 'Interests__c'],
    User: ['Id', 'Name'],
  },
});

describe('hostile names and values', () => {
  // A local org whose table and column names are made of quotes and SQL.
  const evilTable = 'Acc"ount; DROP TABLE "sentinel"; --';
  const evilName = 'Na"me\' OR 1=1 --';
  const evilId = 'I"d';
  const schema: PhysicalSchema = {
    table: (o) =>
      o.toLowerCase() === 'account' ? { name: [evilTable], idColumn: evilId } : undefined,
    column: (o, f) => {
      if (o.toLowerCase() !== 'account') return undefined;
      const names: Record<string, string> = { id: evilId, name: evilName, industry: 'Indus"try' };
      return names[f.toLowerCase()];
    },
  };

  function database(): Database.Database {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE "sentinel" (x)');
    db.exec(
      `CREATE TABLE "${evilTable.replace(/"/g, '""')}" ("I""d" TEXT, "Na""me' OR 1=1 --" TEXT, "Indus""try" TEXT)`,
    );
    const insert = db.prepare(`INSERT INTO "${evilTable.replace(/"/g, '""')}" VALUES (?, ?, ?)`);
    insert.run('001000000000001AAA', 'O\'Brien "Ltd"; DROP TABLE sentinel', 'Energy');
    insert.run('001000000000002AAA', 'Plain', null);
    return db;
  }

  it('quotes identifiers and binds values, so the statement does only what the query says', () => {
    const db = database();
    const value = `O\\'Brien "Ltd"; DROP TABLE sentinel`;
    const compiled = compile(
      `SELECT Id, Name, Industry FROM Account WHERE Name = '${value}' OR Name LIKE '%\\' OR 1=1 --%'`,
      { schema },
    );
    expect(compiled.sql).not.toContain('Brien');
    expect(compiled.sql).not.toContain('OR 1=1 --%');
    expect(compiled.params).toContain(`O'Brien "Ltd"; DROP TABLE sentinel`);
    const rows = db.prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[];
    expect(compiled.assemble(rows).records).toEqual([
      {
        attributes: {
          type: 'Account',
          url: '/services/data/v59.0/sobjects/Account/001000000000001AAA',
        },
        Id: '001000000000001AAA',
        Name: `O'Brien "Ltd"; DROP TABLE sentinel`,
        Industry: 'Energy',
      },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM "sentinel"').get()).toEqual({ n: 0 });
    db.close();
  });

  it('binds IN lists, LIKE patterns and INCLUDES values as parameters', () => {
    const soql =
      "SELECT Id FROM Contact WHERE LastName IN ('a\\' OR \\'1\\'=\\'1', 'b\\'; --') " +
      "AND LastName != 'x\\\\' AND LastName LIKE '%\\'--%' AND Interests__c INCLUDES ('x\\');DROP')";
    expect(parseSoql(soql).diagnostics).toEqual([]);
    const compiled = compile(soql, { schema: hc, dialect: 'postgres' });
    expect(compiled.sql).not.toMatch(/OR '1'|; --|DROP/);
    expect(compiled.params).toEqual([
      "a' OR '1'='1",
      "b'; --",
      'x\\',
      "%'--%",
      // `;` inside an INCLUDES value means AND: two terms, each its own parameter.
      "%;x');%",
      '%;DROP;%',
    ]);
    expect(compiled.sql.match(/\$\d+/g)).toEqual(['$1', '$2', '$3', '$4', '$5', '$6']);
  });

  it('refuses a name with a NUL character instead of writing it', () => {
    const broken: PhysicalSchema = {
      table: () => ({ name: ['acc\u0000ount'], idColumn: 'id' }),
      column: () => 'name',
    };
    expect(compileError('SELECT Name FROM Account', broken).message).toMatch(/NUL character/);
  });
});

describe('what the compiler refuses, and how it says so', () => {
  const cases: [string, RegExp][] = [
    ['SELECT Name FROM Nope__c', /sObject type 'Nope__c' is not supported/],
    ['SELECT Nope FROM Account', /No such column 'Nope' on entity 'Account'/],
    [
      'SELECT Name, Owner.Nope FROM Account',
      /no column in this database|No such column 'Nope' on entity 'User'/,
    ],
    ['SELECT Name FROM Opportunity', /Opportunity has no table in this database; map the object/],
    ['SELECT Name, Phone FROM Account', /Account.Phone has no column in this database/],
    [
      'SELECT Name, Parent__c.Name FROM Account',
      /Didn't understand relationship 'Parent__c' in field path/,
    ],
    [
      'SELECT Name, (SELECT LastName FROM Contact) FROM Account',
      /Didn't understand relationship 'Contact' in FROM part/,
    ],
    ['SELECT Name FROM Account WHERE Name = :name', /Bind variables only allowed in Apex code/],
    ['SELECT Name FROM Account USING SCOPE mine', /USING SCOPE mine needs a running user/],
    ['SELECT Name FROM Account WHERE DISTANCE(Name) > 1', /DISTANCE\(\) is not supported/],
    ['SELECT FROM', /no FROM object|incomplete|could not be compiled/],
  ];
  for (const [soql, message] of cases) {
    it(soql, () => {
      expect(compileError(soql, hc).message).toMatch(message);
    });
  }

  it('names the object that has no describe (Profile is only listed)', () => {
    const local: PhysicalSchema = {
      table: (o) => ({ name: [o], idColumn: 'Id' }),
      column: (_o, f) => f,
    };
    expect(compileError('SELECT Name, Profile.Name FROM User', local).message).toMatch(
      /sObject type 'Profile' is not supported: it has no describe/,
    );
  });

  it('turns an unexpected failure on a broken tree into a CompileError', () => {
    const { query } = parseSoql('SELECT Name, FROM Account WHERE');
    expect(() => compileSoql(query, { catalog, schema: hc, dialect: 'sqlite' })).toThrow(
      CompileError,
    );
  });
});

describe('date literal ranges (UTC, weeks from Sunday, fiscal year = calendar year)', () => {
  const range = (name: string, n?: number) => {
    const r = dateLiteralRange(name, n, NOW);
    return [r.start.toISOString().slice(0, 10), r.end.toISOString().slice(0, 10)];
  };
  const cases: [string, number | undefined, string, string][] = [
    ['TODAY', undefined, '2024-06-13', '2024-06-14'],
    ['THIS_WEEK', undefined, '2024-06-09', '2024-06-16'],
    ['LAST_WEEK', undefined, '2024-06-02', '2024-06-09'],
    ['NEXT_MONTH', undefined, '2024-07-01', '2024-08-01'],
    ['LAST_QUARTER', undefined, '2024-01-01', '2024-04-01'],
    ['THIS_FISCAL_QUARTER', undefined, '2024-04-01', '2024-07-01'],
    ['NEXT_FISCAL_YEAR', undefined, '2025-01-01', '2026-01-01'],
    ['LAST_90_DAYS', undefined, '2024-03-15', '2024-06-14'],
    ['NEXT_90_DAYS', undefined, '2024-06-14', '2024-09-12'],
    ['LAST_N_DAYS', 1, '2024-06-12', '2024-06-14'],
    ['NEXT_N_DAYS', 1, '2024-06-14', '2024-06-15'],
    ['N_DAYS_AGO', 2, '2024-06-11', '2024-06-12'],
    ['LAST_N_WEEKS', 2, '2024-05-26', '2024-06-09'],
    ['N_WEEKS_AGO', 1, '2024-06-02', '2024-06-09'],
    ['NEXT_N_MONTHS', 2, '2024-07-01', '2024-09-01'],
    ['N_MONTHS_AGO', 6, '2023-12-01', '2024-01-01'],
    ['LAST_N_QUARTERS', 2, '2023-10-01', '2024-04-01'],
    ['NEXT_N_FISCAL_QUARTERS', 1, '2024-07-01', '2024-10-01'],
    ['N_QUARTERS_AGO', 1, '2024-01-01', '2024-04-01'],
    ['LAST_N_YEARS', 2, '2022-01-01', '2024-01-01'],
    ['N_FISCAL_YEARS_AGO', 1, '2023-01-01', '2024-01-01'],
  ];
  for (const [name, n, start, end] of cases) {
    it(`${name}${n === undefined ? '' : `:${n}`} is [${start}, ${end})`, () => {
      expect(range(name, n)).toEqual([start, end]);
    });
  }

  it('refuses a parametric literal without its number', () => {
    expect(() => dateLiteralRange('LAST_N_DAYS', undefined, NOW)).toThrow(CompileError);
  });
});

describe('herokuConnectSchema', () => {
  it('lower-cases tables and columns in the schema and keeps the Id in sfid', () => {
    const schema = herokuConnectSchema({
      schemaName: 'org',
      mappings: [{ objectName: 'My_Object__c', fields: ['Id', 'Name', 'Amount__c'] }],
    });
    expect(schema.table('my_object__C')).toEqual({
      name: ['org', 'my_object__c'],
      idColumn: 'sfid',
    });
    expect(schema.column('My_Object__c', 'ID')).toBe('sfid');
    expect(schema.column('My_Object__c', 'Amount__c')).toBe('amount__c');
    expect(schema.column('My_Object__c', 'Other__c')).toBeUndefined();
    expect(schema.table('Account')).toBeUndefined();
  });

  it('writes "user" quoted, in the default salesforce schema', () => {
    const compiled = compile('SELECT Name FROM User', { schema: hc, dialect: 'postgres' });
    expect(compiled.sql).toContain('FROM "salesforce"."user" AS "t0"');
  });
});

describe('wide child rows', () => {
  // A child object with 70 text fields: SQLite caps function arguments, so the row is split.
  const field = (name: string, type: string, extra: Partial<FieldDescribe> = {}) =>
    fieldDescribe(name, type, { length: 80, createable: true, updateable: true, ...extra });
  const object = (
    name: string,
    fields: FieldDescribe[],
    children: SObjectDescribe['childRelationships'],
  ) =>
    ({
      name,
      label: name,
      keyPrefix: name === 'Home__c' ? 'a10' : 'a11',
      custom: true,
      queryable: true,
      fields,
      childRelationships: children,
    }) as SObjectDescribe;
  const wideFields = Array.from({ length: 70 }, (_x, i) => field(`F${i}__c`, 'string'));
  const home = object(
    'Home__c',
    [field('Id', 'id'), field('Name', 'string')],
    [
      {
        childSObject: 'Wide__c',
        field: 'Home__c',
        relationshipName: 'Wides__r',
        cascadeDelete: false,
      },
    ],
  );
  const wide = object(
    'Wide__c',
    [
      field('Id', 'id'),
      field('Home__c', 'reference', { referenceTo: ['Home__c'], relationshipName: 'Home__r' }),
      ...wideFields,
    ],
    [],
  );
  const wideCatalog = createDescribeCatalog([home, wide]);
  const schema: PhysicalSchema = {
    table: (o) => ({ name: [o], idColumn: 'Id' }),
    column: (o, f) => wideCatalog.field(o, f)?.name,
  };

  it('splits the JSON row and reads it back whole', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE "Home__c" ("Id" TEXT, "Name" TEXT)');
    db.exec(
      `CREATE TABLE "Wide__c" ("Id" TEXT, "Home__c" TEXT, ${wideFields.map((f) => `"${f.name}" TEXT`).join(', ')})`,
    );
    db.prepare('INSERT INTO "Home__c" VALUES (?, ?)').run('a10000000000001AAA', 'Home');
    db.prepare(`INSERT INTO "Wide__c" VALUES (${Array(72).fill('?').join(', ')})`).run(
      'a11000000000001AAA',
      'a10000000000001AAA',
      ...wideFields.map((_f, i) => `v${i}`),
    );
    const soql = 'SELECT Name, (SELECT FIELDS(CUSTOM) FROM Wides__r) FROM Home__c';
    const input = { catalog: wideCatalog, schema, apiVersion: '59.0' };
    const compiled = compileSoql(parseSoql(soql).query, { ...input, dialect: 'sqlite' });
    const result = compiled.assemble(
      db.prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[],
    );
    const child = (result.records[0]!.Wides__r as { records: Record<string, unknown>[] })
      .records[0]!;
    expect(Object.keys(child)).toEqual(['attributes', 'Home__c', ...wideFields.map((f) => f.name)]);
    expect(child.F0__c).toBe('v0');
    expect(child.F69__c).toBe('v69');
    const postgresSql = compileSoql(parseSoql(soql).query, { ...input, dialect: 'postgres' }).sql;
    expect(postgresSql).toContain('json_build_array(json_build_array(');
    db.close();
  });
});
