// sql.* and compare.run through the studio's router: the local org (demo data) as the active org,
// embedded Postgres laid out for an Account + Contact mapping as the active database, and the
// org's rows copied into it the way the sync engine writes them (an engine session). The same
// SOQL must give the same nested records on both sides, and Compare must find exactly the rows
// changed behind the engine's back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEngineSession } from '../../src-main/postgres';
import {
  columnNameFor,
  herokuConnectSchema,
  qualifiedName,
  quoteIdentifier,
  tableNameFor,
  type Mapping,
} from '../../src-shared/mapping';
import { compileSoql, parseSoql } from '../../src-shared/soql';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { closedPort } from '../support/net';
import { useLocalOrg } from '../support/local-org';
import { createSyncWorld, syncMapping, type SyncWorld } from '../support/sync-world';
import { openExploreStudio, useDatabase, useOrg, type ExploreStudio } from './explore-studio';

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'demo' });

const MAPPINGS: Mapping[] = [
  syncMapping(
    'Account',
    ['Name', 'External_ID__c', 'Industry', 'NumberOfEmployees', 'AnnualRevenue', 'ParentId'],
    { access: 'read_write', upsertField: 'External_ID__c' },
  ),
  syncMapping(
    'Contact',
    ['FirstName', 'LastName', 'Email', 'Title', 'Birthdate', 'DoNotCall', 'AccountId'],
    { access: 'read_only' },
  ),
];

let world: SyncWorld;
let explore: ExploreStudio;

/** Copies every record of each mapping from the org into its table, as the engine would. */
async function copyOrgToPostgres(): Promise<void> {
  for (const mapping of MAPPINGS) {
    const result = await world.salesforce.query<Record<string, unknown>>(
      `SELECT ${mapping.fields.join(', ')} FROM ${mapping.objectName}`,
      { autoFetch: true, maxFetch: 100_000 },
    );
    const table = qualifiedName(world.schemaName, tableNameFor(mapping.objectName));
    const columns = mapping.fields.map((f) => quoteIdentifier(columnNameFor(f))).join(', ');
    await withEngineSession(world.pool, async (client) => {
      for (let at = 0; at < result.records.length; at += 500) {
        const chunk = result.records.slice(at, at + 500);
        const values: unknown[] = [];
        const rows = chunk.map((record) => {
          const marks = mapping.fields.map((field) => {
            values.push(record[field] ?? null);
            return `$${values.length}`;
          });
          return `(${marks.join(', ')})`;
        });
        await client.query(`INSERT INTO ${table} (${columns}) VALUES ${rows.join(', ')}`, values);
      }
    });
  }
}

/** All pages of a query on the org, through the studio. */
async function orgRecords(soql: string): Promise<Record<string, unknown>[]> {
  let page = await explore.call('query.run', { soql });
  const records = [...page.records];
  while (page.cursor) {
    page = await explore.call('query.more', { cursor: page.cursor });
    records.push(...page.records);
  }
  return records;
}

/** Records (and their child lists) in Id order, so two answers compare regardless of collation. */
function byId(records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const sortChildren = (record: Record<string, unknown>) => {
    const copy: Record<string, unknown> = { ...record };
    for (const [key, value] of Object.entries(copy)) {
      if (
        value &&
        typeof value === 'object' &&
        Array.isArray((value as { records?: unknown }).records)
      ) {
        const result = value as { records: Record<string, unknown>[] };
        copy[key] = { ...result, records: byId(result.records) };
      }
    }
    return copy;
  };
  return [...records].map(sortChildren).sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
}

beforeAll(async () => {
  world = await createSyncWorld({
    org: local().org,
    databaseUrl: postgres().url,
    mappings: MAPPINGS,
  });
  await copyOrgToPostgres();
  explore = openExploreStudio();
  await useOrg(explore, local().org);
});

afterAll(async () => {
  await explore?.close();
  await world?.close();
});

describe('without an active database', () => {
  it('sql.* answers NO_ACTIVE_DATABASE while schema.* still works, unmarked', async () => {
    const error = await explore.fail('sql.compile', { soql: 'SELECT Id FROM Account' });
    expect(error.code).toBe('NO_ACTIVE_DATABASE');
    const objects = await explore.call('schema.objects', {});
    expect(objects.objects.every((o) => o.mapped === null)).toBe(true);
  });

  it('a database that is down leaves schema.* working, unmarked', async () => {
    const port = await closedPort();
    await useDatabase(explore, `postgres://nobody:secret@127.0.0.1:${port}/none`, 'salesforce');
    const started = performance.now();
    const described = await explore.call('schema.describe', { object: 'Account' });
    expect(described.mapped).toBeNull();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await explore.fail('sql.run', { soql: 'SELECT Id FROM Account' })).code).toBe(
      'CONNECT_FAILED',
    );
  });
});

