import type { Connection } from 'jsforce';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalOrg } from '../support/local-org';

// The local org's REST API through jsforce's own calls: describes, records, external ids,
// collections, composite, updated/deleted, relationship queries and the errors a sync tool
// must handle (salesforce-rest.md §2, §3).

const local = useLocalOrg();
let conn: Connection;

beforeAll(async () => {
  conn = await local().connect();
});

type Row = Record<string, unknown>;

async function rejection(
  promise: PromiseLike<unknown>,
): Promise<{ errorCode: string; message: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { errorCode: string; message: string; data?: unknown };
  }
  throw new Error('expected the call to fail');
}

let serial = 0;
const unique = (prefix: string): string => `${prefix}-${++serial}-${Date.now()}`;

describe('describes', () => {
  it('describeGlobal lists the standard and demo objects', async () => {
    const global = await conn.describeGlobal();
    expect(global.encoding).toBe('UTF-8');
    expect(global.maxBatchSize).toBe(200);
    const names = global.sobjects.map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Account',
        'Contact',
        'Lead',
        'Opportunity',
        'OpportunityLineItem',
        'Task',
        'Event',
        'User',
      ]),
    );
    const account = global.sobjects.find((o) => o.name === 'Account');
    expect(account).toMatchObject({
      keyPrefix: '001',
      urls: { describe: '/services/data/v62.0/sobjects/Account/describe' },
    });
  });

  it('describe carries relationships, external ids, picklists and field flags', async () => {
    const account = await conn.describe('account');
    expect(account.name).toBe('Account');
    const children = account.childRelationships.map((c) => [
      c.relationshipName,
      c.childSObject,
      c.field,
    ]);
    expect(children).toEqual(
      expect.arrayContaining([
        ['Contacts', 'Contact', 'AccountId'],
        ['Opportunities', 'Opportunity', 'AccountId'],
        ['ChildAccounts', 'Account', 'ParentId'],
        ['Cases', 'Case', 'AccountId'],
      ]),
    );
    const field = (name: string) => account.fields.find((f) => f.name === name);
    expect(field('External_ID__c')).toMatchObject({
      externalId: true,
      idLookup: true,
      unique: true,
      length: 36,
    });
    expect(field('Name')).toMatchObject({ nillable: false, createable: true, updateable: true });
    expect(field('Id')).toMatchObject({ idLookup: true, createable: false, updateable: false });
    expect(field('Industry')?.picklistValues?.map((p) => p.value)).toContain('Banking');
    expect(field('Primary_Contact__c')).toMatchObject({
      referenceTo: ['Contact'],
      relationshipName: 'Primary_Contact__r',
    });

    const contact = await conn.sobject('Contact').describe();
    const formula = contact.fields.find((f) => f.name === 'Account_Industry__c');
    expect(formula).toMatchObject({ calculated: true, createable: false, updateable: false });
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({
      referenceTo: ['Account'],
      relationshipName: 'Account',
      nillable: true,
    });
    const line = await conn.describe('OpportunityLineItem');
    expect(line.fields.find((f) => f.name === 'OpportunityId')).toMatchObject({
      cascadeDelete: true,
      nillable: false,
    });
  });

  it('answers basic information and refuses unknown objects with NOT_FOUND', async () => {
    const basic = await conn.request<{ objectDescribe: { name: string }; recentItems: unknown[] }>(
      '/sobjects/Contact',
    );
    expect(basic.objectDescribe.name).toBe('Contact');
    expect(basic.recentItems).toEqual([]);
    expect(await rejection(conn.describe('Nope__c'))).toMatchObject({
      errorCode: 'NOT_FOUND',
      message: 'The requested resource does not exist',
    });
  });
});

