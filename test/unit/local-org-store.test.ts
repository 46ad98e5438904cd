// The local org's store on real SQLite: the rules a sync tool depends on, checked without HTTP
// (the jsforce conformance tests cover the wire). Each test opens its own in-memory org.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Faults,
  makeId,
  normalizeId,
  openStore,
  parseSchemaDefinition,
  SalesforceError,
  type LocalOrgStore,
  type SchemaDefinition,
} from '../../src-main/local-org';

const API = '62.0';
const opened: LocalOrgStore[] = [];

function org(
  options: {
    now?: () => Date;
    faults?: Faults;
    file?: string;
    extraSchema?: SchemaDefinition[];
  } = {},
): LocalOrgStore {
  const store = openStore({ file: options.file ?? ':memory:', ...options });
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function errorOf(fn: () => unknown): SalesforceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SalesforceError) return error;
    throw error;
  }
  throw new Error('expected a SalesforceError, nothing was thrown');
}

const count = (store: LocalOrgStore, soql: string) =>
  store.query(soql, { includeDeleted: false, apiVersion: API }).totalSize;

describe('record Ids', () => {
  it('adds the checksum suffix the reference documents', () => {
    expect(normalizeId('001D000000IRFma')).toBe('001D000000IRFmaIAH');
    expect(normalizeId('a00D0000008pQRA')).toBe('a00D0000008pQRAIA2');
    expect(normalizeId('001D000000IRFmaIAH')).toBe('001D000000IRFmaIAH');
    // Suffix letters may arrive in any case; a wrong suffix is not an Id.
    expect(normalizeId('001D000000IRFmaiah')).toBe('001D000000IRFmaIAH');
    expect(normalizeId('001D000000IRFmaAAA')).toBeUndefined();
    expect(normalizeId('001-not-an-id!!')).toBeUndefined();
  });

  it('makes 18-character Ids with the key prefix, in creation order', () => {
    const first = makeId('001', 1);
    const second = makeId('001', 2);
    expect(first).toHaveLength(18);
    expect(first.startsWith('0015g0')).toBe(true);
    expect(normalizeId(first)).toBe(first);
    expect(first < second).toBe(true);
    expect(makeId('001', 62).slice(0, 15)).toBe('0015g0000000010');
  });
});

