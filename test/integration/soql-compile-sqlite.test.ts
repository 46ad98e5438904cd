// The SOQL compiler's sqlite dialect on real SQLite (better-sqlite3, in memory), over the local
// org's layout: one table per object, columns named like the fields, Id in "Id". Every case in
// soql-compile-cases.ts must give its exact nested result, key order included.

import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSoql, parseSoql, type QueryResult } from '../../src-shared/soql';
import {
  API,
  CASES,
  NOW,
  createSqliteOrg,
  localOrgSchema,
  sortedRecords,
  testCatalog,
  type SoqlCase,
} from './soql-compile-cases';

const catalog = testCatalog();
const schema = localOrgSchema(catalog);
let db: Database.Database;

beforeAll(() => {
  db = createSqliteOrg(catalog);
});
afterAll(() => db?.close());

function run(c: SoqlCase): QueryResult {
  const parsed = parseSoql(c.soql);
  expect(parsed.diagnostics).toEqual([]);
  const compiled = compileSoql(parsed.query, {
    catalog,
    schema,
    dialect: 'sqlite',
    now: NOW,
    apiVersion: API,
    includeDeleted: c.includeDeleted,
  });
  expect(compiled.sql).not.toMatch(/\$\d/);
  const rows = db.prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[];
  return compiled.assemble(rows);
}

describe('SOQL compiled for SQLite returns Salesforce-shaped results', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = run(c);
      if (c.check) c.check(result);
      if (c.expected) {
        const actual = c.unordered ? sortedRecords(result) : result;
        const expected = c.unordered ? sortedRecords(c.expected) : c.expected;
        expect(actual).toEqual(expected);
        // toEqual ignores key order; a real org's order is part of the contract.
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }
    });
  }
});