describe('single records', () => {
  it('creates, retrieves (all or some fields), updates and deletes', async () => {
    const created = await conn
      .sobject('Account')
      .create({ Name: 'Single One', Industry: 'Banking' });
    expect(created).toEqual({
      id: expect.stringMatching(/^001[A-Za-z0-9]{15}$/),
      success: true,
      errors: [],
    });
    const id = created.id as string;
    const all = (await conn.sobject('Account').retrieve(id)) as Row;
    expect(all).toMatchObject({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` },
      Id: id,
      Name: 'Single One',
      Industry: 'Banking',
      IsDeleted: false,
      Phone: null,
    });
    const some = (await conn
      .sobject('Account')
      .retrieve(id, { fields: ['Name', 'Industry'] })) as Row;
    expect(some).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` },
      Name: 'Single One',
      Industry: 'Banking',
      // A field list gets the Id too, last, as the REST guide's example shows.
      Id: id,
    });

    const updated = await conn
      .sobject('Account')
      .update({ Id: id, Name: 'Single Two', Industry: null });
    expect(updated).toEqual({ id, success: true, errors: [] });
    const after = (await conn.sobject('Account').retrieve(id)) as Row;
    expect(after).toMatchObject({ Name: 'Single Two', Industry: null });
    expect(after.SystemModstamp).not.toBe(all.SystemModstamp);

    // 15-character ids are accepted too.
    const short = (await conn.sobject('Account').retrieve(id.slice(0, 15))) as Row;
    expect(short.Id).toBe(id);

    expect(await conn.sobject('Account').destroy(id)).toEqual({ id, success: true, errors: [] });
    expect(await rejection(conn.sobject('Account').retrieve(id))).toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
    expect(await rejection(conn.sobject('Account').destroy(id))).toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
    const deleted = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Id = '${id}'`, {
      scanAll: true,
    });
    expect(deleted.records).toEqual([expect.objectContaining({ Id: id, IsDeleted: true })]);
  });

  it('gets by external id and upserts: 201 created, 200 updated (>= 46), 204 at 45.0', async () => {
    const ext = unique('EXT');
    const first = await conn
      .sobject('Account')
      .upsert({ External_ID__c: ext, Name: 'Upsert A' }, 'External_ID__c');
    expect(first).toEqual({ id: expect.any(String), success: true, errors: [], created: true });
    const again = await conn
      .sobject('Account')
      .upsert({ External_ID__c: ext, Name: 'Upsert B' }, 'External_ID__c');
    expect(again).toEqual({ id: first.id, success: true, errors: [], created: false });
    const byKey = await conn.request<Row>(`/sobjects/Account/External_ID__c/${ext}?fields=Name`);
    expect(byKey).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${first.id}` },
      Name: 'Upsert B',
      Id: first.id,
    });
    // External ids match case-insensitively.
    const lower = await conn.request<Row>(`/sobjects/Account/external_id__c/${ext.toLowerCase()}`);
    expect(lower.Id).toBe(first.id);

    const old = await local().connect({ version: '45.0' });
    const at45 = await old
      .sobject('Account')
      .upsert({ External_ID__c: ext, Name: 'Upsert C' }, 'External_ID__c');
    // A 204 carries no id: jsforce makes up the rest.
    expect(at45).toEqual({ success: true, errors: [] });
    const created45 = await old
      .sobject('Account')
      .upsert({ External_ID__c: unique('EXT'), Name: 'New 45' }, 'External_ID__c');
    expect(created45).toMatchObject({ id: expect.any(String), success: true, errors: [] });

    // The Id field keys an upsert too.
    const byId = await conn.sobject('Account').upsert({ Id: first.id, Name: 'Upsert D' }, 'Id');
    expect(byId).toMatchObject({ id: first.id, created: false });
    expect(((await conn.sobject('Account').retrieve(first.id as string)) as Row).Name).toBe(
      'Upsert D',
    );
  });

  it('answers 300 MULTIPLE_CHOICES when several records match and 404 for an unknown key field', async () => {
    const email = `${unique('dup')}@example.com`;
    const a = await conn.sobject('Contact').create({ LastName: 'Twin A', Email: email });
    const b = await conn.sobject('Contact').create({ LastName: 'Twin B', Email: email });
    const multiple = await rejection(
      conn.sobject('Contact').upsert({ Email: email, LastName: 'X' }, 'Email'),
    );
    expect(multiple.errorCode).toBe('MULTIPLE_CHOICES');
    expect(multiple.data).toEqual(
      expect.arrayContaining([
        `/services/data/v62.0/sobjects/Contact/${a.id}`,
        `/services/data/v62.0/sobjects/Contact/${b.id}`,
      ]),
    );
    const unknownField = await rejection(
      conn.sobject('Contact').upsert({ Nope__c: 'x', LastName: 'X' }, 'Nope__c'),
    );
    expect(unknownField).toMatchObject({
      errorCode: 'NOT_FOUND',
      message: 'Provided external ID field does not exist or is not accessible: Nope__c',
    });
    const notKey = await rejection(conn.request(`/sobjects/Contact/LastName/Twin`));
    expect(notKey.errorCode).toBe('NOT_FOUND');
  });

  it('resolves relationship references by a parent external id in create and upsert bodies', async () => {
    const accountExt = unique('ACC');
    const account = await conn
      .sobject('Account')
      .create({ Name: 'Parent By Ext', External_ID__c: accountExt });
    const contactExt = unique('CON');
    const upserted = await conn.sobject('Contact').upsert(
      {
        External_ID__c: contactExt,
        LastName: 'Child',
        Account: { External_ID__c: accountExt },
      } as Row,
      'External_ID__c',
    );
    expect(upserted).toMatchObject({ created: true, success: true });
    const row = (await conn.sobject('Contact').retrieve(upserted.id as string)) as Row;
    expect(row.AccountId).toBe(account.id);

    const missing = await rejection(
      conn
        .sobject('Contact')
        .create({ LastName: 'Orphan', Account: { External_ID__c: 'NO-SUCH' } } as Row),
    );
    expect(missing).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message:
        'Foreign key external ID: NO-SUCH not found for field External_ID__c in entity Account',
    });
  });
});

