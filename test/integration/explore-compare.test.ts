// Compare's matching and value normalisation on hand-made records: the forms Salesforce and
// Postgres legitimately write differently must compare equal, and real differences must not.
// (The end-to-end comparison against the org and Postgres is in explore-sql.test.ts.)
import { describe, expect, it } from 'vitest';
import { compareRecords, flattenRecord, recordId, sameValue } from '../../src-main/explore';

const contact = (id: string | null, fields: Record<string, unknown>) => ({
  attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id}` },
  Id: id,
  ...fields,
});

describe('sameValue', () => {
  it.each([
    [null, undefined],
    [null, ''],
    ['', undefined],
    [1, 1.0],
    [1, '1.0'],
    [1234.5, '1234.50'],
    [0.1 + 0.2, 0.3],
    ['2024-01-31T10:00:00.000+0000', '2024-01-31 10:00:00'],
    ['2024-01-31T10:00:00.000+0000', '2024-01-31T10:00:00Z'],
    ['2024-01-31T10:00:00.000+0000', '2024-01-31T11:00:00.000+01:00'],
    ['2024-01-31T10:00:00.120+0000', '2024-01-31 10:00:00.12'],
    ['2024-01-31', '2024-01-31'],
    [true, true],
    [
      ['b', 'a'],
      ['a', 'b'],
    ],
  ])('%j equals %j', (a, b) => {
    expect(sameValue(a, b)).toBe(true);
    expect(sameValue(b, a)).toBe(true);
  });

  it.each([
    [null, 'x'],
    [null, 0],
    [null, false],
    [1, 2],
    [1, '1.5'],
    ['0123', '123'],
    ['1.0', '1'],
    ['Smith', 'smith'],
    ['2024-01-31T10:00:00.000+0000', '2024-01-31 10:00:01'],
    ['2024-01-31T10:00:00.000+0000', '2024-01-31T10:00:00.000+0100'],
    ['2024-01-31', '2024-02-01'],
    [true, false],
    [true, 'true'],
    [['a'], ['a', 'b']],
  ])('%j differs from %j', (a, b) => {
    expect(sameValue(a, b)).toBe(false);
    expect(sameValue(b, a)).toBe(false);
  });
});

describe('flattenRecord and recordId', () => {
  it('flattens parents into paths and child results into their record Ids', () => {
    const record = contact('003A', {
      Name: 'Ann',
      Account: {
        attributes: { type: 'Account', url: '/x/Account/001A' },
        Name: 'Acme',
        Owner: { attributes: { type: 'User' }, Name: 'Olga' },
      },
      Cases: {
        totalSize: 2,
        done: true,
        records: [
          { attributes: { type: 'Case', url: '/x/Case/500B' }, Id: '500B' },
          { attributes: { type: 'Case', url: '/x/Case/500A' } },
        ],
      },
    });
    const flat = Object.fromEntries(
      [...flattenRecord(record).values()].map((v) => [v.path, v.value]),
    );
    expect(flat).toEqual({
      Id: '003A',
      Name: 'Ann',
      'Account.Name': 'Acme',
      'Account.Owner.Name': 'Olga',
      Cases: ['500A', '500B'],
    });
    expect(recordId({ attributes: { url: '/services/data/v62.0/sobjects/Contact/003X' } })).toBe(
      '003X',
    );
    expect(recordId({ attributes: { url: '/services/data/v62.0/sobjects/Contact/null' } })).toBe(
      null,
    );
  });
});

describe('compareRecords', () => {
  const salesforce = [
    contact('003A', { Email: 'a@x.com', Account: null, Cases: null }),
    contact('003B', { Email: 'b@x.com', Account: { attributes: {}, Name: 'Acme' } }),
    contact('003C', { Email: null }),
  ];

  it('matches by Id and reports changed values, missing records and unsynced rows', () => {
    const postgres = [
      contact('003A', { Email: 'a@x.com', Account: null, Cases: null }),
      contact('003B', { Email: 'B@x.com', Account: { attributes: {}, Name: 'Acme Ltd' } }),
      contact(null, { Email: 'new@x.com' }),
      contact('003D', { Email: null }),
    ];
    const result = compareRecords(salesforce, postgres);
    expect(result.same).toBe(1);
    expect(result.different).toEqual([
      {
        id: '003B',
        fields: [
          { path: 'Email', salesforce: 'b@x.com', postgres: 'B@x.com' },
          { path: 'Account.Name', salesforce: 'Acme', postgres: 'Acme Ltd' },
        ],
      },
    ]);
    expect(result.onlyInSalesforce.map((r) => r.Id)).toEqual(['003C']);
    expect(result.onlyInPostgres.map((r) => r.Id)).toEqual([null, '003D']);
    expect(result.salesforceCount).toBe(3);
    expect(result.postgresCount).toBe(4);
  });

  it('a missing parent on one side differs from a parent with values, an empty one does not', () => {
    const withParent = contact('003A', { Account: { attributes: {}, Name: 'Acme' } });
    const withoutParent = contact('003A', { Account: null });
    const emptyParent = contact('003A', { Account: { attributes: {}, Name: null } });
    expect(compareRecords([withParent], [withoutParent]).different).toHaveLength(1);
    expect(compareRecords([withoutParent], [emptyParent]).same).toBe(1);
    const noChildren = contact('003A', { Cases: null });
    const oneChild = contact('003A', {
      Cases: { totalSize: 1, done: true, records: [{ Id: '500A' }] },
    });
    expect(compareRecords([noChildren], [oneChild]).different[0]!.fields).toEqual([
      { path: 'Cases', salesforce: null, postgres: ['500A'] },
    ]);
  });

  it('does not call records missing when the other side was cut short', () => {
    const postgres = [contact('003A', { Email: 'a@x.com' }), contact('003Z', {})];
    const cut = compareRecords(salesforce, postgres, {
      salesforceComplete: false,
      postgresComplete: true,
    });
    expect(cut.onlyInPostgres).toEqual([]);
    expect(cut.onlyInSalesforce.map((r) => r.Id)).toEqual(['003B', '003C']);
    const otherCut = compareRecords(salesforce, postgres, {
      salesforceComplete: true,
      postgresComplete: false,
    });
    expect(otherCut.onlyInSalesforce).toEqual([]);
    expect(otherCut.onlyInPostgres.map((r) => r.Id)).toEqual(['003Z']);
  });
});
