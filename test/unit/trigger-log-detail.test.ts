import { describe, expect, it } from 'vitest';
import {
  alignRecord,
  displayValue,
  formatHcErr,
  rowActions,
  splitMessage,
  valuesEqual,
} from '../../src-renderer/workspaces/trigger-log/detail-model';
import {
  age,
  fromLocalInput,
  localTime,
  toLocalInput,
} from '../../src-renderer/workspaces/trigger-log/format';

describe('the Postgres row beside the Salesforce record', () => {
  it('lines up columns and API names case-insensitively, sfid with Id, and marks differences', () => {
    const lines = alignRecord(
      {
        id: 12,
        sfid: '006000000000001AAA',
        name: 'Big deal',
        amount: '5.00',
        stagename: 'Prospecting',
        closedate: '2025-07-01',
        isdeleted: false,
        _hc_lastop: 'FAILED',
        _hc_err: '{"msg":"x"}',
        local_only__c: 'x',
      },
      {
        attributes: { type: 'Opportunity' },
        Id: '006000000000001AAA',
        Name: 'Big deal',
        Amount: -5,
        StageName: 'Prospecting',
        CloseDate: '2025-07-01',
        IsDeleted: false,
        LastModifiedDate: '2025-06-30T12:00:00.000+0000',
      },
    );
    expect(lines.map((l) => [l.column, l.field, l.differs])).toEqual([
      ['sfid', 'Id', false],
      ['name', 'Name', false],
      ['amount', 'Amount', true],
      ['stagename', 'StageName', false],
      ['closedate', 'CloseDate', false],
      ['isdeleted', 'IsDeleted', false],
      ['local_only__c', null, false],
      [null, 'LastModifiedDate', false],
    ]);
  });

  it('shows the row alone when there is no record', () => {
    const lines = alignRecord({ id: 1, name: 'A', sfid: null }, null);
    expect(lines).toEqual([
      { column: 'name', field: null, postgres: 'A', salesforce: undefined, differs: false },
      { column: 'sfid', field: null, postgres: null, salesforce: undefined, differs: false },
    ]);
    expect(alignRecord(null, null)).toEqual([]);
  });
});

describe('equal values, however each side writes them', () => {
  it.each([
    ['5.00', 5, true],
    ['5', -5, false],
    ['t', true, true],
    [false, 'false', true],
    ['', null, true],
    [null, 'x', false],
    ['2025-06-30 12:00:00+00', '2025-06-30T12:00:00.000+0000', true],
    ['2025-06-30T14:00:00.000+02:00', '2025-06-30T12:00:00.000Z', true],
    ['2025-06-30T12:00:01.000Z', '2025-06-30T12:00:00.000+0000', false],
    ['2025-07-01', '2025-07-01', true],
    ['2025-07-01T00:00:00.000Z', '2025-07-01', true],
    ['abc', 'ABC', false],
  ])('%j vs %j → %s', (postgres, salesforce, equal) => {
    expect(valuesEqual(postgres, salesforce)).toBe(equal);
  });
});

describe('texts of the detail', () => {
  it('splits an error code from its message', () => {
    expect(splitMessage('FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount must not be negative')).toEqual({
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      text: 'Amount must not be negative',
    });
    expect(splitMessage('network down')).toEqual({ code: null, text: 'network down' });
    expect(splitMessage(null)).toEqual({ code: null, text: '' });
  });

  it('indents _hc_err JSON and keeps anything else as stored', () => {
    expect(formatHcErr('{"op":"INSERT","msg":"bad"}')).toBe(
      '{\n  "op": "INSERT",\n  "msg": "bad"\n}',
    );
    expect(formatHcErr('not json')).toBe('not json');
    expect(formatHcErr('  ')).toBeNull();
  });

  it('prints values, null as null', () => {
    expect(displayValue(null)).toBeNull();
    expect(displayValue(3)).toBe('3');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
  });

  it('offers retry for FAILED rows and ignore for FAILED or NEW rows of the live log', () => {
    expect(rowActions({ state: 'FAILED', source: 'live' })).toEqual({ retry: true, ignore: true });
    expect(rowActions({ state: 'FAILED', source: 'archive' })).toEqual({
      retry: true,
      ignore: false,
    });
    expect(rowActions({ state: 'NEW', source: 'live' })).toEqual({ retry: false, ignore: true });
    expect(rowActions({ state: 'SUCCESS', source: 'live' })).toEqual({
      retry: false,
      ignore: false,
    });
  });
});

describe('times', () => {
  it('shows local time and reads the local input back to the same instant', () => {
    const iso = '2025-06-30T12:34:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(localTime(iso)).toMatch(/^2025-06-3\d \d\d:34:00$|^2025-07-01 \d\d:34:00$/);
    expect(localTime(null)).toBe('');
    expect(fromLocalInput('')).toBeUndefined();
  });

  it('says how long ago', () => {
    const now = new Date('2025-06-30T12:00:00Z');
    expect(age('2025-06-30T11:59:30Z', now)).toBe('30 s ago');
    expect(age('2025-06-30T11:01:00Z', now)).toBe('59 min ago');
    expect(age('2025-06-30T11:00:00Z', now)).toBe('1 h ago');
    expect(age('2025-06-28T12:00:00Z', now)).toBe('2 days ago');
  });
});
