import { describe, expect, it } from 'vitest';
import { buildMappingContexts, type MappingContext } from '../../src-main/sync/context';
import type { ClaimedRow } from '../../src-main/sync/writer/claim';
import {
  buildPayload,
  collectionRecord,
  mergedChanges,
  orderedChanges,
  referenceHeader,
  resolveChange,
  tableOrder,
  type Change,
  type PendingWrite,
  type ReferenceColumn,
} from '../../src-main/sync/writer/changes';
import { createMapping } from '../../src-shared/mapping';
import { fixtureCatalog } from '../support/describes';

// From claimed trigger-log rows to what Salesforce gets: merging, ordering, payloads, and the
// order tables are written in. Contexts come from the fixture org's describes.

const catalog = fixtureCatalog();
const { contexts, problems } = buildMappingContexts(
  [
    createMapping('Account', {
      access: 'read_write',
      upsertField: 'External_ID__c',
      fields: [
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'CreatedDate',
        'Name',
        'External_ID__c',
        'NumberOfEmployees',
        'AnnualRevenue',
        'ParentId',
        'Parent__External_ID__c',
        'Primary_Contact__c',
        'Primary_Contact__r__External_ID__c',
      ],
    }),
    createMapping('Contact', {
      access: 'read_write',
      upsertField: 'External_ID__c',
      fields: [
        'Id',
        'SystemModstamp',
        'LastName',
        'External_ID__c',
        'AccountId',
        'Account__External_ID__c',
      ],
    }),
    createMapping('Opportunity', {
      access: 'read_write',
      fields: ['Id', 'SystemModstamp', 'Name', 'AccountId', 'Account__External_ID__c'],
    }),
  ],
  catalog,
  'salesforce',
);
const ctx = (table: string): MappingContext => {
  const found = contexts.find((c) => c.table === table);
  if (!found) throw new Error(`no context for ${table}`);
  return found;
};
const contextOf = (table: string) => contexts.find((c) => c.table === table);

let nextId = 1;
function row(
  action: ClaimedRow['action'],
  table: string,
  recordId: number,
  values: string | null,
  sfid: string | null = null,
): ClaimedRow {
  return { id: nextId++, action, table, recordId, sfid, values };
}

function single(lists: Change[][]): Change {
  expect(lists).toHaveLength(1);
  expect(lists[0]).toHaveLength(1);
  return lists[0]![0]!;
}

function write(change: Change, current?: Parameters<typeof resolveChange>[1]): PendingWrite {
  const resolution = resolveChange(change, current, undefined);
  if (!('write' in resolution)) throw new Error(`skipped: ${resolution.skip.reason}`);
  return resolution.write;
}

it('builds every context', () => {
  expect(problems).toEqual([]);
});

describe('merged changes', () => {
  it('folds INSERT and UPDATEs of one record into one insert, later values winning', () => {
    const change = single(
      mergedChanges(
        [
          row('INSERT', 'account', 1, '"id"=>"1", "name"=>"First", "numberofemployees"=>"5"'),
          row('UPDATE', 'account', 1, '"name"=>"Second"'),
          row('UPDATE', 'account', 1, '"numberofemployees"=>"9", "name"=>"Third"'),
        ],
        contextOf,
      ),
    );
    expect(change.action).toBe('INSERT');
    expect(change.rows).toHaveLength(3);
    expect(Object.fromEntries(change.values)).toEqual({
      id: '1',
      name: 'Third',
      numberofemployees: '9',
    });
  });

  it('keeps records apart and remembers the last sfid the rows knew', () => {
    const lists = mergedChanges(
      [
        row('UPDATE', 'account', 1, '"name"=>"A"', '001A'),
        row('UPDATE', 'account', 2, '"name"=>"B"', '001B'),
        row('UPDATE', 'contact', 1, '"lastname"=>"C"', '003C'),
        row('UPDATE', 'account', 1, '"numberofemployees"=>"1"', '001A'),
      ],
      contextOf,
    );
    expect(
      lists.map((l) => [l[0]!.ctx.table, l[0]!.recordId, l[0]!.action, l[0]!.logSfid]),
    ).toEqual([
      ['account', 1, 'UPDATE', '001A'],
      ['account', 2, 'UPDATE', '001B'],
      ['contact', 1, 'UPDATE', '003C'],
    ]);
    expect(Object.fromEntries(lists[0]![0]!.values)).toEqual({ name: 'A', numberofemployees: '1' });
  });

  it('ends in a delete whenever the last row is a DELETE', () => {
    const change = single(
      mergedChanges(
        [
          row('UPDATE', 'account', 3, '"name"=>"x"', '001X'),
          row('DELETE', 'account', 3, null, '001X'),
        ],
        contextOf,
      ),
    );
    expect(change.action).toBe('DELETE');
    expect(write(change)).toMatchObject({ kind: 'delete', sfid: '001X' });
  });
});