describe('sObject Collections', () => {
  it('creates, updates, upserts, retrieves and deletes arrays with per-record results', async () => {
    const created = await conn
      .sobject('Account')
      .create([{ Name: 'Coll A' }, { Name: 'Coll B' }, { Name: '' }]);
    expect(created.map((r) => r.success)).toEqual([true, true, false]);
    expect(created[2]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [Name]',
          fields: ['Name'],
        },
      ],
    });
    const [a, b] = created.map((r) => r.id as string);

    const updated = await conn.sobject('Account').update([
      { Id: a as string, Name: 'Coll A2' },
      { Id: b as string, Name: 'x'.repeat(256) },
    ]);
    expect(updated[0]).toEqual({ id: a, success: true, errors: [] });
    expect(updated[1]).toMatchObject({
      id: b,
      success: false,
      errors: [{ statusCode: 'STRING_TOO_LONG', fields: ['Name'] }],
    });

    const ext = unique('UP');
    const upserted = await conn.sobject('Account').upsert(
      [
        { External_ID__c: ext, Name: 'Coll Up 1' },
        { External_ID__c: `${ext}-2`, Name: 'Coll Up 2' },
      ],
      'External_ID__c',
    );
    expect(upserted.map((r) => [r.success, r.created])).toEqual([
      [true, true],
      [true, true],
    ]);
    const again = await conn
      .sobject('Account')
      .upsert([{ External_ID__c: ext, Name: 'Coll Up 1b' }], 'External_ID__c');
    expect(again).toEqual([{ id: upserted[0]?.id, success: true, errors: [], created: false }]);

    const retrieved = (await conn
      .sobject('Account')
      .retrieve([a as string, b as string], { fields: ['Name'] })) as Row[];
    expect(retrieved.map((r) => r.Name)).toEqual(['Coll A2', 'Coll B']);
    // jsforce asks the describe for every field when none are given.
    const full = (await conn.sobject('Account').retrieve([a as string])) as Row[];
    expect(full[0]).toMatchObject({ Id: a, Name: 'Coll A2', IsDeleted: false });

    const destroyed = await conn
      .sobject('Account')
      .destroy([a as string, b as string, '001000000000000AAA']);
    expect(destroyed.slice(0, 2)).toEqual([
      { id: a, success: true, errors: [] },
      { id: b, success: true, errors: [] },
    ]);
    expect(destroyed[2]).toMatchObject({ success: false });
    const gone = (await conn
      .sobject('Account')
      .retrieve([a as string], { fields: ['Name'] })) as Array<Row | null>;
    expect(gone).toEqual([null]);
  });

  it('allOrNone: one failure rolls every record back; without it the others stay', async () => {
    const tag = unique('AON');
    const all = await conn
      .sobject('Account')
      .create(
        [{ Name: `${tag} 1` }, { Name: `${tag} 2`, AnnualRevenue: 1e20 }, { Name: `${tag} 3` }],
        {
          allOrNone: true,
        },
      );
    expect(all.map((r) => r.success)).toEqual([false, false, false]);
    expect(all[1]?.errors[0]).toMatchObject({
      statusCode: 'NUMBER_OUTSIDE_VALID_RANGE',
      fields: ['AnnualRevenue'],
    });
    for (const index of [0, 2]) {
      expect(all[index]).toEqual({
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message:
              'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      });
    }
    expect((await conn.query(`SELECT Id FROM Account WHERE Name LIKE '${tag}%'`)).totalSize).toBe(
      0,
    );

    const some = await conn
      .sobject('Account')
      .create(
        [{ Name: `${tag} 1` }, { Name: `${tag} 2`, AnnualRevenue: 1e20 }, { Name: `${tag} 3` }],
        {
          allOrNone: false,
        },
      );
    expect(some.map((r) => r.success)).toEqual([true, false, true]);
    expect((await conn.query(`SELECT Id FROM Account WHERE Name LIKE '${tag}%'`)).totalSize).toBe(
      2,
    );

    // allOrNone on update and delete too.
    const ids = some.filter((r) => r.success).map((r) => r.id as string);
    const upd = await conn.sobject('Account').update(
      [
        { Id: ids[0] as string, Name: `${tag} changed` },
        { Id: ids[1] as string, Name: '' },
      ],
      { allOrNone: true },
    );
    // Salesforce names it statusCode in save results; jsforce's type says errorCode.
    const codes = upd.map((r) => (r.errors[0] as unknown as { statusCode?: string }).statusCode);
    expect(codes).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING']);
    expect(upd[0]?.id).toBe(ids[0]);
    const unchanged = (await conn.sobject('Account').retrieve(ids[0] as string)) as Row;
    expect(unchanged.Name).toBe(`${tag} 1`);
    const del = await conn
      .sobject('Account')
      .destroy([...ids, '001000000000000AAA'], { allOrNone: true });
    expect(del.map((r) => r.success)).toEqual([false, false, false]);
    expect((await conn.query(`SELECT Id FROM Account WHERE Name LIKE '${tag}%'`)).totalSize).toBe(
      2,
    );
  });

  it('refuses more than 200 records with EXCEEDED_ID_LIMIT; allowRecursive splits them', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ Name: `Big ${i}` }));
    const error = await rejection(conn.sobject('Account').create(records));
    expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect(error.message).toContain(
      'record limit reached. cannot submit more than 200 records into this call',
    );
    const split = await conn.sobject('Account').create(records, { allowRecursive: true });
    expect(split.filter((r) => r.success)).toHaveLength(201);
    const removed = await conn.sobject('Account').destroy(
      split.map((r) => r.id as string),
      { allowRecursive: true },
    );
    expect(removed.every((r) => r.success)).toBe(true);
  });
});

