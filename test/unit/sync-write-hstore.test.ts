import { describe, expect, it } from 'vitest';
import { HstoreParseError, parseHstore } from '../../src-main/sync/writer';

// The text form of hstore as the log triggers store `values` and `old`.

const entries = (text: string | null) => [...parseHstore(text)];

describe('parseHstore', () => {
  it('reads nothing from an empty or missing value', () => {
    expect(entries(null)).toEqual([]);
    expect(entries('')).toEqual([]);
    expect(entries('   ')).toEqual([]);
  });

  it('reads quoted pairs and NULL values in order', () => {
    expect(entries('"id"=>"7", "name"=>"Acme", "sfid"=>NULL')).toEqual([
      ['id', '7'],
      ['name', 'Acme'],
      ['sfid', null],
    ]);
  });

  it('tells a quoted "NULL" text from a NULL value', () => {
    expect(entries('"a"=>"NULL", "b"=>NULL, "c"=>null')).toEqual([
      ['a', 'NULL'],
      ['b', null],
      ['c', null],
    ]);
  });

  it('undoes backslash escapes of quotes and backslashes', () => {
    expect(entries('"name"=>"say \\"hi\\"", "path"=>"C:\\\\temp\\\\x"')).toEqual([
      ['name', 'say "hi"'],
      ['path', 'C:\\temp\\x'],
    ]);
    expect(entries('"k\\"ey"=>"\\\\"')).toEqual([['k"ey', '\\']]);
  });

  it('keeps separators, arrows, newlines and empty strings inside quotes', () => {
    expect(entries('"a, b"=>"x => y, z", "multi"=>"line 1\nline 2", "empty"=>""')).toEqual([
      ['a, b', 'x => y, z'],
      ['multi', 'line 1\nline 2'],
      ['empty', ''],
    ]);
  });

  it('reads the bare tokens hstore accepts as input', () => {
    expect(entries('a=>1,b => two ,  c=>NULL')).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['c', null],
    ]);
  });

  it('names what is wrong with text that is not hstore', () => {
    expect(() => parseHstore('"a"=>"unterminated')).toThrow(HstoreParseError);
    expect(() => parseHstore('"a"=>"unterminated')).toThrow(/an unterminated quote/);
    expect(() => parseHstore('"a" "b"')).toThrow(/"=>" at character 5/);
    expect(() => parseHstore('"a"=>"1" "b"=>"2"')).toThrow(/a comma between pairs/);
    expect(() => parseHstore('"a"=>')).toThrow(/a missing key or value/);
  });

  it('parses 100,000 logged rows quickly', () => {
    const text = Array.from({ length: 12 }, (_, i) => `"column_${i}"=>"value number ${i}"`).join(
      ', ',
    );
    const started = performance.now();
    let pairs = 0;
    for (let i = 0; i < 100_000; i++) pairs += parseHstore(text).size;
    const elapsed = performance.now() - started;
    expect(pairs).toBe(1_200_000);
    // About 0.3 s on a slow CI core; a regular expression per pair takes several times that.
    expect(elapsed).toBeLessThan(3_000);
  });
});