describe('ordered changes', () => {
  it('keeps every row a change of its own, per record in id order', () => {
    const lists = orderedChanges(
      [
        row('INSERT', 'account', 1, '"name"=>"a"'),
        row('INSERT', 'account', 2, '"name"=>"b"'),
        row('UPDATE', 'account', 1, '"name"=>"a2"'),
      ],
      contextOf,
    );
    expect(lists.map((l) => l.map((c) => c.action))).toEqual([['INSERT', 'UPDATE'], ['INSERT']]);
  });
});

describe('resolving a change', () => {
  const insert = (values: string) =>
    single(orderedChanges([row('INSERT', 'account', 5, values)], contextOf));

  it('turns an insert with the unique identifier into an upsert, without it into a create', () => {
    expect(write(insert('"name"=>"U", "external_id__c"=>"K-1"'), { sfid: null })).toMatchObject({
      kind: 'upsert',
      op: 'INSERT',
    });
    expect(write(insert('"name"=>"C", "external_id__c"=>NULL'), { sfid: null })).toMatchObject({
      kind: 'create',
    });
  });

  it('sends an insert whose row already has an sfid as an update of that record', () => {
    const resolved = write(insert('"name"=>"Again", "external_id__c"=>"K-2"'), { sfid: '001Z' });
    expect(resolved).toMatchObject({ kind: 'update', op: 'UPDATE', sfid: '001Z' });
  });

  it('sends an update of a record without sfid as an insert of the row as it is now', () => {
    const change = single(
      orderedChanges([row('UPDATE', 'account', 6, '"name"=>"Fixed"')], contextOf),
    );
    const current = new Map<string, string | null>([
      ['id', '6'],
      ['sfid', null],
      ['name', 'Fixed'],
      ['external_id__c', 'K-6'],
      ['numberofemployees', '12'],
    ]);
    const resolved = write(change, { sfid: null, values: current });
    expect(resolved.kind).toBe('upsert');
    expect(Object.fromEntries(resolved.fields)).toEqual({
      Name: 'Fixed',
      External_ID__c: 'K-6',
      NumberOfEmployees: 12,
    });
  });

  it('sends nothing for a delete without sfid, or a change whose row is gone unsent', () => {
    const del = single(orderedChanges([row('DELETE', 'account', 7, null)], contextOf));
    expect(resolveChange(del, undefined, undefined)).toMatchObject({ skip: { touchRow: false } });
    expect(resolveChange(insert('"name"=>"x"'), undefined, undefined)).toMatchObject({
      skip: { reason: 'the row was deleted before it was sent' },
    });
  });

  it('skips an update that changed nothing Salesforce can take, and marks the row synced', () => {
    const change = single(
      orderedChanges(
        [row('UPDATE', 'account', 8, '"systemmodstamp"=>"2024-01-01 00:00:00"', '001S')],
        contextOf,
      ),
    );
    expect(resolveChange(change, { sfid: '001S' }, undefined)).toMatchObject({
      skip: { touchRow: true },
    });
  });

  it('prefers the sfid this drain learnt over the logged and stored ones', () => {
    const change = single(
      orderedChanges([row('UPDATE', 'account', 9, '"name"=>"n"', null)], contextOf),
    );
    expect(write(change, { sfid: null }).kind).toBe('create');
    const resolution = resolveChange(change, { sfid: null }, '001KNOWN');
    expect(resolution).toMatchObject({ write: { kind: 'update', sfid: '001KNOWN' } });
  });
});