describe('composite', () => {
  it('runs subrequests in order with @{ref} references', async () => {
    const answer = await conn.requestPost<{ compositeResponse: Row[] }>('/composite', {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'acct',
          body: { Name: 'Comp Acct' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'cont',
          body: { LastName: 'Comp', AccountId: '@{acct.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Contact/@{cont.id}?fields=AccountId,LastName',
          referenceId: 'read',
        },
        {
          method: 'PATCH',
          url: '/services/data/v62.0/sobjects/Account/@{acct.id}',
          referenceId: 'upd',
          body: { Name: 'Comp Acct 2' },
        },
        {
          method: 'GET',
          url: "/services/data/v62.0/query?q=SELECT+Name+FROM+Account+WHERE+Id='@{acct.id}'",
          referenceId: 'q',
        },
      ],
    });
    const [acct, cont, read, upd, q] = answer.compositeResponse;
    expect(acct).toMatchObject({
      httpStatusCode: 201,
      referenceId: 'acct',
      body: { success: true },
    });
    const accountId = (acct?.body as Row).id as string;
    expect(acct?.httpHeaders).toEqual({
      Location: `/services/data/v62.0/sobjects/Account/${accountId}`,
    });
    expect(cont).toMatchObject({ httpStatusCode: 201 });
    expect(read).toMatchObject({
      httpStatusCode: 200,
      body: { AccountId: accountId, LastName: 'Comp' },
    });
    expect(upd).toEqual({ body: null, httpHeaders: {}, httpStatusCode: 204, referenceId: 'upd' });
    expect(q).toMatchObject({
      httpStatusCode: 200,
      body: { totalSize: 1, records: [{ Name: 'Comp Acct 2' }] },
    });
  });

  it('allOrNone rolls everything back and halts the rest with PROCESSING_HALTED', async () => {
    const name = unique('Halted');
    const answer = await conn.requestPost<{ compositeResponse: Row[] }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'ok',
          body: { Name: name },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'bad',
          body: { FirstName: 'No last name' },
        },
        { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'after' },
      ],
    });
    const [ok, bad, after] = answer.compositeResponse;
    expect(bad).toMatchObject({
      httpStatusCode: 400,
      body: [{ errorCode: 'REQUIRED_FIELD_MISSING' }],
    });
    for (const halted of [ok, after]) {
      expect(halted).toMatchObject({
        httpStatusCode: 400,
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
      });
    }
    expect((await conn.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).toBe(0);

    const unresolved = await conn.requestPost<{ compositeResponse: Row[] }>('/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'c1',
          body: { FirstName: 'x' },
        },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Contact/@{c1.id}', referenceId: 'c2' },
      ],
    });
    expect(unresolved.compositeResponse[1]).toMatchObject({
      httpStatusCode: 400,
      body: [{ errorCode: 'PROCESSING_HALTED', message: expect.stringContaining('c1.id') }],
    });
  });

  it('refuses a malformed composite request as a whole', async () => {
    const tooMany = Array.from({ length: 26 }, (_, i) => ({
      method: 'GET',
      url: '/services/data/v62.0/limits',
      referenceId: `r${i}`,
    }));
    const error = await rejection(conn.requestPost('/composite', { compositeRequest: tooMany }));
    expect(error.message).toContain('the limit is 25');
    const dup = await rejection(
      conn.requestPost('/composite', {
        compositeRequest: [
          { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'a' },
          { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'a' },
        ],
      }),
    );
    expect(dup.message).toContain('referenceId a is used twice');
  });

  it('runs composite/batch with haltOnError', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Batch Me' });
    const answer = await conn.requestPost<{ hasErrors: boolean; results: Row[] }>(
      '/composite/batch',
      {
        haltOnError: true,
        batchRequests: [
          {
            method: 'PATCH',
            url: `v62.0/sobjects/Account/${account.id}`,
            richInput: { Name: 'Batched' },
          },
          { method: 'GET', url: `v62.0/sobjects/Account/${account.id}?fields=Name` },
          { method: 'GET', url: 'v62.0/sobjects/Account/001000000000000AAA' },
          { method: 'GET', url: 'v62.0/limits' },
        ],
      },
    );
    expect(answer.hasErrors).toBe(true);
    expect(answer.results.map((r) => r.statusCode)).toEqual([204, 200, 404, 412]);
    expect(answer.results[1]?.result).toMatchObject({ Name: 'Batched' });
    expect(answer.results[3]?.result).toEqual([
      { errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' },
    ]);
  });
});

