import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/commands';
import {
  applySchemaPlan,
  openPool,
  withEngineSession,
  type PostgresPool,
} from '../../src-main/postgres';
import { parseConnectExport, planSchema } from '../../src-shared/mapping';
import { memoryIo } from '../support/cli';
import { FIXTURE_DESCRIBE_DIR, fixtureCatalog } from '../support/describes';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { tempDir } from '../support/temp';

// `soql to-sql` end to end: the mapping planner lays out Heroku Connect's tables on a real
// Postgres, the command compiles SOQL over them, and the SQL it prints answers the query.

const EXPORT = {
  version: 1,
  mappings: [
    {
      object_name: 'Account',
      config: {
        access: 'read_only',
        sf_notify_enabled: false,
        sf_polling_seconds: 600,
        sf_max_daily_api_calls: 30000,
        fields: { Id: {}, Name: {}, Industry: {}, IsDeleted: {}, SystemModstamp: {} },
        indexes: { Id: { unique: true }, SystemModstamp: { unique: false } },
      },
    },
    {
      object_name: 'Contact',
      config: {
        access: 'read_only',
        sf_notify_enabled: false,
        sf_polling_seconds: 600,
        sf_max_daily_api_calls: 30000,
        fields: { Id: {}, LastName: {}, AccountId: {}, IsDeleted: {}, SystemModstamp: {} },
        indexes: { Id: { unique: true }, SystemModstamp: { unique: false } },
      },
    },
  ],
};

const ACME = '001000000000001AAA';
const GLOBEX = '001000000000002AAA';

const pg = useEmbeddedPostgres();
let pool: PostgresPool;
let mappingsFile: string;

beforeAll(async () => {
  mappingsFile = join(tempDir('connect-studio-to-sql-'), 'connect.json');
  writeFileSync(mappingsFile, JSON.stringify(EXPORT));
  pool = await openPool(pg().url);
  const document = parseConnectExport(EXPORT);
  const plan = planSchema({
    schemaName: 'salesforce',
    mappings: document.mappings,
    catalog: fixtureCatalog(),
  });
  await applySchemaPlan(pool, plan, {
    schemaName: 'salesforce',
    mappingsJson: JSON.stringify(EXPORT),
  });
  // Rows as the sync engine writes them: in its own session, so nothing is logged.
  await withEngineSession(pool, async (client) => {
    await client.query(
      `INSERT INTO salesforce.account (sfid, name, industry, isdeleted) VALUES
         ($1, 'Acme', 'Energy', false), ($2, 'Globex', 'Retail', false)`,
      [ACME, GLOBEX],
    );
    await client.query(
      `INSERT INTO salesforce.contact (sfid, lastname, accountid, isdeleted) VALUES
         ('003000000000001AAA', 'Zeta', $1, false),
         ('003000000000002AAA', 'alpha', $1, false),
         ('003000000000003AAA', 'Gone', $1, true),
         ('003000000000004AAA', 'Beta', $2, false),
         ('003000000000005AAA', 'Orphan', NULL, false)`,
      [ACME, GLOBEX],
    );
  });
});

afterAll(async () => {
  await pool?.end();
});

async function toSql(query: string, ...extra: string[]) {
  const io = memoryIo({});
  const code = await runCli(
    [
      'soql',
      'to-sql',
      query,
      '--mappings',
      mappingsFile,
      '--describe',
      FIXTURE_DESCRIBE_DIR,
      ...extra,
    ],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('soql to-sql', () => {
  it('prints SQL over the mapped tables that answers a parent-path query', async () => {
    const run = await toSql(
      "SELECT LastName, Account.Name FROM Contact WHERE Account.Industry = 'energy' ORDER BY LastName",
      '--json',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const { sql, params, dialect } = JSON.parse(run.out) as {
      sql: string;
      params: unknown[];
      dialect: string;
    };
    expect(dialect).toBe('postgres');
    expect(sql).toContain('"salesforce"."contact"');
    expect(params).toContain('energy');
    const { rows } = await pool.query(sql, params);
    // Case-insensitive compare and sort, as an org does; the deleted contact stays out.
    expect(rows.map((r: Record<string, unknown>) => [r.c1, r.c3])).toEqual([
      ['alpha', 'Acme'],
      ['Zeta', 'Acme'],
    ]);
  });

  it('answers a child subquery per parent', async () => {
    const run = await toSql(
      'SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account ORDER BY Name',
      '--json',
    );
    expect(run.code).toBe(0);
    const { sql, params } = JSON.parse(run.out) as { sql: string; params: unknown[] };
    const { rows } = await pool.query(sql, params);
    expect(rows).toHaveLength(2);
    expect(rows[0].c1).toBe('Acme');
    expect(JSON.stringify(rows[0].c2)).toContain('alpha');
    expect(JSON.stringify(rows[0].c2)).not.toContain('Gone');
    expect(JSON.stringify(rows[1].c2)).toContain('Beta');
  });

  it('prints plain SQL with its parameters by default', async () => {
    const run = await toSql("SELECT Name FROM Account WHERE Name = 'Acme'");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/;\n-- params: \$1 = "Acme"\n$/);
  });

  it('refuses a query that does not validate, with its position', async () => {
    const run = await toSql('SELECT Nmae FROM Account');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "line 1, column 8: INVALID_FIELD: No such column 'Nmae' on entity 'Account'",
    );
  });

  it('names a field the mapping leaves out', async () => {
    const run = await toSql('SELECT Phone FROM Account');
    expect(run.code).toBe(1);
    expect(run.err).toContain('Account.Phone');
  });

  it('needs the mapping export and describes', async () => {
    const io = memoryIo({});
    expect(
      await runCli(
        ['soql', 'to-sql', 'SELECT Id FROM Account', '--describe', FIXTURE_DESCRIBE_DIR],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toContain('--mappings FILE');
    const io2 = memoryIo({});
    expect(
      await runCli(['soql', 'to-sql', 'SELECT Id FROM Account', '--mappings', mappingsFile], io2),
    ).toBe(2);
    expect(io2.err()).toContain('--describe DIR');
  });
});
