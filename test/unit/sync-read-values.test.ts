import { describe, expect, it } from 'vitest';
import type { MappingContext } from '../../src-main/sync/context';
import {
  bulkValueToCopy,
  datetimeMs,
  datetimeToCopy,
  encodeBulkPage,
  encodeRestPage,
  escapeCopyText,
  loadSoql,
  pollSoql,
  readRecordPath,
  readShapeOf,
  ReadValueError,
  restValueToCopy,
  valueKindOf,
} from '../../src-main/sync/reader';

describe('valueKindOf', () => {
  it('maps Salesforce types to the way their values are written', () => {
    expect(valueKindOf({ type: 'boolean', sqlType: 'boolean' })).toBe('boolean');
    for (const type of ['int', 'long', 'double', 'currency', 'percent']) {
      expect(valueKindOf({ type, sqlType: 'double precision' })).toBe('number');
    }
    expect(valueKindOf({ type: 'datetime', sqlType: 'timestamp' })).toBe('datetime');
    expect(valueKindOf({ type: 'date', sqlType: 'date' })).toBe('date');
    expect(valueKindOf({ type: 'time', sqlType: 'time' })).toBe('time');
    for (const type of [
      'string',
      'picklist',
      'multipicklist',
      'id',
      'reference',
      'email',
      'textarea',
    ]) {
      expect(valueKindOf({ type, sqlType: 'varchar(255)' })).toBe('text');
    }
    // A system column known only by its SQL type.
    expect(valueKindOf({ type: 'unknown', sqlType: 'timestamp' })).toBe('datetime');
  });
});

describe('escapeCopyText', () => {
  it('escapes backslash, tab, newline and carriage return and nothing else', () => {
    expect(escapeCopyText('plain text, with "quotes" and é')).toBe(
      'plain text, with "quotes" and é',
    );
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    // The two characters \N are text, not NULL, once escaped.
    expect(escapeCopyText('\\N')).toBe('\\\\N');
  });
});