describe('with the mapped database active', () => {
  beforeAll(async () => {
    await useDatabase(explore, postgres().url, world.schemaName);
  });

  it('marks mapped objects in schema.objects and schema.describe', async () => {
    const { objects } = await explore.call('schema.objects', {});
    const marked = objects.filter((o) => o.mapped !== null).map((o) => [o.name, o.mapped]);
    expect(marked).toEqual([
      ['Account', 'read_write'],
      ['Contact', 'read_only'],
    ]);
    expect((await explore.call('schema.describe', { object: 'Contact' })).mapped).toBe('read_only');
    expect((await explore.call('schema.describe', { object: 'Lead' })).mapped).toBeNull();
  });

  it('sql.compile gives the Postgres text of a relationship query over the mapped tables', async () => {
    const soql =
      'SELECT Id, Name, Parent.Name, (SELECT LastName, Email FROM Contacts ORDER BY LastName) ' +
      'FROM Account WHERE NumberOfEmployees > 100 ORDER BY Name LIMIT 20';
    const compiled = await explore.call('sql.compile', { soql });
    const direct = compileSoql(parseSoql(soql).query, {
      catalog: world.catalog,
      schema: herokuConnectSchema({ schemaName: world.schemaName, mappings: MAPPINGS }),
      dialect: 'postgres',
      apiVersion: '62.0',
    });
    expect(compiled.sql).toBe(direct.sql);
    expect(compiled.params).toEqual([100, 20]);
    expect(compiled.schemaName).toBe(world.schemaName);
    expect([...compiled.tables].sort()).toEqual([
      `${world.schemaName}.account`,
      `${world.schemaName}.contact`,
    ]);
    const account = `"${world.schemaName}"."account"`;
    expect(compiled.sql).toContain(`FROM ${account}`);
    expect(compiled.sql).toContain(`LEFT JOIN ${account}`);
    expect(compiled.sql).toContain(`"${world.schemaName}"."contact"`);
    expect(compiled.sql).toContain('"sfid"');
    expect(compiled.sql).toContain('$1');
  });

  it('sql.run answers the nested records the org answers for the same data', async () => {
    const contacts =
      'SELECT Id, FirstName, LastName, Email, Title, Birthdate, DoNotCall, CreatedDate, ' +
      'SystemModstamp, Account.Name, Account.NumberOfEmployees, Account.AnnualRevenue, ' +
      'Account.Parent.Name FROM Contact';
    const run = await explore.call('sql.run', { soql: contacts });
    expect(run.totalSize).toBe(1_200);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(byId(run.records)).toEqual(byId(await orgRecords(contacts)));

    const accounts =
      'SELECT Id, Name, Industry, (SELECT Id, LastName, Birthdate FROM Contacts) FROM Account ' +
      'WHERE Industry != null AND CreatedDate < 2100-01-01T00:00:00Z';
    const nested = await explore.call('sql.run', { soql: accounts });
    const fromOrg = await orgRecords(accounts);
    expect(nested.records.length).toBe(fromOrg.length);
    expect(nested.records.length).toBeGreaterThan(0);
    expect(nested.records.some((r) => r.Contacts !== null)).toBe(true);
    expect(byId(nested.records)).toEqual(byId(fromOrg));
  });

  it('names an unmapped object or field and says to map it or drop it', async () => {
    const object = await explore.fail('sql.compile', { soql: 'SELECT Id, Name FROM Opportunity' });
    expect(object.code).toBe('BAD_PARAMS');
    expect(object.message).toContain('Opportunity is not mapped');
    expect(object.message).toContain('Mappings workspace');
    expect(object.message).toContain('drop it from the query');

    const field = await explore.fail('sql.run', { soql: 'SELECT Id, phone FROM Contact' });
    expect(field.code).toBe('BAD_PARAMS');
    expect(field.message).toContain('Contact.Phone is not mapped');
    expect(field.message).toContain('Add Phone to the Contact mapping');
    expect(field.details).toMatchObject({ object: 'Contact', field: 'Phone', line: 1, column: 12 });

    const parent = await explore.fail('sql.compile', {
      soql: 'SELECT Id, Owner.Name FROM Contact',
    });
    expect(parent.message).toContain('User is not mapped');
  });

  it('refuses SOQL the org would refuse, with its row and column', async () => {
    const error = await explore.fail('sql.compile', { soql: 'SELECT Id,\n Nope FROM Contact' });
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toContain('ERROR at Row:2:Column:2');
    expect(error.details).toMatchObject({ errorCode: 'INVALID_FIELD', line: 2, column: 2 });
  });
});