describe('updated and deleted', () => {
  it('lists ids changed and deleted in a window, with and without a trailing slash', async () => {
    const start = new Date(Date.now() - 60_000);
    const kept = await conn.sobject('Lead').create({ LastName: 'Kept', Company: 'K' });
    const removed = await conn.sobject('Lead').create({ LastName: 'Removed', Company: 'R' });
    await conn.sobject('Lead').destroy(removed.id as string);
    const end = new Date(Date.now() + 60_000);
    const updated = await conn.sobject('Lead').updated(start, end);
    expect(updated.ids).toEqual(expect.arrayContaining([kept.id]));
    expect(updated.latestDateCovered).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const deleted = await conn.sobject('Lead').deleted(start, end);
    expect(deleted.deletedRecords).toEqual([
      { id: removed.id, deletedDate: expect.stringMatching(/\+0000$/) },
    ]);
    const slash = await conn.request<{ ids: string[] }>(
      `/sobjects/Lead/updated/?start=${encodeURIComponent(start.toISOString())}&end=${encodeURIComponent(end.toISOString())}`,
    );
    expect(slash.ids).toEqual(updated.ids);
    const missing = await rejection(
      conn.request('/sobjects/Lead/updated?start=2024-01-01T00:00:00Z'),
    );
    expect(missing.message).toContain('end is required');
    const bad = await rejection(conn.request('/sobjects/Lead/deleted?start=yesterday&end=today'));
    expect(bad).toMatchObject({ errorCode: 'INVALID_REPLICATION_DATE' });
  });
});