describe('inserts', () => {
  it('keeps system fields and returns what retrieve reads back', () => {
    let clock = Date.parse('2026-01-02T03:04:04.006Z');
    const store = org({ now: () => new Date(clock) });
    // Opening wrote the org's user at the old time; the insert gets exactly the new one.
    clock += 1000;
    const id = store.insert('account', { Name: 'Acme', Industry: 'Energy', AnnualRevenue: 12.5 });
    expect(id.startsWith('001')).toBe(true);
    clock += 1000;
    const record = store.retrieve('Account', id.slice(0, 15), undefined, API);
    expect(record).toMatchObject({
      attributes: { type: 'Account', url: `/services/data/v${API}/sobjects/Account/${id}` },
      Id: id,
      Name: 'Acme',
      Industry: 'Energy',
      AnnualRevenue: 13,
      IsDeleted: false,
      CreatedDate: '2026-01-02T03:04:05.006+0000',
      SystemModstamp: '2026-01-02T03:04:05.006+0000',
      CreatedById: store.identity.userId,
      OwnerId: store.identity.userId,
    });
  });

  it('refuses what an org refuses, with its errorCode, fields and nothing written', () => {
    const store = org();
    const accountId = store.insert('Account', { Name: 'Parent', External_ID__c: 'EXT-1' });
    const contactId = store.insert('Contact', { LastName: 'Kid', AccountId: accountId });
    const cases: Array<[string, () => unknown, string, string[]]> = [
      [
        'required',
        () => store.insert('Account', { Industry: 'Energy' }),
        'REQUIRED_FIELD_MISSING',
        ['Name'],
      ],
      [
        'required null',
        () => store.update('Account', accountId, { Name: null }),
        'REQUIRED_FIELD_MISSING',
        ['Name'],
      ],
      [
        'too long',
        () => store.insert('Account', { Name: 'x', External_ID__c: 'e'.repeat(37) }),
        'STRING_TOO_LONG',
        ['External_ID__c'],
      ],
      [
        'restricted picklist',
        () => store.insert('Lead', { LastName: 'L', Company: 'C', Status: 'Bogus' }),
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        ['Status'],
      ],
      [
        'precision',
        () =>
          store.insert('Opportunity', {
            Name: 'O',
            StageName: 'Prospecting',
            CloseDate: '2026-01-01',
            Probability: 1000,
          }),
        'NUMBER_OUTSIDE_VALID_RANGE',
        ['Probability'],
      ],
      [
        'duplicate (case-insensitive)',
        () => store.insert('Account', { Name: 'Twin', External_ID__c: 'ext-1' }),
        'DUPLICATE_VALUE',
        ['External_ID__c'],
      ],
      [
        'missing parent',
        () => store.insert('Contact', { LastName: 'X', AccountId: makeId('001', 9999) }),
        'INVALID_CROSS_REFERENCE_KEY',
        ['AccountId'],
      ],
      [
        'wrong parent type',
        () => store.insert('Contact', { LastName: 'X', AccountId: contactId }),
        'FIELD_INTEGRITY_EXCEPTION',
        ['AccountId'],
      ],
      [
        'malformed reference',
        () => store.insert('Contact', { LastName: 'X', AccountId: 'nope' }),
        'MALFORMED_ID',
        ['AccountId'],
      ],
      [
        'system field',
        () => store.insert('Account', { Name: 'x', CreatedDate: '2020-01-01T00:00:00Z' }),
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        ['CreatedDate'],
      ],
      [
        'formula field',
        () => store.update('Contact', contactId, { Account_Industry__c: 'x' }),
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        ['Account_Industry__c'],
      ],
      [
        'unknown field',
        () => store.insert('Account', { Name: 'x', Foo__c: 1 }),
        'INVALID_FIELD',
        ['Foo__c'],
      ],
      [
        'bad email',
        () => store.insert('Contact', { LastName: 'x', Email: 'not-an-email' }),
        'INVALID_EMAIL_ADDRESS',
        ['Email'],
      ],
      [
        'bad date',
        () => store.insert('Contact', { LastName: 'x', Birthdate: '2026-02-30' }),
        'JSON_PARSER_ERROR',
        ['Birthdate'],
      ],
      [
        'validation rule',
        () =>
          store.insert('Opportunity', {
            Name: 'O',
            StageName: 'Prospecting',
            CloseDate: '2026-01-01',
            Amount: -5,
          }),
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        ['Amount'],
      ],
    ];
    const before =
      count(store, 'SELECT COUNT() FROM Account') + count(store, 'SELECT COUNT() FROM Opportunity');
    for (const [name, write, code, fields] of cases) {
      const error = errorOf(write);
      expect({ name, code: error.errorCode, fields: error.fields }).toEqual({ name, code, fields });
      expect(error.status).toBe(400);
    }
    const after =
      count(store, 'SELECT COUNT() FROM Account') + count(store, 'SELECT COUNT() FROM Opportunity');
    expect(after).toBe(before);
    expect(store.retrieve('Account', accountId, ['Name'], API).Name).toBe('Parent');
  });

  it('retrieves only named fields: a path, subquery or SOQL text in the list is refused', () => {
    const store = org();
    const id = store.insert('Account', { Name: 'A' });
    for (const hostile of [
      'Name FROM Contact WHERE LastName != null LIMIT 1',
      '(SELECT LastName FROM Contacts)',
      'Owner.Name',
      "Name'",
      '',
    ]) {
      const error = errorOf(() => store.retrieve('Account', id, ['Name', hostile], API));
      expect({ hostile, code: error.errorCode }).toEqual({ hostile, code: 'INVALID_FIELD' });
      expect(error.message).toContain(`No such column '${hostile}' on entity 'Account'`);
    }
  });

  it('resolves a relationship reference by the parent external ID', () => {
    const store = org();
    const accountId = store.insert('Account', { Name: 'Parent', External_ID__c: 'P-1' });
    const id = store.insert('Contact', { LastName: 'Kid', Account: { External_ID__c: 'p-1' } });
    expect(store.retrieve('Contact', id, ['AccountId'], API).AccountId).toBe(accountId);
    const missing = errorOf(() =>
      store.insert('Contact', { LastName: 'K', Account: { External_ID__c: 'P-404' } }),
    );
    expect(missing.errorCode).toBe('INVALID_FIELD');
    expect(missing.message).toBe(
      'Foreign key external ID: P-404 not found for field External_ID__c in entity Account',
    );
  });

  it('upserts by external ID: created, then updated', () => {
    const store = org();
    const first = store.upsert('Account', 'External_ID__c', 'U-1', { Name: 'First' });
    const second = store.upsert('Account', 'external_id__c', 'U-1', { Name: 'Second' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(store.retrieve('Account', first.id, ['Name', 'External_ID__c'], API)).toMatchObject({
      Name: 'Second',
      External_ID__c: 'U-1',
    });
    expect(errorOf(() => store.upsert('Account', 'Name', 'x', {})).errorCode).toBe('NOT_FOUND');
  });
});

describe('calculated fields', () => {
  it('a cross-object formula follows its parent without touching the child', () => {
    let clock = Date.parse('2026-03-01T00:00:00.000Z');
    const store = org({ now: () => new Date((clock += 1000)) });
    const accountId = store.insert('Account', { Name: 'A', Industry: 'Energy' });
    const contactId = store.insert('Contact', { LastName: 'C', AccountId: accountId });
    const before = store.retrieve(
      'Contact',
      contactId,
      ['Account_Industry__c', 'SystemModstamp'],
      API,
    );
    expect(before.Account_Industry__c).toBe('Energy');
    store.update('Account', accountId, { Industry: 'Banking' });
    const after = store.retrieve(
      'Contact',
      contactId,
      ['Account_Industry__c', 'SystemModstamp'],
      API,
    );
    expect(after.Account_Industry__c).toBe('Banking');
    expect(after.SystemModstamp).toBe(before.SystemModstamp);
  });

  it('a percent formula reads percents as fractions and answers in percent units', () => {
    const store = openStore({
      file: ':memory:',
      extraSchema: [
        parseSchemaDefinition(
          {
            extend: {
              Opportunity: {
                fields: [{ name: 'Half_Chance__c', type: 'percent', formula: 'Probability / 2' }],
              },
            },
          },
          'test',
        ),
      ],
    });
    opened.push(store);
    const id = store.insert('Opportunity', {
      Name: 'O',
      StageName: 'Prospecting',
      CloseDate: '2026-01-01',
      Probability: 50,
    });
    expect(store.retrieve('Opportunity', id, ['Half_Chance__c'], API).Half_Chance__c).toBe(25);
  });

  it('refuses, when the org opens, a validation rule whose condition is not TRUE/FALSE', () => {
    const rule = (condition: string) =>
      parseSchemaDefinition(
        {
          extend: { Opportunity: { validationRules: [{ name: 'Odd', condition, message: 'm' }] } },
        },
        'test',
      );
    expect(() => openStore({ file: ':memory:', extraSchema: [rule('Amount')] })).toThrow(
      /^Validation rule Opportunity\.Odd: .*must give TRUE or FALSE/,
    );
    expect(() => openStore({ file: ':memory:', extraSchema: [rule('Amount <')] })).toThrow(
      /^Validation rule Opportunity\.Odd: Formula 'Amount <'/,
    );
  });

  it('a roll-up summary counts the live detail records', () => {
    const store = org();
    const product = store.insert('Product2', { Name: 'Widget' });
    const book = store.insert('Pricebook2', { Name: 'Standard' });
    const entry = store.insert('PricebookEntry', {
      Pricebook2Id: book,
      Product2Id: product,
      UnitPrice: 10,
    });
    const opp = store.insert('Opportunity', {
      Name: 'O',
      StageName: 'Closed Won',
      CloseDate: '2026-01-01',
    });
    const items = [1, 2, 3].map((n) =>
      store.insert('OpportunityLineItem', {
        OpportunityId: opp,
        PricebookEntryId: entry,
        Quantity: n,
        UnitPrice: 10,
      }),
    );
    expect(
      store.retrieve(
        'OpportunityLineItem',
        items[1] as string,
        ['Name', 'Product2Id', 'ListPrice', 'TotalPrice'],
        API,
      ),
    ).toMatchObject({
      Name: 'O Widget',
      Product2Id: product,
      ListPrice: 10,
      TotalPrice: 20,
    });
    const read = () => store.retrieve('Opportunity', opp, ['Line_Item_Count__c', 'IsWon'], API);
    expect(read()).toMatchObject({ Line_Item_Count__c: 3, IsWon: true });
    store.delete('OpportunityLineItem', items[0] as string);
    expect(read().Line_Item_Count__c).toBe(2);
  });
});

describe('deletes and the recycle bin', () => {
  it('soft-deletes, cascades master-detail, clears lookups and logs for getDeleted', () => {
    let clock = Date.parse('2026-04-01T00:00:00.000Z');
    const store = org({ now: () => new Date((clock += 1000)) });
    const start = new Date(clock);
    const accountId = store.insert('Account', { Name: 'A' });
    const contactId = store.insert('Contact', { LastName: 'C', AccountId: accountId });
    const opp = store.insert('Opportunity', {
      Name: 'O',
      StageName: 'Prospecting',
      CloseDate: '2026-01-01',
    });
    const product = store.insert('Product2', { Name: 'P' });
    const book = store.insert('Pricebook2', { Name: 'B' });
    const entry = store.insert('PricebookEntry', {
      Pricebook2Id: book,
      Product2Id: product,
      UnitPrice: 1,
    });
    const item = store.insert('OpportunityLineItem', {
      OpportunityId: opp,
      PricebookEntryId: entry,
      Quantity: 1,
      UnitPrice: 1,
    });

    store.delete('Opportunity', opp);
    expect(count(store, 'SELECT COUNT() FROM OpportunityLineItem')).toBe(0);
    const all = store.query('SELECT Id, IsDeleted FROM OpportunityLineItem', {
      includeDeleted: true,
      apiVersion: API,
    });
    expect(all.records).toEqual([expect.objectContaining({ Id: item, IsDeleted: true })]);

    store.delete('Account', accountId);
    expect(store.retrieve('Contact', contactId, ['AccountId'], API).AccountId).toBeNull();
    expect(errorOf(() => store.update('Account', accountId, { Name: 'B' })).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
    expect(
      errorOf(() => store.insert('Contact', { LastName: 'D', AccountId: accountId })).errorCode,
    ).toBe('ENTITY_IS_DELETED');

    clock += 120_000;
    const deleted = store.deleted('OpportunityLineItem', start, new Date(clock));
    expect(deleted.deletedRecords.map((r) => r.id)).toEqual([item]);
    expect(deleted.deletedRecords[0]?.deletedDate).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/,
    );
  });

  it('comes with the standard price book, which the API cannot make', () => {
    const store = org();
    const books = store.query('SELECT Name, IsStandard FROM Pricebook2', {
      includeDeleted: false,
      apiVersion: API,
    });
    expect(books.records).toEqual([
      expect.objectContaining({ Name: 'Standard Price Book', IsStandard: true }),
    ]);
    expect(
      errorOf(() => store.insert('Pricebook2', { Name: 'Mine', IsStandard: true })).errorCode,
    ).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('undoes everything written inside a failed atomically()', () => {
    const store = org();
    expect(() =>
      store.atomically(() => {
        store.insert('Account', { Name: 'kept?' });
        store.insert('Account', {});
      }),
    ).toThrow(SalesforceError);
    expect(count(store, 'SELECT COUNT() FROM Account')).toBe(0);
  });
});

describe('queries', () => {
  it('pages through a locator and refuses an unknown one', () => {
    const store = org();
    store.atomically(() => {
      for (let i = 0; i < 2500; i++)
        store.insert('Account', { Name: `A${String(i).padStart(4, '0')}` });
    });
    const first = store.query('SELECT Name FROM Account ORDER BY Name', {
      includeDeleted: false,
      apiVersion: API,
      batchSize: 1000,
    });
    expect(first).toMatchObject({ totalSize: 2500, done: false });
    expect(first.records).toHaveLength(1000);
    const locator = (first.nextRecordsUrl ?? '').split('/').pop() ?? '';
    expect(first.nextRecordsUrl).toBe(`/services/data/v${API}/query/${locator}`);
    expect(locator).toMatch(/^01g[A-Za-z0-9]{12}-1000$/);
    const second = store.queryMore(locator, API);
    const third = store.queryMore((second.nextRecordsUrl ?? '').split('/').pop() ?? '', API);
    expect(third).toMatchObject({ done: true, totalSize: 2500 });
    expect(third.records.at(-1)).toMatchObject({ Name: 'A2499' });
    expect(errorOf(() => store.queryMore('01gXXXXXXXXXXXX-2000', API)).errorCode).toBe(
      'INVALID_QUERY_LOCATOR',
    );
    // The batch size is a hint kept between 200 and 2,000.
    expect(
      store.query('SELECT Id FROM Account', {
        includeDeleted: false,
        apiVersion: API,
        batchSize: 5,
      }).records,
    ).toHaveLength(200);
  });

  it('reports SOQL errors with the org errorCode and positional message', () => {
    const store = org();
    const error = errorOf(() =>
      store.query('SELECT Nope__c FROM Account', { includeDeleted: false, apiVersion: API }),
    );
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toContain('ERROR at Row:1:Column:8');
    expect(
      errorOf(() =>
        store.query('SELECT Id FROM Nope__c', { includeDeleted: false, apiVersion: API }),
      ).errorCode,
    ).toBe('INVALID_TYPE');
    expect(
      errorOf(() => store.query('SELECT FROM', { includeDeleted: false, apiVersion: API }))
        .errorCode,
    ).toBe('MALFORMED_QUERY');
  });

  it('lists updated ids by SystemModstamp at minute precision', () => {
    let clock = Date.parse('2026-05-01T10:00:00.000Z');
    const store = org({ now: () => new Date(clock) });
    const early = store.insert('Account', { Name: 'early' });
    clock += 5 * 60_000;
    const late = store.insert('Account', { Name: 'late' });
    clock += 5 * 60_000;
    const window = store.updated('Account', new Date('2026-05-01T10:04:59Z'), new Date(clock));
    expect(window.ids).toEqual([late]);
    expect(window.ids).not.toContain(early);
    expect(window.latestDateCovered).toBe('2026-05-01T10:10:00.000+0000');
  });
});

describe('faults and restarts', () => {
  it('fails the next N writes with the injected code', () => {
    const faults = new Faults();
    const store = org({ faults });
    faults.set({ writes: { count: 2, errorCode: 'UNABLE_TO_LOCK_ROW' } });
    expect(errorOf(() => store.insert('Account', { Name: 'a' })).errorCode).toBe(
      'UNABLE_TO_LOCK_ROW',
    );
    expect(errorOf(() => store.insert('Account', { Name: 'b' })).errorCode).toBe(
      'UNABLE_TO_LOCK_ROW',
    );
    store.insert('Account', { Name: 'c' });
    expect(faults.state().fired.writes).toBe(2);
    expect(count(store, 'SELECT COUNT() FROM Account')).toBe(1);
  });

  it('draws share faults from a seed, so a run fails the same events again', () => {
    const hits = (seed: number) => {
      const faults = new Faults();
      faults.set({ writes: { share: 0.1, errorCode: 'UNABLE_TO_LOCK_ROW' }, seed });
      return Array.from({ length: 2000 }, () => faults.onWrite('Account') !== undefined);
    };
    const first = hits(42);
    expect(hits(42)).toEqual(first);
    expect(hits(43)).not.toEqual(first);
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
    expect(() => new Faults().set({ latencyMs: 1, seed: 1.5 })).toThrow(
      'seed must be a whole number',
    );
  });

  it('keeps records, the recycle bin and Id counters across a reopen of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-org-store-'));
    try {
      const file = join(dir, 'org.sqlite');
      const first = openStore({ file });
      expect(first.created).toBe(true);
      const schemaDate = first.schemaModifiedAt.getTime();
      const kept = first.insert('Account', { Name: 'kept', External_ID__c: 'K-1' });
      const gone = first.insert('Account', { Name: 'gone' });
      first.delete('Account', gone);
      first.close();
      const second = org({ file });
      expect(second.created).toBe(false);
      expect(second.retrieve('Account', kept, ['Name'], API).Name).toBe('kept');
      expect(count(second, 'SELECT COUNT() FROM User')).toBe(1);
      const all = second.query('SELECT Id FROM Account', { includeDeleted: true, apiVersion: API });
      expect(all.totalSize).toBe(2);
      const next = second.insert('Account', { Name: 'next' });
      expect(next > gone).toBe(true);
      // Same definitions: the schema's date stands; new ones move it.
      expect(second.schemaModifiedAt.getTime()).toBe(schemaDate);
      second.close();
      opened.splice(opened.indexOf(second), 1);
      const extra = parseSchemaDefinition({ objects: [{ name: 'Thing__c', fields: [] }] }, 'test');
      const third = org({
        file,
        extraSchema: [extra],
        now: () => new Date(schemaDate + 86_400_000),
      });
      expect(third.schemaModifiedAt.getTime()).toBe(schemaDate + 86_400_000);
    } finally {
      for (const store of opened.splice(0)) store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