describe('datetimes', () => {
  it('turns REST and Bulk forms into UTC timestamps without zone', () => {
    expect(datetimeToCopy('2024-01-02T03:04:05.000+0000')).toBe('2024-01-02 03:04:05.000');
    expect(datetimeToCopy('2024-01-02T03:04:05.123Z')).toBe('2024-01-02 03:04:05.123');
    expect(datetimeToCopy('2024-01-02T03:04:05Z')).toBe('2024-01-02 03:04:05');
    expect(datetimeToCopy('2024-01-02T03:04:05.000+00:00')).toBe('2024-01-02 03:04:05.000');
  });

  it('converts an offset to UTC', () => {
    expect(datetimeToCopy('2024-01-02T03:04:05.000+0200')).toBe('2024-01-02 01:04:05.000');
    expect(datetimeToCopy('2024-01-01T23:30:00.000-01:00')).toBe('2024-01-02 00:30:00.000');
  });

  it('refuses what is not a datetime, with the value in the message', () => {
    expect(() => datetimeToCopy('yesterday')).toThrow(ReadValueError);
    expect(() => datetimeToCopy('yesterday')).toThrow(/"yesterday" is not a Salesforce datetime/);
  });

  it('reads modification times as milliseconds', () => {
    expect(datetimeMs('2024-01-02T03:04:05.006+0000')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(datetimeMs('2024-01-02T03:04:05.006Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(datetimeMs('2024-01-02T05:04:05.006+0200')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(datetimeMs(null)).toBeNull();
    expect(datetimeMs('')).toBeNull();
  });
});

describe('REST values', () => {
  it('writes each JSON type as COPY text', () => {
    expect(restValueToCopy(null, 'text')).toBe('\\N');
    expect(restValueToCopy(undefined, 'number')).toBe('\\N');
    expect(restValueToCopy(true, 'boolean')).toBe('t');
    expect(restValueToCopy(false, 'boolean')).toBe('f');
    expect(restValueToCopy(42, 'number')).toBe('42');
    expect(restValueToCopy(1234.5, 'number')).toBe('1234.5');
    expect(restValueToCopy(-0.25, 'number')).toBe('-0.25');
    expect(restValueToCopy('Hot', 'text')).toBe('Hot');
    expect(restValueToCopy('a\tb\nc\\d', 'text')).toBe('a\\tb\\nc\\\\d');
    expect(restValueToCopy('', 'text')).toBe('');
    expect(restValueToCopy('2024-01-02T03:04:05.000+0000', 'datetime')).toBe(
      '2024-01-02 03:04:05.000',
    );
    expect(restValueToCopy('1987-06-05', 'date')).toBe('1987-06-05');
    expect(restValueToCopy('13:14:15.167Z', 'time')).toBe('13:14:15.167');
    expect(restValueToCopy({ city: 'Lyon' }, 'text')).toBe('{"city":"Lyon"}');
  });

  it('refuses values the column type cannot hold', () => {
    expect(() => restValueToCopy(Number.NaN, 'number')).toThrow(ReadValueError);
    expect(() => restValueToCopy('maybe', 'boolean')).toThrow(/"maybe" is not a boolean/);
  });

  it('reads parent paths from nested records, null when the lookup is empty', () => {
    const record = {
      attributes: { type: 'Contact' },
      Id: '003000000000001AAA',
      Account: { attributes: { type: 'Account' }, External_ID__c: 'ext-1' },
      ReportsTo: null,
    };
    expect(readRecordPath(record, ['Account', 'External_ID__c'])).toBe('ext-1');
    expect(readRecordPath(record, ['account', 'external_id__c'])).toBe('ext-1');
    expect(readRecordPath(record, ['ReportsTo', 'External_ID__c'])).toBeNull();
    expect(readRecordPath(record, ['Id'])).toBe('003000000000001AAA');
  });
});

describe('Bulk CSV values', () => {
  it('reads an empty field as NULL, like REST null (Bulk cannot tell them apart)', () => {
    for (const kind of ['text', 'number', 'boolean', 'datetime', 'date', 'time'] as const) {
      expect(bulkValueToCopy('', kind)).toBe('\\N');
      expect(bulkValueToCopy(undefined, kind)).toBe('\\N');
    }
  });

  it('gives the same cells as REST for the same record', () => {
    const pairs: Array<[unknown, string, Parameters<typeof restValueToCopy>[1]]> = [
      [true, 'true', 'boolean'],
      [false, 'false', 'boolean'],
      [42, '42', 'number'],
      [1234.5, '1234.5', 'number'],
      ['2024-01-02T03:04:05.000+0000', '2024-01-02T03:04:05.000Z', 'datetime'],
      ['1987-06-05', '1987-06-05', 'date'],
      ['13:14:15.167Z', '13:14:15.167Z', 'time'],
      ['line one\nline two\tand a \\', 'line one\nline two\tand a \\', 'text'],
      [null, '', 'text'],
    ];
    for (const [rest, bulk, kind] of pairs) {
      expect(bulkValueToCopy(bulk, kind)).toBe(restValueToCopy(rest, kind));
    }
  });

  it('refuses a boolean that is not true or false', () => {
    expect(() => bulkValueToCopy('yes', 'boolean')).toThrow(ReadValueError);
  });
});

describe('page encoders', () => {
  // Only what the shape reads from a mapping context.
  const mapping = {
    objectName: 'Contact',
    pollField: 'SystemModstamp',
    hasIsDeleted: true,
    readColumns: [
      { column: 'sfid', path: 'Id', type: 'id', sqlType: 'varchar(18)' },
      { column: 'isdeleted', path: 'IsDeleted', type: 'boolean', sqlType: 'boolean' },
      { column: 'systemmodstamp', path: 'SystemModstamp', type: 'datetime', sqlType: 'timestamp' },
      { column: 'lastname', path: 'LastName', type: 'string', sqlType: 'varchar(80)' },
      { column: 'birthdate', path: 'Birthdate', type: 'date', sqlType: 'date' },
      { column: 'donotcall', path: 'DoNotCall', type: 'boolean', sqlType: 'boolean' },
      {
        column: 'account__external_id__c',
        path: 'Account.External_ID__c',
        type: 'string',
        sqlType: 'varchar(36)',
      },
    ],
  } as unknown as MappingContext;
  const shape = readShapeOf(mapping);

  const restRecords = [
    {
      attributes: { type: 'Contact' },
      Id: '003000000000001AAA',
      IsDeleted: false,
      SystemModstamp: '2024-01-02T03:04:05.000+0000',
      LastName: 'Tab\there',
      Birthdate: '1987-06-05',
      DoNotCall: true,
      Account: { attributes: { type: 'Account' }, External_ID__c: 'acct-1' },
    },
    {
      attributes: { type: 'Contact' },
      Id: '003000000000002AAA',
      IsDeleted: true,
      SystemModstamp: '2024-01-02T03:04:06.500+0000',
      LastName: 'Plain',
      Birthdate: null,
      DoNotCall: false,
      Account: null,
    },
  ];
  const bulkPage = {
    columns: [
      'Id',
      'IsDeleted',
      'SystemModstamp',
      'LastName',
      'Birthdate',
      'DoNotCall',
      'Account.External_ID__c',
    ],
    rows: [
      {
        Id: '003000000000001AAA',
        IsDeleted: 'false',
        SystemModstamp: '2024-01-02T03:04:05.000Z',
        LastName: 'Tab\there',
        Birthdate: '1987-06-05',
        DoNotCall: 'true',
        'Account.External_ID__c': 'acct-1',
      },
      {
        Id: '003000000000002AAA',
        IsDeleted: 'true',
        SystemModstamp: '2024-01-02T03:04:06.500Z',
        LastName: 'Plain',
        Birthdate: '',
        DoNotCall: 'false',
        'Account.External_ID__c': '',
      },
    ],
    nextLocator: null,
  };

  it('asks for every read path plus Id, the poll field and IsDeleted, in Id order on loads', () => {
    expect(loadSoql(shape, null)).toBe(
      'SELECT Id, IsDeleted, SystemModstamp, LastName, Birthdate, DoNotCall, ' +
        'Account.External_ID__c FROM Contact WHERE IsDeleted = false ORDER BY Id',
    );
    expect(loadSoql(shape, '003000000000001AAA')).toContain(
      "WHERE IsDeleted = false AND Id > '003000000000001AAA' ORDER BY Id",
    );
    expect(() => loadSoql(shape, "x' OR Name != '")).toThrow(/not a Salesforce Id/);
    expect(pollSoql(shape, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe(
      'SELECT Id, IsDeleted, SystemModstamp, LastName, Birthdate, DoNotCall, ' +
        'Account.External_ID__c FROM Contact WHERE SystemModstamp >= 2024-01-02T03:04:05Z ' +
        'ORDER BY SystemModstamp',
    );
  });

  it('gives the same COPY text for a REST page and a Bulk page of the same records', () => {
    const rest = encodeRestPage(shape, restRecords, 'table');
    const bulk = encodeBulkPage(shape, bulkPage, 'table');
    expect(rest.text).toBe(
      '003000000000001AAA\tf\t2024-01-02 03:04:05.000\tTab\\there\t1987-06-05\tt\tacct-1\tSYNCED\n' +
        '003000000000002AAA\tt\t2024-01-02 03:04:06.500\tPlain\t\\N\tf\t\\N\tSYNCED\n',
    );
    expect(bulk).toEqual(rest);
    expect(rest).toMatchObject({
      rows: 2,
      lastId: '003000000000002AAA',
      maxStampMs: Date.UTC(2024, 0, 2, 3, 4, 6, 500),
      ids: ['003000000000001AAA', '003000000000002AAA'],
    });
  });

  it('ends staging lines with the modification time and the deleted flag', () => {
    const rest = encodeRestPage(shape, restRecords, 'staging');
    expect(rest.text.split('\n')[1]).toBe(
      '003000000000002AAA\tt\t2024-01-02 03:04:06.500\tPlain\t\\N\tf\t\\N\t2024-01-02 03:04:06.500\tt',
    );
    expect(encodeBulkPage(shape, bulkPage, 'staging').text).toBe(rest.text);
  });

  it('names the field and the record of a value that does not fit', () => {
    const bad = [{ ...restRecords[0], DoNotCall: 'sometimes' }];
    expect(() => encodeRestPage(shape, bad, 'table')).toThrow(
      /Contact\.DoNotCall of record 003000000000001AAA: "sometimes" is not a boolean/,
    );
    expect(() =>
      encodeBulkPage(shape, { ...bulkPage, columns: bulkPage.columns.slice(0, 3) }, 'table'),
    ).toThrow(/have no column LastName/);
  });
});