describe('relationship queries and derived fields', () => {
  let accountId: string;
  let parentId: string;

  beforeAll(async () => {
    parentId = (await conn.sobject('Account').create({ Name: 'Rel Parent', Industry: 'Energy' }))
      .id as string;
    accountId = (
      await conn
        .sobject('Account')
        .create({ Name: 'Rel Child', Industry: 'Banking', ParentId: parentId })
    ).id as string;
    await conn.sobject('Contact').create([
      { LastName: 'Rel One', AccountId: accountId },
      { LastName: 'Rel Two', AccountId: accountId },
    ]);
  });

  it('follows parent paths and child subqueries, with nested results', async () => {
    const contacts = await conn.query<Row>(
      `SELECT LastName, Account.Name, Account.Parent.Name FROM Contact WHERE AccountId = '${accountId}' ORDER BY LastName`,
    );
    expect(
      contacts.records.map((r) => [
        r.LastName,
        (r.Account as Row).Name,
        ((r.Account as Row).Parent as Row).Name,
      ]),
    ).toEqual([
      ['Rel One', 'Rel Child', 'Rel Parent'],
      ['Rel Two', 'Rel Child', 'Rel Parent'],
    ]);
    expect((contacts.records[0]?.Account as Row).attributes).toEqual({
      type: 'Account',
      url: `/services/data/v62.0/sobjects/Account/${accountId}`,
    });

    const accounts = await conn.query<Row>(
      `SELECT Name, Parent.Name, (SELECT LastName, Account.Name FROM Contacts ORDER BY LastName), (SELECT Name FROM ChildAccounts) FROM Account WHERE Id IN ('${accountId}', '${parentId}') ORDER BY Name`,
    );
    const [child, parent] = accounts.records;
    expect(child?.Parent).toMatchObject({ Name: 'Rel Parent' });
    expect(child?.Contacts).toMatchObject({
      totalSize: 2,
      done: true,
      records: [
        { LastName: 'Rel One', Account: { Name: 'Rel Child' } },
        { LastName: 'Rel Two', Account: { Name: 'Rel Child' } },
      ],
    });
    expect(child?.ChildAccounts).toBeNull();
    expect(parent?.Parent).toBeNull();
    expect(parent?.Contacts).toBeNull();
    expect(parent?.ChildAccounts).toMatchObject({ totalSize: 1, records: [{ Name: 'Rel Child' }] });
  });

  it('a formula reading the parent changes with it without touching the child SystemModstamp', async () => {
    const contact = (
      await conn.query<Row>(
        `SELECT Id, Account_Industry__c, SystemModstamp FROM Contact WHERE AccountId = '${accountId}' LIMIT 1`,
      )
    ).records[0] as Row;
    expect(contact.Account_Industry__c).toBe('Banking');
    await conn.sobject('Account').update({ Id: accountId, Industry: 'Education' });
    const after = (await conn.sobject('Contact').retrieve(contact.Id as string)) as Row;
    expect(after.Account_Industry__c).toBe('Education');
    expect(after.SystemModstamp).toBe(contact.SystemModstamp);
  });

  it('keeps a roll-up count and cascades a master-detail delete', async () => {
    const opportunity = await conn.sobject('Opportunity').create({
      Name: 'Rollup Opp',
      StageName: 'Prospecting',
      CloseDate: '2030-01-01',
      AccountId: accountId,
    });
    const items = await conn.sobject('OpportunityLineItem').create([
      { OpportunityId: opportunity.id, Quantity: 1, TotalPrice: 10 },
      { OpportunityId: opportunity.id, Quantity: 2, TotalPrice: 20 },
    ]);
    expect(items.map((r) => r.success)).toEqual([true, true]);
    const read = async () =>
      ((await conn.sobject('Opportunity').retrieve(opportunity.id as string)) as Row)
        .Line_Item_Count__c;
    expect(await read()).toBe(2);
    await conn.sobject('OpportunityLineItem').destroy(items[0]?.id as string);
    expect(await read()).toBe(1);

    await conn.sobject('Opportunity').destroy(opportunity.id as string);
    const lines = await conn.query<Row>(
      `SELECT Id, IsDeleted FROM OpportunityLineItem WHERE OpportunityId = '${opportunity.id}'`,
      { scanAll: true },
    );
    expect(lines.records.map((r) => r.IsDeleted)).toEqual([true, true]);
    expect(
      (
        await conn.query(
          `SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '${opportunity.id}'`,
        )
      ).totalSize,
    ).toBe(0);
  });
});

