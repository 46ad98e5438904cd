import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeId, startLocalOrg, type LocalOrg } from '../../src-main/local-org';
import { connectTo, useLocalOrg } from '../support/local-org';
import { tempDir } from '../support/temp';

// Bulk API 2.0 through the real jsforce client (salesforce-rest.md §2.15, §2.16), plus the
// wire details jsforce does not show (first status GET, locators, states) through plain HTTP.

type CsvRecord = Record<string, string>;

const local = useLocalOrg({ seed: 'empty' });
let conn: Connection;
const accountIds: string[] = [];
const contactIds: string[] = [];
const CONTACTS = 5000;
const ACCOUNTS = 50;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Contact n's parent: none for every tenth contact. */
const accountIndexOf = (n: number): number | null => (n % 10 === 9 ? null : n % ACCOUNTS);

beforeAll(async () => {
  const store = local().org.store;
  store.atomically(() => {
    for (let a = 0; a < ACCOUNTS; a++) {
      accountIds.push(
        store.insert('Account', { Name: `Account ${pad(a, 2)}`, External_ID__c: `ACC-${a}` }),
      );
    }
    for (let c = 0; c < CONTACTS; c++) {
      const parent = accountIndexOf(c);
      contactIds.push(
        store.insert('Contact', {
          LastName: `Last ${pad(c, 4)}`,
          FirstName: c % 7 === 0 ? null : `First ${c}`,
          Email: `c${c}@example.com`,
          DoNotCall: c % 2 === 0,
          Birthdate: `19${pad(50 + (c % 40), 2)}-0${1 + (c % 9)}-1${c % 10}`,
          AccountId: parent === null ? null : accountIds[parent],
        }),
      );
    }
  });
  conn = await local().connect();
});