describe('compare.run', () => {
  const contacts =
    'SELECT Id, FirstName, LastName, Email, Birthdate, DoNotCall, SystemModstamp, CreatedDate, ' +
    'Account.Name, Account.AnnualRevenue, Account.NumberOfEmployees FROM Contact';
  const accounts =
    'SELECT Id, Name, NumberOfEmployees, AnnualRevenue, CreatedDate, Parent.Name, ' +
    '(SELECT Id FROM Contacts) FROM Account';

  it('finds nothing different after a faithful copy', async () => {
    const result = await explore.call('compare.run', { soql: contacts });
    expect(result).toMatchObject({
      salesforceCount: 1_200,
      postgresCount: 1_200,
      same: 1_200,
      onlyInSalesforce: [],
      onlyInPostgres: [],
      different: [],
      truncated: false,
    });
    const withChildren = await explore.call('compare.run', { soql: accounts });
    expect(withChildren).toMatchObject({ same: 300, different: [], onlyInPostgres: [] });
  });

  it('lists exactly a changed row, a deleted row and an added row', async () => {
    const contact = (table: string) => qualifiedName(world.schemaName, table);
    type ContactRow = { sfid: string; email: string | null };
    const { rows } = await world.pool.query<ContactRow>(
      `SELECT sfid, email FROM ${contact('contact')} WHERE email IS NOT NULL AND accountid IS NOT NULL ORDER BY sfid LIMIT 2`,
    );
    const [changed, deleted] = rows as [ContactRow, ContactRow];
    // An application's writes, behind the sync engine's back.
    await world.pool.query(`UPDATE ${contact('contact')} SET email = $1 WHERE sfid = $2`, [
      'changed@example.com',
      changed.sfid,
    ]);
    await world.pool.query(`DELETE FROM ${contact('contact')} WHERE sfid = $1`, [deleted.sfid]);
    await world.pool.query(
      `INSERT INTO ${contact('contact')} (lastname, email) VALUES ('Added in Postgres', 'new@example.com')`,
    );

    const result = await explore.call('compare.run', { soql: contacts });
    expect(result.salesforceCount).toBe(1_200);
    expect(result.postgresCount).toBe(1_200);
    expect(result.same).toBe(1_198);
    expect(result.different).toEqual([
      {
        id: changed.sfid,
        fields: [{ path: 'Email', salesforce: changed.email, postgres: 'changed@example.com' }],
      },
    ]);
    expect(result.onlyInSalesforce.map((r) => r.Id)).toEqual([deleted.sfid]);
    expect(result.onlyInPostgres).toHaveLength(1);
    expect(result.onlyInPostgres[0]).toMatchObject({
      Id: null,
      LastName: 'Added in Postgres',
      Email: 'new@example.com',
    });

    // The Account side sees the deleted contact as a missing child of its account.
    const withChildren = await explore.call('compare.run', { soql: accounts });
    expect(withChildren.different).toHaveLength(1);
    expect(withChildren.different[0]!.fields).toEqual([
      expect.objectContaining({ path: 'Contacts' }),
    ]);
  });

  it('refuses a query without records to match', async () => {
    const error = await explore.fail('compare.run', { soql: 'SELECT COUNT() FROM Contact' });
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toContain('needs a query that returns records');
  });
});

describe('a SQL error', () => {
  it("answers REMOTE_ERROR with Postgres' own message", async () => {
    await world.pool.query(
      `ALTER TABLE ${qualifiedName(world.schemaName, 'contact')} DROP COLUMN title`,
    );
    const error = await explore.fail('sql.run', { soql: 'SELECT Id, Title FROM Contact' });
    expect(error.code).toBe('REMOTE_ERROR');
    expect(error.message).toMatch(/column .*title.* does not exist/);
  });
});