describe('payloads', () => {
  it('drops columns Salesforce cannot take and types the rest', () => {
    const values = new Map<string, string | null>([
      ['id', '1'],
      ['sfid', '001X'],
      ['systemmodstamp', '2024-01-01 00:00:00'],
      ['createddate', '2024-01-01 00:00:00'],
      ['isdeleted', 'f'],
      ['name', 'Acme'],
      ['numberofemployees', '3'],
      ['annualrevenue', '1500.5'],
      ['parentid', null],
    ]);
    const inserted = buildPayload(ctx('account'), values, 'insert');
    expect(Object.fromEntries(inserted.fields)).toEqual({
      Name: 'Acme',
      NumberOfEmployees: 3,
      AnnualRevenue: 1500.5,
    });
    // An update sends null to clear a field.
    const updated = buildPayload(ctx('account'), values, 'update');
    expect(Object.fromEntries(updated.fields)).toMatchObject({ ParentId: null });
  });

  it('turns a relationship external ID into a reference; a lookup Id wins over it', () => {
    const byKey = buildPayload(
      ctx('contact'),
      new Map([
        ['lastname', 'Kid'],
        ['account__external_id__c', 'ACC-1'],
        ['accountid', null],
      ]),
      'insert',
    );
    expect(byKey.references).toHaveLength(1);
    expect(byKey.references[0]).toMatchObject({ value: 'ACC-1' });
    expect(byKey.references[0]!.polymorphicType).toBeUndefined();
    const record = collectionRecord({
      change: {} as Change,
      kind: 'upsert',
      op: 'INSERT',
      fields: byKey.fields,
      references: byKey.references,
      deferred: [],
    });
    expect(record).toEqual({ LastName: 'Kid', Account: { External_ID__c: 'ACC-1' } });

    const byId = buildPayload(
      ctx('contact'),
      new Map([
        ['account__external_id__c', 'ACC-1'],
        ['accountid', '001000000000001AAA'],
      ]),
      'insert',
    );
    expect(byId.references).toEqual([]);
    expect(Object.fromEntries(byId.fields)).toEqual({ AccountId: '001000000000001AAA' });
  });

  it('clears the lookup when an update empties the external-ID column', () => {
    const cleared = buildPayload(
      ctx('contact'),
      new Map([['account__external_id__c', null]]),
      'update',
    );
    expect(Object.fromEntries(cleared.fields)).toEqual({ AccountId: null });
    expect(cleared.references).toEqual([]);
  });

  it('names references in a Bulk CSV header, polymorphic ones with their type', () => {
    const column = ctx('contact').writeColumns.get('account__external_id__c') as ReferenceColumn;
    expect(referenceHeader({ column, value: 'x' })).toBe('Account.External_ID__c');
    expect(referenceHeader({ column, value: 'x', polymorphicType: 'Account' })).toBe(
      'Account:Account.External_ID__c',
    );
    const record = collectionRecord({
      change: {} as Change,
      kind: 'update',
      op: 'UPDATE',
      sfid: '003X',
      fields: new Map(),
      references: [{ column, value: 'x', polymorphicType: 'Account' }],
      deferred: [],
    });
    expect(record).toEqual({
      Id: '003X',
      Account: { attributes: { type: 'Account' }, External_ID__c: 'x' },
    });
  });
});

describe('table order', () => {
  it('puts parents before children whatever came first', () => {
    const order = tableOrder([
      { ctx: ctx('opportunity'), firstId: 1 },
      { ctx: ctx('contact'), firstId: 2 },
      { ctx: ctx('account'), firstId: 3 },
    ]);
    // Account and Contact point at each other (primary contact): the cycle starts at the table
    // changed first, Contact; Opportunity follows its parent Account.
    expect(order.map((c) => c.table)).toEqual(['contact', 'account', 'opportunity']);
  });

  it('breaks the Account/Contact cycle at the table whose change came first', () => {
    expect(
      tableOrder([
        { ctx: ctx('account'), firstId: 1 },
        { ctx: ctx('contact'), firstId: 2 },
      ]).map((c) => c.table),
    ).toEqual(['account', 'contact']);
    expect(
      tableOrder([
        { ctx: ctx('account'), firstId: 9 },
        { ctx: ctx('contact'), firstId: 2 },
      ]).map((c) => c.table),
    ).toEqual(['contact', 'account']);
  });
});
