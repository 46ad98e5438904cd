// The SOQL compiler's postgres dialect on a real (embedded) Postgres, over tables shaped like
// Heroku Connect's (schema `salesforce`, lower-cased names, `sfid`, lookups as varchar(18)),
// written by hand. Every case in soql-compile-cases.ts must give its exact nested result, and
// the same result as the sqlite dialect over the local org's layout.

import type Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { herokuConnectSchema } from '../../src-shared/mapping';
import {
  compileSoql,
  parseSoql,
  type PhysicalSchema,
  type QueryResult,
  type SqlDialect,
} from '../../src-shared/soql';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import {
  API,
  CASES,
  NOW,
  createSqliteOrg,
  localOrgSchema,
  postgresSetup,
  sortedRecords,
  testCatalog,
  type SoqlCase,
} from './soql-compile-cases';

const postgres = useEmbeddedPostgres();
const catalog = testCatalog();
const setup = postgresSetup(catalog);
const hcSchema = herokuConnectSchema({ schemaName: 'salesforce', mappings: setup.mappings });
let client: pg.Client;
let sqlite: Database.Database;

beforeAll(async () => {
  client = new pg.Client({ connectionString: postgres().url });
  await client.connect();
  for (const statement of setup.statements) await client.query(statement);
  for (const insert of setup.inserts) await client.query(insert.sql, insert.params);
  sqlite = createSqliteOrg(catalog);
});

afterAll(async () => {
  sqlite?.close();
  await client?.end();
});

function compile(c: SoqlCase, dialect: SqlDialect, schema: PhysicalSchema) {
  const parsed = parseSoql(c.soql);
  expect(parsed.diagnostics).toEqual([]);
  return compileSoql(parsed.query, {
    catalog,
    schema,
    dialect,
    now: NOW,
    apiVersion: API,
    includeDeleted: c.includeDeleted,
  });
}

async function runPostgres(c: SoqlCase): Promise<QueryResult> {
  const compiled = compile(c, 'postgres', hcSchema);
  expect(compiled.sql).not.toContain('?');
  const { rows } = await client.query(compiled.sql, compiled.params);
  return compiled.assemble(rows as Record<string, unknown>[]);
}

function runSqlite(c: SoqlCase): QueryResult {
  const compiled = compile(c, 'sqlite', localOrgSchema(catalog));
  const rows = sqlite.prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[];
  return compiled.assemble(rows);
}

describe('SOQL compiled for Postgres returns Salesforce-shaped results over Heroku Connect tables', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const result = await runPostgres(c);
      if (c.check) c.check(result);
      const actual = c.unordered ? sortedRecords(result) : result;
      if (c.expected) {
        const expected = c.unordered ? sortedRecords(c.expected) : c.expected;
        expect(actual).toEqual(expected);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }
      // Both dialects, each over its own layout, give the same records (key order included).
      const fromSqlite = c.unordered ? sortedRecords(runSqlite(c)) : runSqlite(c);
      expect(JSON.stringify(actual)).toBe(JSON.stringify(fromSqlite));
    });
  }

  it('reads the Id from sfid and joins lookups to sfid', () => {
    const compiled = compile(
      { name: 'sql', soql: 'SELECT Id, Account.Name FROM Contact' },
      'postgres',
      hcSchema,
    );
    expect(compiled.sql).toContain('FROM "salesforce"."contact" AS "t0"');
    expect(compiled.sql).toContain(
      'LEFT JOIN "salesforce"."account" AS "t1" ON "t1"."sfid" = "t0"."accountid"',
    );
  });
});