/** Every record of a bulk2.query stream (values are strings). */
async function bulkQuery(soql: string, options: { scanAll?: boolean } = {}): Promise<CsvRecord[]> {
  const stream = await conn.bulk2.query(soql, options);
  return new Promise((resolve, reject) => {
    const records: CsvRecord[] = [];
    stream.on('record', (record: CsvRecord) => records.push(record));
    stream.on('end', () => resolve(records));
    stream.on('error', reject);
  });
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A plain HTTP call to /services/data/v62.0<path> with the connection's session. */
async function raw(
  method: string,
  path: string,
  body?: { json: unknown } | { csv: string },
): Promise<RawResponse> {
  const headers: Record<string, string> = { Authorization: `Bearer ${conn.accessToken}` };
  let payload: string | undefined;
  if (body && 'json' in body) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body) {
    headers['Content-Type'] = 'text/csv';
    payload = body.csv;
  }
  const response = await fetch(`${conn.instanceUrl}/services/data/v62.0${path}`, {
    method,
    headers,
    body: payload,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const jsonOf = (response: RawResponse): Record<string, unknown> =>
  JSON.parse(response.text) as Record<string, unknown>;

/** The one element of a Salesforce error array. */
const errorOf = (response: RawResponse): { errorCode?: string; message?: string } =>
  (JSON.parse(response.text) as Array<{ errorCode: string; message: string }>)[0] ?? {};

const errorCodeOf = (response: RawResponse): string | undefined => errorOf(response).errorCode;

describe('query jobs through jsforce', () => {
  it('streams 5,000 contacts with a parent field, in SELECT order, values as strings', async () => {
    const soql =
      'SELECT Id, LastName, FirstName, Email, DoNotCall, Birthdate, CreatedDate, Account.Name ' +
      'FROM Contact ORDER BY LastName';
    const records = await bulkQuery(soql);
    expect(records).toHaveLength(CONTACTS);
    expect(Object.keys(records[0] as CsvRecord)).toEqual([
      'Id',
      'LastName',
      'FirstName',
      'Email',
      'DoNotCall',
      'Birthdate',
      'CreatedDate',
      'Account.Name',
    ]);
    // The same query through REST is the reference for every row.
    const rest = await conn.query<Record<string, unknown>>(soql, {
      autoFetch: true,
      maxFetch: 10_000,
    });
    expect(rest.records).toHaveLength(CONTACTS);
    records.forEach((record, n) => {
      const expected = rest.records[n] as Record<string, unknown>;
      const parent = accountIndexOf(n);
      expect(record).toEqual({
        Id: contactIds[n],
        LastName: `Last ${pad(n, 4)}`,
        FirstName: n % 7 === 0 ? '' : `First ${n}`,
        Email: `c${n}@example.com`,
        DoNotCall: n % 2 === 0 ? 'true' : 'false',
        Birthdate: expected.Birthdate,
        CreatedDate: String(expected.CreatedDate).replace(/\+0000$/, 'Z'),
        'Account.Name': parent === null ? '' : `Account ${pad(parent, 2)}`,
      });
      expect(record.Id).toBe(expected.Id);
    });
    expect(records[0]?.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(records[1]?.Birthdate).toBe('1951-02-11');
  });

  it('answers queryAll with deleted rows, and query without them', async () => {
    const store = local().org.store;
    const deleted = [contactIds[4990], contactIds[4991], contactIds[4992]] as string[];
    for (const id of deleted) store.delete('Contact', id);
    const soql =
      "SELECT Id, IsDeleted FROM Contact WHERE LastName LIKE 'Last 499%' ORDER BY LastName";
    const live = await bulkQuery(soql);
    const all = await bulkQuery(soql, { scanAll: true });
    expect(live.map((r) => r.Id)).toEqual(contactIds.slice(4993, 5000));
    expect(live.every((r) => r.IsDeleted === 'false')).toBe(true);
    expect(all.map((r) => r.Id)).toEqual(contactIds.slice(4990, 5000));
    expect(all.filter((r) => r.IsDeleted === 'true').map((r) => r.Id)).toEqual(deleted);
  });

  it.each([
    ['SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry', /GROUP BY is not supported/],
    ['SELECT COUNT() FROM Account', /aggregate function COUNT\(\) is not supported/],
    ['SELECT Id FROM Account LIMIT 10 OFFSET 5', /OFFSET is not supported/],
    [
      'SELECT Id, (SELECT Id FROM Contacts) FROM Account',
      /parent-to-child subquery \(Contacts\) is not supported/,
    ],
    ['SELECT TYPEOF What WHEN Account THEN Name ELSE Id END FROM Task', /TYPEOF is not supported/],
    ['SELECT Id, BillingAddress FROM Account', /compound field BillingAddress is not supported/],
  ])('refuses what Bulk 2.0 refuses: %s', async (soql, message) => {
    const error = await bulkQuery(soql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      errorCode: 'API_ERROR',
      message: expect.stringMatching(message),
    });
    expect((error as Error).message).toMatch(/run the query through the REST query resource/);
  });

  it("gives the store's SOQL errors for invalid queries", async () => {
    await expect(bulkQuery('SELECT Nope__c FROM Contact')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    await expect(bulkQuery('SELECT Id FROM')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
  });
});

describe('query jobs on the wire', () => {
  async function createQueryJob(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const created = await raw('POST', '/jobs/query', { json: { operation: 'query', ...body } });
    expect(created.status).toBe(200);
    return jsonOf(created);
  }

  it('creates a job answering like Salesforce, complete by the first status GET', async () => {
    const info = await createQueryJob({ query: 'SELECT Id, Name FROM Account' });
    expect(info).toMatchObject({
      operation: 'query',
      object: 'Account',
      createdById: local().org.store.identity.userId,
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(String(info.id)).toMatch(/^750/);
    expect(normalizeId(String(info.id))).toBe(info.id);
    expect(info.createdDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);

    const status = await raw('GET', `/jobs/query/${String(info.id)}`);
    expect(status.headers.get('sforce-locator')).toBeNull();
    expect(jsonOf(status)).toMatchObject({
      id: info.id,
      state: 'JobComplete',
      jobType: 'V2Query',
      numberRecordsProcessed: ACCOUNTS,
      retries: 0,
    });
    const list = jsonOf(await raw('GET', '/jobs/query'));
    expect(list).toMatchObject({ done: true, nextRecordsUrl: null });
    expect((list.records as Array<{ id: string }>).map((r) => r.id)).toContain(info.id);
  });

  it('answers results in one page with Sforce-Locator null, or in maxRecords pages', async () => {
    const info = await createQueryJob({
      query: "SELECT Name FROM Account WHERE Name LIKE 'Account 0%' ORDER BY Name",
    });
    const path = `/jobs/query/${String(info.id)}/results`;
    const whole = await raw('GET', path);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(whole.headers.get('sforce-locator')).toBe('null');
    expect(whole.headers.get('sforce-numberofrecords')).toBe('10');
    const names = Array.from({ length: 10 }, (_, i) => `"Account 0${i}"`);
    expect(whole.text).toBe(['"Name"', ...names, ''].join('\n'));

    const pages: string[][] = [];
    let locator: string | null = null;
    do {
      const page: RawResponse = await raw(
        'GET',
        `${path}?maxRecords=4${locator ? `&locator=${locator}` : ''}`,
      );
      expect(page.status).toBe(200);
      locator = page.headers.get('sforce-locator');
      const lines = page.text.split('\n').filter((l) => l !== '');
      expect(lines[0]).toBe('"Name"');
      expect(page.headers.get('sforce-numberofrecords')).toBe(String(lines.length - 1));
      pages.push(lines.slice(1));
    } while (locator !== 'null' && pages.length < 10);
    expect(pages).toEqual([names.slice(0, 4), names.slice(4, 8), names.slice(8)]);

    expect(errorCodeOf(await raw('GET', `${path}?maxRecords=0`))).toBe('API_ERROR');
    expect(errorCodeOf(await raw('GET', `${path}?locator=not*a*locator`))).toBe(
      'INVALID_QUERY_LOCATOR',
    );
  });

  it('writes the job delimiter and line ending', async () => {
    const info = await createQueryJob({
      query: "SELECT Name, NumberOfEmployees FROM Account WHERE Name = 'Account 01'",
      columnDelimiter: 'PIPE',
      lineEnding: 'CRLF',
    });
    expect(info).toMatchObject({ columnDelimiter: 'PIPE', lineEnding: 'CRLF' });
    const results = await raw('GET', `/jobs/query/${String(info.id)}/results`);
    expect(results.text).toBe('"Name"|"NumberOfEmployees"\r\n"Account 01"|""\r\n');
  });

  it('aborts a job before it is looked at, then refuses its results; deletes jobs', async () => {
    const info = await createQueryJob({ query: 'SELECT Id FROM Account' });
    const id = String(info.id);
    const aborted = await raw('PATCH', `/jobs/query/${id}`, { json: { state: 'Aborted' } });
    expect(jsonOf(aborted)).toMatchObject({ id, state: 'Aborted' });
    const results = await raw('GET', `/jobs/query/${id}/results`);
    expect(results.status).toBe(400);
    expect(errorCodeOf(results)).toBe('JOB_NOT_COMPLETE');
    const again = await raw('PATCH', `/jobs/query/${id}`, { json: { state: 'Aborted' } });
    expect(errorCodeOf(again)).toBe('INVALIDJOBSTATE');

    expect((await raw('DELETE', `/jobs/query/${id}`)).status).toBe(204);
    const gone = await raw('GET', `/jobs/query/${id}`);
    expect(gone.status).toBe(404);
    expect(errorCodeOf(gone)).toBe('NOT_FOUND');
    expect((await raw('GET', `/jobs/query/750000000000000AAA/results`)).status).toBe(404);
    expect((await raw('GET', `/jobs/query/not-an-id`)).status).toBe(404);
  });

  it('refuses bad job definitions with a clear message', async () => {
    const noQuery = await raw('POST', '/jobs/query', { json: { operation: 'query' } });
    expect(noQuery.status).toBe(400);
    expect(errorOf(noQuery)).toMatchObject({
      errorCode: 'INVALIDJOB',
      message: expect.stringMatching(/needs a query/),
    });
    const badOperation = await raw('POST', '/jobs/query', {
      json: { operation: 'insert', query: 'SELECT Id FROM Account' },
    });
    expect(errorCodeOf(badOperation)).toBe('INVALIDJOB');
    const badDelimiter = await raw('POST', '/jobs/query', {
      json: { operation: 'query', query: 'SELECT Id FROM Account', columnDelimiter: 'SPACE' },
    });
    expect(badDelimiter.text).toMatch(/columnDelimiter \\"SPACE\\" is not one of COMMA, TAB/);
  });
});

describe('ingest jobs through jsforce', () => {
  /** What loadAndWaitForResults gives at run time: rows of strings (csv-parse). */
  interface LoadResults {
    successfulResults: CsvRecord[];
    failedResults: CsvRecord[];
    unprocessedRecords: CsvRecord[];
  }

  const load = async (
    options: Parameters<typeof conn.bulk2.loadAndWaitForResults>[0],
  ): Promise<LoadResults> => {
    const results: unknown = await conn.bulk2.loadAndWaitForResults(options);
    return results as LoadResults;
  };

  it('inserts rows, each its own unit: failures do not stop the others', async () => {
    const tooLong = 'x'.repeat(256);
    const results = await load({
      object: 'Account',
      operation: 'insert',
      input: [
        { Name: 'Bulk One', NumberOfEmployees: '12', AnnualRevenue: '1500', Phone: '555-0100' },
        { Name: null, NumberOfEmployees: '3', AnnualRevenue: '', Phone: '' },
        { Name: tooLong, NumberOfEmployees: '4', AnnualRevenue: '', Phone: '' },
        { Name: 'Bad Number', NumberOfEmployees: 'twelve', AnnualRevenue: '', Phone: '' },
        { Name: 'Bulk Two', NumberOfEmployees: '', AnnualRevenue: '', Phone: '' },
      ],
    });
    expect(results.unprocessedRecords).toEqual([]);
    expect(
      results.successfulResults.map((r) => [r.sf__Created, r.Name, r.NumberOfEmployees]),
    ).toEqual([
      ['true', 'Bulk One', '12'],
      ['true', 'Bulk Two', ''],
    ]);
    const [one, two] = results.successfulResults as [CsvRecord, CsvRecord];
    expect(Object.keys(one)).toEqual([
      'sf__Id',
      'sf__Created',
      'Name',
      'NumberOfEmployees',
      'AnnualRevenue',
      'Phone',
    ]);
    const stored = local().org.store.retrieve(
      'Account',
      String(one.sf__Id),
      ['Name', 'NumberOfEmployees', 'AnnualRevenue', 'Phone'],
      '62.0',
    );
    expect(stored).toMatchObject({
      Name: 'Bulk One',
      NumberOfEmployees: 12,
      AnnualRevenue: 1500,
      Phone: '555-0100',
    });
    expect(normalizeId(String(two.sf__Id))).toBe(two.sf__Id);

    const failed = results.failedResults;
    expect(failed.map((r) => r.sf__Id)).toEqual(['', '', '']);
    expect(failed.map((r) => r.NumberOfEmployees)).toEqual(['3', '4', 'twelve']);
    expect(failed[0]?.Name).toBe('#N/A');
    expect(failed[0]?.sf__Error).toMatch(
      /^REQUIRED_FIELD_MISSING:Required fields are missing: \[Name\]:Name --$/,
    );
    expect(failed[1]?.Name).toBe(tooLong);
    expect(failed[1]?.sf__Error).toMatch(
      /^STRING_TOO_LONG:Account Name: data value too large: x+ \(max length=255\):Name --$/,
    );
    expect(failed[2]?.sf__Error).toBe(
      'INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: twelve:NumberOfEmployees --',
    );
    const count = await conn.query(
      "SELECT Id FROM Account WHERE Name IN ('Bulk One', 'Bulk Two', 'Bad Number')",
    );
    expect(count.totalSize).toBe(2);
  });

  it('reads an empty line of a one-column file as a row with an empty value', async () => {
    // jsforce writes a blank line for `{ Name: '' }` when Name is the only column.
    const results = await load({
      object: 'Account',
      operation: 'insert',
      input: [{ Name: 'Only Column' }, { Name: '' }, { Name: 'After The Gap' }],
    });
    expect(results.successfulResults.map((r) => r.Name)).toEqual(['Only Column', 'After The Gap']);
    expect(results.failedResults.map((r) => r.sf__Error)).toEqual([
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --',
    ]);
  });

  it('updates rows: empty leaves a field alone, #N/A clears it', async () => {
    const store = local().org.store;
    const a = store.insert('Account', { Name: 'Upd A', Phone: '111', Website: 'a.example.com' });
    const b = store.insert('Account', { Name: 'Upd B', Phone: '222', Website: 'b.example.com' });
    const results = await load({
      object: 'Account',
      operation: 'update',
      input: [
        { Id: a, Name: 'Upd A2', Phone: null, Website: 'a2.example.com' },
        { Id: b, Phone: '333' },
        { Id: '001000000000000AAA', Name: 'Nobody', Phone: '', Website: '' },
        { Id: 'not-an-id', Name: 'Nobody', Phone: '', Website: '' },
      ],
    });
    expect(results.successfulResults.map((r) => [r.sf__Id, r.sf__Created])).toEqual([
      [a, 'false'],
      [b, 'false'],
    ]);
    const fields = ['Name', 'Phone', 'Website'];
    expect(store.retrieve('Account', a, fields, '62.0')).toMatchObject({
      Name: 'Upd A2',
      Phone: null,
      Website: 'a2.example.com',
    });
    expect(store.retrieve('Account', b, fields, '62.0')).toMatchObject({
      Name: 'Upd B',
      Phone: '333',
      Website: 'b.example.com',
    });
    expect(results.failedResults.map((r) => r.sf__Id)).toEqual(['001000000000000AAA', 'not-an-id']);
    for (const failure of results.failedResults)
      expect(failure.sf__Error).toMatch(/^[A-Z_]+:.+:(?:\w+ )?--$/);
  });

  it('upserts by External_ID__c with a relationship column to the parent', async () => {
    const store = local().org.store;
    const existing = store.insert('Contact', {
      LastName: 'Before',
      External_ID__c: 'CON-EXISTING',
    });
    const results = await load({
      object: 'Contact',
      operation: 'upsert',
      externalIdFieldName: 'External_ID__c',
      input: [
        { External_ID__c: 'CON-NEW', LastName: 'Created', 'Account.External_ID__c': 'ACC-3' },
        { External_ID__c: 'CON-EXISTING', LastName: 'Changed', 'Account.External_ID__c': 'ACC-4' },
        { External_ID__c: 'CON-BAD', LastName: 'Orphan', 'Account.External_ID__c': 'NO-SUCH-ACC' },
      ],
    });
    expect(
      results.successfulResults.map((r) => [
        r.sf__Created,
        r.External_ID__c,
        r['Account.External_ID__c'],
      ]),
    ).toEqual([
      ['true', 'CON-NEW', 'ACC-3'],
      ['false', 'CON-EXISTING', 'ACC-4'],
    ]);
    expect(results.successfulResults[1]?.sf__Id).toBe(existing);
    const created = String(results.successfulResults[0]?.sf__Id);
    const fields = ['LastName', 'AccountId'];
    expect(store.retrieve('Contact', created, fields, '62.0')).toMatchObject({
      LastName: 'Created',
      AccountId: accountIds[3],
    });
    expect(store.retrieve('Contact', existing, fields, '62.0')).toMatchObject({
      LastName: 'Changed',
      AccountId: accountIds[4],
    });
    expect(results.failedResults).toHaveLength(1);
    expect(results.failedResults[0]).toMatchObject({ sf__Id: '', External_ID__c: 'CON-BAD' });
    expect(results.failedResults[0]?.sf__Error).toMatch(/^[A-Z_]+:.*NO-SUCH-ACC.*--$/);
    expect(store.findIds('Contact', 'External_ID__c', 'CON-BAD')).toEqual([]);
  });

  it('inserts through a polymorphic lookup named Type:Relationship.Field', async () => {
    const store = local().org.store;
    const contact = store.insert('Contact', { LastName: 'Who', External_ID__c: 'CON-WHO' });
    const results = await load({
      object: 'Task',
      operation: 'insert',
      input: [{ Subject: 'Call', 'Contact:Who.External_ID__c': 'CON-WHO' }],
    });
    expect(results.failedResults).toEqual([]);
    const task = String(results.successfulResults[0]?.sf__Id);
    expect(store.retrieve('Task', task, ['WhoId'], '62.0')).toMatchObject({ WhoId: contact });

    await expect(
      load({
        object: 'Task',
        operation: 'insert',
        input: [{ Subject: 'Call', 'Who.External_ID__c': 'CON-WHO' }],
      }),
    ).rejects.toThrow(
      /WhoId can point to Contact, Lead; name the type as Type:Who\.External_ID__c/,
    );
  });

  it('refuses an upsert job on a field that is not an external id', async () => {
    await expect(
      load({
        object: 'Contact',
        operation: 'upsert',
        externalIdFieldName: 'LastName',
        input: [{ LastName: 'x' }],
      }),
    ).rejects.toMatchObject({
      errorCode: 'INVALIDJOB',
      message:
        'Field name provided, LastName does not match an External ID, Salesforce Id, or indexed field for Contact',
    });
  });

  it('deletes to the recycle bin, and hard-deletes for good', async () => {
    const store = local().org.store;
    const [soft1, soft2, hard] = ['Del 1', 'Del 2', 'Hard 1'].map((Name) =>
      store.insert('Account', { Name }),
    ) as [string, string, string];
    const deleted = await load({
      object: 'Account',
      operation: 'delete',
      input: [{ Id: soft1 }, { Id: soft2 }, { Id: '001000000000000AAA' }],
    });
    expect(deleted.successfulResults.map((r) => [r.sf__Id, r.sf__Created])).toEqual([
      [soft1, 'false'],
      [soft2, 'false'],
    ]);
    expect(deleted.failedResults.map((r) => r.sf__Id)).toEqual(['001000000000000AAA']);
    const hardDeleted = await load({
      object: 'Account',
      operation: 'hardDelete',
      input: [{ Id: hard }],
    });
    expect(hardDeleted.successfulResults.map((r) => r.sf__Id)).toEqual([hard]);

    const soql = `SELECT Id, IsDeleted FROM Account WHERE Id IN ('${soft1}', '${soft2}', '${hard}')`;
    const all = await bulkQuery(soql, { scanAll: true });
    expect(all.map((r) => [r.Id, r.IsDeleted]).sort()).toEqual(
      [
        [soft1, 'true'],
        [soft2, 'true'],
      ].sort(),
    );
  });

  it('round-trips hostile values: quotes, delimiters, line breaks, unicode', async () => {
    const hostile = [
      'Quote "inside" here',
      'Comma, semicolon; pipe | caret ^ backquote ` tab\there',
      'Two\nlines\r\nand CRLF',
      'Ünïcødé — 日本語 — 🚀',
      '"starts and ends with quotes"',
      ' leading and trailing spaces ',
    ];
    const input = hostile.map((text, i) => ({ Name: `Hostile ${i}`, Description: text }));
    const results = await load({ object: 'Account', operation: 'insert', input });
    expect(results.failedResults).toEqual([]);
    expect(results.successfulResults.map((r) => r.Description)).toEqual(hostile);
    const back = await bulkQuery(
      "SELECT Name, Description FROM Account WHERE Name LIKE 'Hostile %' ORDER BY Name",
    );
    expect(back).toEqual(hostile.map((text, i) => ({ Name: `Hostile ${i}`, Description: text })));
  });

  it('fails the job, with its reason, when a column names no field', async () => {
    await expect(
      load({ object: 'Account', operation: 'insert', input: [{ Name: 'x', Nope__c: 'y' }] }),
    ).rejects.toThrow(
      /Ingest job failed to complete due to: InvalidBatch : Field name not found : Nope__c/,
    );
  });
});

describe('ingest jobs on the wire', () => {
  async function openJob(body: Record<string, unknown>): Promise<string> {
    const created = await raw('POST', '/jobs/ingest', { json: body });
    expect(created.status).toBe(200);
    return String(jsonOf(created).id);
  }

  it('opens, takes several uploads, and completes by the first status GET', async () => {
    const created = await raw('POST', '/jobs/ingest', {
      json: { object: 'contact', operation: 'insert', columnDelimiter: 'TAB', lineEnding: 'CRLF' },
    });
    const info = jsonOf(created);
    const id = String(info.id);
    expect(info).toMatchObject({
      object: 'Contact',
      operation: 'insert',
      state: 'Open',
      jobType: 'V2Ingest',
      contentUrl: `services/data/v62.0/jobs/ingest/${id}/batches`,
      columnDelimiter: 'TAB',
      lineEnding: 'CRLF',
      apiVersion: 62,
    });
    const first = await raw('PUT', `/jobs/ingest/${id}/batches`, {
      csv: 'LastName\tDoNotCall\tBirthdate\r\nTab One\t1\t2001-02-03\r\n',
    });
    expect(first.status).toBe(201);
    expect(first.text).toBe('');
    const second = await raw('PUT', `/jobs/ingest/${id}/batches`, {
      csv: 'LastName\tDoNotCall\tBirthdate\r\n"Tab\tTwo"\tFALSE\t2001-02-30\r\n',
    });
    expect(second.status).toBe(201);

    const closed = await raw('PATCH', `/jobs/ingest/${id}`, { json: { state: 'UploadComplete' } });
    expect(jsonOf(closed)).toMatchObject({ id, state: 'UploadComplete' });
    const status = jsonOf(await raw('GET', `/jobs/ingest/${id}`));
    expect(status).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 2,
      numberRecordsFailed: 1,
      retries: 0,
    });
    const successful = await raw('GET', `/jobs/ingest/${id}/successfulResults`);
    const lines = successful.text.split('\r\n');
    expect(lines[0]).toBe('"sf__Id"\t"sf__Created"\t"LastName"\t"DoNotCall"\t"Birthdate"');
    expect(lines[1]).toMatch(/^"003\w{15}"\t"true"\t"Tab One"\t"1"\t"2001-02-03"$/);
    const failed = await raw('GET', `/jobs/ingest/${id}/failedResults`);
    expect(failed.text.split('\r\n')[1]).toBe(
      '""\t"INVALID_TYPE_ON_FIELD_IN_RECORD:Birthdate: value not of required type: 2001-02-30:Birthdate --"\t"Tab\tTwo"\t"FALSE"\t"2001-02-30"',
    );
    const unprocessed = await raw('GET', `/jobs/ingest/${id}/unprocessedrecords`);
    expect(unprocessed.text).toBe('"LastName"\t"DoNotCall"\t"Birthdate"\r\n');
    const contact = local().org.store.retrieve(
      'Contact',
      lines[1]?.slice(1, 19) ?? '',
      ['DoNotCall', 'Birthdate'],
      '62.0',
    );
    expect(contact).toMatchObject({ DoNotCall: true, Birthdate: '2001-02-03' });

    const late = await raw('PUT', `/jobs/ingest/${id}/batches`, { csv: 'LastName\r\nLate\r\n' });
    expect(late.status).toBe(400);
    expect(errorCodeOf(late)).toBe('INVALIDJOBSTATE');
    const list = jsonOf(await raw('GET', '/jobs/ingest'));
    expect((list.records as Array<{ id: string }>).map((r) => r.id)).toContain(id);
    expect((await raw('DELETE', `/jobs/ingest/${id}`)).status).toBe(204);
    expect((await raw('GET', `/jobs/ingest/${id}`)).status).toBe(404);
  });

  it('hands back every row of an aborted job as unprocessed, and keeps it', async () => {
    const id = await openJob({ object: 'Account', operation: 'insert' });
    await raw('PUT', `/jobs/ingest/${id}/batches`, { csv: 'Name\nNever 1\n"Never, 2"\n' });
    expect(errorCodeOf(await raw('GET', `/jobs/ingest/${id}/successfulResults`))).toBe(
      'JOB_NOT_COMPLETE',
    );
    expect(errorCodeOf(await raw('DELETE', `/jobs/ingest/${id}`))).toBe('INVALIDJOBSTATE');
    const aborted = await raw('PATCH', `/jobs/ingest/${id}`, { json: { state: 'Aborted' } });
    expect(jsonOf(aborted)).toMatchObject({ state: 'Aborted' });
    expect((await raw('GET', `/jobs/ingest/${id}/unprocessedrecords`)).text).toBe(
      '"Name"\n"Never 1"\n"Never, 2"\n',
    );
    expect((await raw('GET', `/jobs/ingest/${id}/successfulResults`)).text).toBe(
      '"sf__Id","sf__Created","Name"\n',
    );
    expect(local().org.store.findIds('Account', 'Name', 'Never 1')).toEqual([]);
    const close = await raw('PATCH', `/jobs/ingest/${id}`, { json: { state: 'UploadComplete' } });
    expect(errorCodeOf(close)).toBe('INVALIDJOBSTATE');
  });

  it('fails a job whose file is not CSV it can read, naming the problem', async () => {
    const id = await openJob({ object: 'Account', operation: 'insert' });
    await raw('PUT', `/jobs/ingest/${id}/batches`, { csv: 'Name,Phone\n"Open quote,1\n' });
    await raw('PATCH', `/jobs/ingest/${id}`, { json: { state: 'UploadComplete' } });
    const info = jsonOf(await raw('GET', `/jobs/ingest/${id}`));
    expect(info.state).toBe('Failed');
    expect(info.errorMessage).toMatch(
      /^InvalidBatch : upload 1: A quoted field is never closed \(line 2\)/,
    );

    const wrongWidth = await openJob({ object: 'Account', operation: 'insert' });
    await raw('PUT', `/jobs/ingest/${wrongWidth}/batches`, { csv: 'Name,Phone\nA,1,extra\n' });
    await raw('PATCH', `/jobs/ingest/${wrongWidth}`, { json: { state: 'UploadComplete' } });
    expect(jsonOf(await raw('GET', `/jobs/ingest/${wrongWidth}`)).errorMessage).toMatch(
      /record 1: 3 values but the header has 2 columns/,
    );
  });

  it('refuses bad job definitions', async () => {
    const unknown = await raw('POST', '/jobs/ingest', {
      json: { object: 'Nope__c', operation: 'insert' },
    });
    expect(unknown.status).toBe(400);
    expect(errorCodeOf(unknown)).toBe('INVALIDJOB');
    const badOperation = await raw('POST', '/jobs/ingest', {
      json: { object: 'Account', operation: 'merge' },
    });
    expect(badOperation.text).toMatch(
      /not an ingest operation; use one of insert, update, upsert, delete, hardDelete/,
    );
    const noExternalId = await raw('POST', '/jobs/ingest', {
      json: { object: 'Account', operation: 'upsert' },
    });
    expect(noExternalId.text).toMatch(/needs externalIdFieldName/);
  });
});

describe('the org after all of the above', () => {
  it('threw nothing but Salesforce errors', () => {
    expect(local().unexpectedErrors).toEqual([]);
  });
});

describe('restart on the same file', () => {
  it('keeps finished jobs and their results, and never reuses a job id', async () => {
    const file = join(tempDir('connect-studio-bulk2-'), 'org.db');
    let org: LocalOrg = await startLocalOrg({
      data: file,
      seed: 'empty',
      onUnexpectedError: () => {},
    });
    let queryJobId: string;
    let ingestJobId: string;
    let results: string;
    try {
      const first = await connectTo(org);
      const loaded = await first.bulk2.loadAndWaitForResults({
        object: 'Account',
        operation: 'insert',
        input: [{ Name: 'Kept 1' }, { Name: 'Kept 2' }],
      });
      expect(loaded.successfulResults).toHaveLength(2);
      const jobs = (await (
        await fetch(`${org.instanceUrl}/services/data/v62.0/jobs/ingest`, {
          headers: { Authorization: `Bearer ${first.accessToken}` },
        })
      ).json()) as { records: Array<{ id: string }> };
      ingestJobId = String(jobs.records.at(-1)?.id);
      const created = (await (
        await fetch(`${org.instanceUrl}/services/data/v62.0/jobs/query`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${first.accessToken}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            operation: 'query',
            query: 'SELECT Name FROM Account ORDER BY Name',
          }),
        })
      ).json()) as { id: string };
      queryJobId = created.id;
      results = await (
        await fetch(`${org.instanceUrl}/services/data/v62.0/jobs/query/${queryJobId}/results`, {
          headers: { Authorization: `Bearer ${first.accessToken}` },
        })
      ).text();
      expect(results).toBe('"Name"\n"Kept 1"\n"Kept 2"\n');
    } finally {
      await org.close();
    }

    org = await startLocalOrg({ data: file, onUnexpectedError: () => {} });
    try {
      const again = await connectTo(org);
      const get = async (path: string) =>
        fetch(`${org.instanceUrl}/services/data/v62.0${path}`, {
          headers: { Authorization: `Bearer ${again.accessToken}` },
        });
      expect(await (await get(`/jobs/query/${queryJobId}`)).json()).toMatchObject({
        state: 'JobComplete',
      });
      expect(await (await get(`/jobs/query/${queryJobId}/results`)).text()).toBe(results);
      expect(await (await get(`/jobs/ingest/${ingestJobId}`)).json()).toMatchObject({
        state: 'JobComplete',
        numberRecordsProcessed: 2,
      });
      const successful = await (await get(`/jobs/ingest/${ingestJobId}/successfulResults`)).text();
      expect(successful.split('\n').filter((l) => l !== '')).toHaveLength(3);
      const next = await again.bulk2.loadAndWaitForResults({
        object: 'Account',
        operation: 'insert',
        input: [{ Name: 'Kept 3' }],
      });
      expect(next.successfulResults).toHaveLength(1);
      const ids = (
        (await (await get('/jobs/ingest')).json()) as { records: Array<{ id: string }> }
      ).records.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(2);
    } finally {
      await org.close();
    }
  });
});
