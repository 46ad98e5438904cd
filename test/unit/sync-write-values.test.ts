import { describe, expect, it } from 'vitest';
import {
  jsonToBulkValue,
  toSalesforceDatetime,
  toSalesforceTime,
  toSalesforceValue,
} from '../../src-main/sync/writer/values';

// Column text (Postgres output form, as hstore holds it) → Salesforce values by field type.

describe('toSalesforceValue', () => {
  it('turns booleans, numbers and nulls into JSON values', () => {
    expect(toSalesforceValue('boolean', 't')).toBe(true);
    expect(toSalesforceValue('boolean', 'f')).toBe(false);
    expect(toSalesforceValue('boolean', 'true')).toBe(true);
    expect(toSalesforceValue('int', '42')).toBe(42);
    expect(toSalesforceValue('double', '-1.5')).toBe(-1.5);
    expect(toSalesforceValue('currency', '1e+21')).toBe(1e21);
    expect(toSalesforceValue('percent', '12.25')).toBe(12.25);
    expect(toSalesforceValue('string', null)).toBeNull();
    expect(toSalesforceValue('int', null)).toBeNull();
  });

  it('sends numbers JSON cannot hold as text, for Salesforce to refuse in its words', () => {
    expect(toSalesforceValue('double', 'NaN')).toBe('NaN');
    expect(toSalesforceValue('double', 'Infinity')).toBe('Infinity');
  });

  it('keeps dates, text, picklists and ids as they are', () => {
    expect(toSalesforceValue('date', '2024-02-29')).toBe('2024-02-29');
    expect(toSalesforceValue('string', ' padded ')).toBe(' padded ');
    expect(toSalesforceValue('picklist', 'Energy')).toBe('Energy');
    expect(toSalesforceValue('reference', '001000000000001AAA')).toBe('001000000000001AAA');
  });
});

describe('datetimes and times', () => {
  it('reads a timestamp without time zone as UTC, to milliseconds', () => {
    expect(toSalesforceDatetime('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05.000Z');
    expect(toSalesforceDatetime('2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123Z');
    expect(toSalesforceDatetime('2024-01-02 03:04:05.5')).toBe('2024-01-02T03:04:05.500Z');
    expect(toSalesforceValue('datetime', '1999-12-31 23:59:59')).toBe('1999-12-31T23:59:59.000Z');
  });

  it('converts a value with an offset (a timestamptz column) to UTC', () => {
    expect(toSalesforceDatetime('2024-01-02 03:04:05+00')).toBe('2024-01-02T03:04:05.000Z');
    expect(toSalesforceDatetime('2024-01-02 03:04:05+02')).toBe('2024-01-02T01:04:05.000Z');
    expect(toSalesforceDatetime('2024-01-02 03:04:05.25-05:30')).toBe('2024-01-02T08:34:05.250Z');
  });

  it('leaves text that is no timestamp for Salesforce to refuse', () => {
    expect(toSalesforceDatetime('infinity')).toBe('infinity');
  });

  it('writes times with milliseconds and Z', () => {
    expect(toSalesforceTime('13:14:15')).toBe('13:14:15.000Z');
    expect(toSalesforceTime('13:14:15.987654')).toBe('13:14:15.987Z');
    expect(toSalesforceValue('time', '08:00:00')).toBe('08:00:00.000Z');
  });
});

describe('Bulk 2.0 cells', () => {
  it('writes booleans as words and keeps null for the client to send as #N/A', () => {
    expect(jsonToBulkValue(toSalesforceValue('boolean', 'f'))).toBe('false');
    expect(jsonToBulkValue(toSalesforceValue('datetime', '2024-01-02 03:04:05'))).toBe(
      '2024-01-02T03:04:05.000Z',
    );
    expect(jsonToBulkValue(toSalesforceValue('int', '7'))).toBe('7');
    expect(jsonToBulkValue(true)).toBe('true');
    expect(jsonToBulkValue(2.5)).toBe('2.5');
    expect(jsonToBulkValue('text')).toBe('text');
    expect(jsonToBulkValue(null)).toBeNull();
  });
});
