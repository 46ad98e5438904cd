import { describe, expect, it } from 'vitest';
import {
  cellValue,
  errorPosition,
  resultColumns,
  resultRows,
  toCsv,
  toJson,
  type SalesforceRecord,
} from '../../src-renderer/workspaces/query/result-model';

const attrs = (type: string) => ({ type, url: `/services/data/v62.0/sobjects/${type}/x` });

const accounts: SalesforceRecord[] = [
  {
    attributes: attrs('Account'),
    Id: '001A',
    Name: 'Acme, "the" company',
    Owner: { attributes: attrs('User'), Name: 'Ada' },
    Contacts: {
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: attrs('Contact'),
          LastName: 'Lovelace',
          Account: { attributes: attrs('Account'), Name: 'Acme' },
        },
        { attributes: attrs('Contact'), LastName: 'Byron', Account: null },
      ],
    },
  },
  { attributes: attrs('Account'), Id: '001B', Name: 'Globex', Owner: null, Contacts: null },
];

const soql =
  'SELECT Id, name, Owner.Name, (SELECT LastName, Account.Name FROM Contacts) FROM Account';

describe('resultColumns', () => {
  it('takes columns from the SELECT: dotted parent paths, a count per subquery and its own columns', () => {
    const columns = resultColumns(soql, accounts);
    expect(columns.map((c) => [c.id, c.kind])).toEqual([
      ['Id', 'value'],
      ['name', 'value'],
      ['Owner.Name', 'value'],
      ['Contacts', 'children'],
      ['Contacts.LastName', 'value'],
      ['Contacts.Account.Name', 'value'],
    ]);
  });

  it('names unaliased aggregates expr0, expr1 and keeps aliases and toLabel field names', () => {
    const columns = resultColumns(
      'SELECT toLabel(StageName), COUNT(Id), SUM(Amount) total, MAX(CloseDate) FROM Opportunity GROUP BY StageName',
      [],
    );
    expect(columns.map((c) => c.id)).toEqual(['StageName', 'expr0', 'total', 'expr1']);
  });

  it('drops the FROM alias from paths and reads FIELDS(…) columns off the records', () => {
    expect(resultColumns('SELECT c.Account.Name FROM Contact c', []).map((c) => c.id)).toEqual([
      'Account.Name',
    ]);
    const records = [{ attributes: attrs('Account'), Id: '001A', Name: 'Acme', Industry: null }];
    expect(resultColumns('SELECT FIELDS(STANDARD) FROM Account', records).map((c) => c.id)).toEqual(
      ['Id', 'Name', 'Industry'],
    );
  });
});

describe('resultRows and cellValue', () => {
  it('nests child records under their parent and reads every cell at its own level only', () => {
    const columns = resultColumns(soql, accounts);
    const rows = resultRows(accounts, columns, 2000);
    const col = (id: string) => columns.find((c) => c.id === id)!;
    expect(rows.map((r) => r.id)).toEqual(['r2000', 'r2001']);
    const [acme, globex] = rows;
    expect(cellValue(acme!, col('name'))).toBe('Acme, "the" company'); // case-insensitive key
    expect(cellValue(acme!, col('Owner.Name'))).toBe('Ada');
    expect(cellValue(acme!, col('Contacts'))).toBe(2);
    expect(cellValue(acme!, col('Contacts.LastName'))).toBeUndefined();
    expect(acme!.children?.map((c) => cellValue(c, col('Contacts.LastName')))).toEqual([
      'Lovelace',
      'Byron',
    ]);
    expect(cellValue(acme!.children![0]!, col('Contacts.Account.Name'))).toBe('Acme');
    expect(cellValue(acme!.children![1]!, col('Contacts.Account.Name'))).toBeNull();
    expect(cellValue(acme!.children![0]!, col('Name'.toLowerCase()))).toBeUndefined();
    expect(cellValue(globex!, col('Owner.Name'))).toBeNull();
    expect(cellValue(globex!, col('Contacts'))).toBe(0);
    expect(globex!.children).toBeUndefined();
  });

  it('reads a grouped parent field flattened to its last name in aggregate results', () => {
    const columns = resultColumns(
      'SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name',
      [],
    );
    const rows = resultRows(
      [{ attributes: attrs('AggregateResult'), Name: 'Acme', expr0: 3 }],
      columns,
    );
    expect(columns.map((c) => cellValue(rows[0]!, c))).toEqual(['Acme', 3]);
  });
});

describe('exports', () => {
  it('writes RFC 4180 CSV of the top-level records with subquery counts', () => {
    const csv = toCsv(accounts, resultColumns(soql, accounts));
    expect(csv).toBe(
      'Id,name,Owner.Name,Contacts\r\n' +
        '001A,"Acme, ""the"" company",Ada,2\r\n' +
        '001B,Globex,,0\r\n',
    );
  });

  it('writes JSON without the attributes bookkeeping, children included', () => {
    const parsed = JSON.parse(toJson(accounts)) as Record<string, unknown>[];
    expect(parsed[0]).toEqual({
      Id: '001A',
      Name: 'Acme, "the" company',
      Owner: { Name: 'Ada' },
      Contacts: {
        totalSize: 2,
        done: true,
        records: [
          { LastName: 'Lovelace', Account: { Name: 'Acme' } },
          { LastName: 'Byron', Account: null },
        ],
      },
    });
  });
});

describe('errorPosition', () => {
  it('reads the row and column of an org error, or null when it has none', () => {
    expect(
      errorPosition(
        "\nSELECT Nme FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nme'",
      ),
    ).toEqual({ line: 1, column: 8 });
    expect(errorPosition('sObject type is not supported')).toBeNull();
  });
});