describe('errors a sync tool must handle', () => {
  it('provokes each DML errorCode with its fields', async () => {
    const ext = unique('E');
    const account = await conn.sobject('Account').create({ Name: 'Errors', External_ID__c: ext });
    const accountId = account.id as string;
    const contactId = (await conn.sobject('Contact').create({ LastName: 'Errors' })).id as string;
    // Thunks: each call starts only when its turn comes, so no rejection waits unhandled.
    const opportunity = { Name: 'x', StageName: 'Prospecting', CloseDate: '2030-01-01' };
    const cases: Array<[string, () => PromiseLike<unknown>, Partial<{ message: string }>]> = [
      [
        'REQUIRED_FIELD_MISSING',
        () => conn.sobject('Contact').create({ FirstName: 'x' }),
        { message: 'Required fields are missing: [LastName]' },
      ],
      [
        'STRING_TOO_LONG',
        () => conn.sobject('Account').create({ Name: 'x', External_ID__c: 'y'.repeat(37) }),
        {},
      ],
      [
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        () => conn.sobject('Lead').create({ LastName: 'x', Company: 'y', Status: 'Bogus' }),
        {},
      ],
      [
        'NUMBER_OUTSIDE_VALID_RANGE',
        () => conn.sobject('Opportunity').create({ ...opportunity, Probability: 1000 }),
        {},
      ],
      [
        'DUPLICATE_VALUE',
        () => conn.sobject('Account').create({ Name: 'Dup', External_ID__c: ext }),
        {},
      ],
      [
        'INVALID_CROSS_REFERENCE_KEY',
        () => conn.sobject('Contact').create({ LastName: 'x', AccountId: '001000000000000AAA' }),
        { message: 'invalid cross reference id' },
      ],
      [
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        () => conn.sobject('Contact').create({ LastName: 'x', Account_Industry__c: 'y' }),
        {},
      ],
      [
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        () => conn.sobject('Opportunity').create({ ...opportunity, Amount: -5 }),
        { message: 'Amount must not be negative' },
      ],
      [
        'MALFORMED_ID',
        () => conn.sobject('Account').update({ Id: contactId, Name: 'wrong object' }),
        {},
      ],
      ['INVALID_FIELD', () => conn.sobject('Account').create({ Name: 'x', Nope__c: 1 }), {}],
      [
        'NOT_FOUND',
        () => conn.sobject('Account').retrieve('001000000000000AAA'),
        { message: 'The requested resource does not exist' },
      ],
    ];
    for (const [code, call, extra] of cases) {
      const error = await rejection(call());
      expect(error, code).toMatchObject({ errorCode: code, ...extra });
    }
    const dupError = (await rejection(
      conn.sobject('Account').create({ Name: 'Dup', External_ID__c: ext }),
    )) as {
      data?: { fields?: string[] };
    };
    expect(dupError.data?.fields).toEqual(['External_ID__c']);

    await conn.sobject('Account').destroy(accountId);
    const deleted = await rejection(
      conn.sobject('Account').update({ Id: accountId, Name: 'again' }),
    );
    expect(deleted).toMatchObject({ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' });
  });

  it('provokes the query errors', async () => {
    expect(await rejection(conn.query('SELECT FROM Account'))).toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    const field = await rejection(conn.query('SELECT Nope__c FROM Account'));
    expect(field.errorCode).toBe('INVALID_FIELD');
    expect(field.message).toContain("No such column 'Nope__c' on entity 'Account'");
    const type = await rejection(conn.query('SELECT Id FROM Nope__c'));
    expect(type.errorCode).toBe('INVALID_TYPE');
    expect(type.message).toContain("sObject type 'Nope__c' is not supported");
    expect(await rejection(conn.request('/query'))).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    expect(await rejection(conn.queryMore('01gNOSUCHLOCATOR-2000'))).toMatchObject({
      errorCode: 'INVALID_QUERY_LOCATOR',
    });
  });

  it('raised nothing but Salesforce errors', () => {
    expect(local().unexpectedErrors).toEqual([]);
  });
});
