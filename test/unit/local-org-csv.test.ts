import { describe, expect, it } from 'vitest';
import {
  COLUMN_DELIMITERS,
  CsvError,
  csvRecord,
  LINE_ENDINGS,
  parseCsv,
  quoteCsvField,
  writeCsv,
  type ColumnDelimiter,
  type LineEnding,
} from '../../src-main/local-org/bulk2/csv';

describe('parseCsv', () => {
  it('reads plain records and keeps every value a string', () => {
    expect(parseCsv('Name,Amount,IsWon\nAcme,12.5,true\nGlobex,,false\n')).toEqual([
      ['Name', 'Amount', 'IsWon'],
      ['Acme', '12.5', 'true'],
      ['Globex', '', 'false'],
    ]);
  });

  it('reads quoted fields with doubled quotes, delimiters and line breaks inside', () => {
    const text =
      '"Id","Description"\n"1","He said ""hi"", then left"\n"2","line one\nline two\r\nline three"\n';
    expect(parseCsv(text)).toEqual([
      ['Id', 'Description'],
      ['1', 'He said "hi", then left'],
      ['2', 'line one\nline two\r\nline three'],
    ]);
  });

  it('treats LF and CRLF alike between records, and a lone CR as a character', () => {
    expect(parseCsv('a,b\r\n1,2\n3,x\ry\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', 'x\ry'],
    ]);
  });

  it('keeps empty fields at the start, middle and end of a record', () => {
    expect(parseCsv(',x,\n"",,""')).toEqual([
      ['', 'x', ''],
      ['', '', ''],
    ]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
  });

  it('skips blank lines and a byte-order mark, and reads a file without a final line break', () => {
    expect(parseCsv('\uFEFFId\n\n001\n\n002')).toEqual([['Id'], ['001'], ['002']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(parseCsv('a,5" pipe\n')).toEqual([['a', '5" pipe']]);
  });

  it.each(Object.entries(COLUMN_DELIMITERS))('reads the %s delimiter', (_name, delimiter) => {
    // Another delimiter's character in an unquoted field is an ordinary character.
    const other = delimiter === ',' ? ';' : ',';
    const text = `Name${delimiter}Note\n"a${delimiter}b"${delimiter}c${other}d\n`;
    expect(parseCsv(text, delimiter)).toEqual([
      ['Name', 'Note'],
      [`a${delimiter}b`, `c${other}d`],
    ]);
  });

  it('names the line of a quoted field that never closes', () => {
    const read = () => parseCsv('Id,Name\n1,"open\nstill open\n');
    expect(read).toThrow(CsvError);
    expect(read).toThrow(/never closed \(line 2\)/);
  });

  it('refuses text after a closing quote, saying how to write a quote', () => {
    expect(() => parseCsv('Id,Name\n1,"Acme" Corp\n')).toThrow(
      /Unexpected character " " after a closing quote; a quote inside a quoted field must be doubled \(""\) \(line 2\)/,
    );
  });

  it('refuses a delimiter it cannot use', () => {
    expect(() => parseCsv('a', '"')).toThrow(/Unusable CSV delimiter/);
    expect(() => parseCsv('a', ',,')).toThrow(/Unusable CSV delimiter/);
  });
});

describe('writing CSV', () => {
  it('quotes every field and doubles quotes', () => {
    expect(quoteCsvField('say "x"')).toBe('"say ""x"""');
    expect(quoteCsvField('')).toBe('""');
    expect(csvRecord(['a', 'b,c'], ',')).toBe('"a","b,c"');
    expect(writeCsv([['x'], ['y']], { lineEnding: '\r\n' })).toBe('"x"\r\n"y"\r\n');
  });

  const hostile = [
    ['Name', 'Description', 'Emoji'],
    ['Ünïcødé "quoted", with comma', 'line\nbreak\r\nand CRLF', '🚀'],
    ['', '""', ',;|^`\t'],
    ['ends with delimiter,', ' spaced ', 'a"b'],
  ];

  const formats: Array<[ColumnDelimiter, LineEnding]> = [];
  for (const delimiter of Object.keys(COLUMN_DELIMITERS) as ColumnDelimiter[]) {
    for (const ending of Object.keys(LINE_ENDINGS) as LineEnding[])
      formats.push([delimiter, ending]);
  }

  it.each(formats)('round-trips hostile values with %s and %s', (delimiterName, endingName) => {
    const delimiter = COLUMN_DELIMITERS[delimiterName];
    const text = writeCsv(hostile, { delimiter, lineEnding: LINE_ENDINGS[endingName] });
    expect(parseCsv(text, delimiter)).toEqual(hostile);
  });
});
