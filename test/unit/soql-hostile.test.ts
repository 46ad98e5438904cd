// Hostile input for the SOQL parser: random bytes, token soup, megabyte queries, deep nesting,
// broken strings, every prefix of long queries (typing), NUL and non-BMP characters. Whatever
// comes in, parseSoql must not throw, must report broken input, must keep every range inside the
// text (child ranges inside their parent's), and must finish in bounded time.
import { seededRandom } from '../../src-shared/random';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkSoql,
  formatSoql,
  parseSoql,
  type ParseResult,
  type Range,
} from '../../src-shared/soql';
import { fixtureCatalog } from '../support/describes';
import { sketchQuery } from '../support/soql-sketch';

const MEGABYTE = 1 << 20;
/** Generous against the ~0.1-0.5 s a megabyte takes on the 2-core CI machine. */
const MEGABYTE_BUDGET_MS = 2000;

const prng = seededRandom;

function isRange(value: unknown): value is Range {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Range).start === 'number' &&
    typeof (value as Range).end === 'number' &&
    Object.keys(value).length === 2
  );
}

/**
 * Every range in the tree (node ranges and others such as operatorRange) lies within the text,
 * and a node's range lies within the range of the node that holds it. Returns the problems.
 */
function rangeProblems(result: ParseResult, text: string): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: string, outer: Range): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`, outer));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const own = (value as { range?: unknown }).range;
    let inner = outer;
    if (isRange(own)) {
      if (!(own.start >= outer.start && own.start <= own.end && own.end <= outer.end)) {
        problems.push(`${path}.range ${own.start}-${own.end} outside ${outer.start}-${outer.end}`);
      }
      inner = own;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === 'range') continue;
      if (isRange(child)) {
        if (!(child.start >= inner.start && child.start <= child.end && child.end <= inner.end)) {
          problems.push(
            `${path}.${key} ${child.start}-${child.end} outside ${inner.start}-${inner.end}`,
          );
        }
      } else {
        visit(child, `${path}.${key}`, inner);
      }
    }
  };
  const whole = { start: 0, end: text.length };
  visit(result.query, 'query', whole);
  for (const d of result.diagnostics) {
    if (!(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= text.length)) {
      problems.push(`diagnostic '${d.message}' at ${d.range.start}-${d.range.end}`);
    }
    if (!d.errorCode || !d.message) problems.push(`diagnostic without code or message`);
  }
  let previousEnd = 0;
  for (const t of result.tokens) {
    if (t.start < previousEnd || t.end < t.start || t.end > text.length) {
      problems.push(`token '${t.text}' at ${t.start}-${t.end} overlaps or leaves the text`);
    }
    previousEnd = t.end;
  }
  if (result.tokens.at(-1)?.type !== 'eof') problems.push('tokens do not end with eof');
  return problems;
}

/** Parses and checks the invariants that hold for any input; returns the result. */
function parseChecked(text: string, label: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => (result = parseSoql(text)), label).not.toThrow();
  expect(rangeProblems(result!, text), label).toEqual([]);
  return result!;
}

/**
 * A result without diagnostics claims a complete, well-formed query: formatting it and parsing
 * the output again must give the same tree, again without diagnostics.
 */
function expectCleanMeansWellFormed(result: ParseResult, label: string): void {
  if (result.diagnostics.length > 0) return;
  const formatted = formatSoql(result.query);
  const again = parseSoql(formatted);
  expect(again.diagnostics, `${label} -> ${formatted}`).toEqual([]);
  expect(sketchQuery(again.query), label).toBe(sketchQuery(result.query));
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

const SOUP = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'INCLUDES',
  'EXCLUDES',
  'GROUP',
  'BY',
  'ROLLUP',
  'CUBE',
  'HAVING',
  'ORDER',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'LIMIT',
  'OFFSET',
  'FOR',
  'VIEW',
  'UPDATE',
  'WITH',
  'SECURITY_ENFORCED',
  'DATA',
  'CATEGORY',
  'USING',
  'SCOPE',
  'TYPEOF',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'FIELDS',
  'ALL',
  'COUNT',
  'TRUE',
  'NULL',
  'TODAY',
  'LAST_N_DAYS',
  'Id',
  'Name',
  'Account',
  'Contacts',
  'Owner',
  'a',
  '(',
  ')',
  ',',
  '.',
  ':',
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  "'x'",
  "'",
  "'\\",
  "'\\u00",
  '\\',
  '5',
  '-1',
  '2.5',
  'USD10',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '\n',
  ' ',
  '\t',
  '\0',
  'é',
  '🚀',
  '\ud800',
];

describe('SOQL parser: hostile input', () => {
  it('survives 3,000 strings of random UTF-16 code units and reports them', () => {
    const random = prng(0x50c1);
    const { ms } = timed(() => {
      for (let n = 0; n < 3000; n++) {
        const length = Math.floor(random() * 200);
        let text = '';
        for (let i = 0; i < length; i++) {
          // Mostly ASCII (where SOQL's own characters live), some anything incl. lone surrogates.
          const code = random() < 0.8 ? Math.floor(random() * 128) : Math.floor(random() * 0x10000);
          text += String.fromCharCode(code);
        }
        const label = `random #${n}: ${JSON.stringify(text)}`;
        const result = parseChecked(text, label);
        // Random characters never spell SELECT at the start, so every one is broken input.
        if (!/^\s*select\b/i.test(text))
          expect(result.diagnostics.length, label).toBeGreaterThan(0);
        expectCleanMeansWellFormed(result, label);
      }
    });
    expect(ms).toBeLessThan(10_000);
  });

  it('survives 3,000 random token soups; clean results are well-formed', () => {
    const random = prng(0x7e57);
    for (let n = 0; n < 3000; n++) {
      const count = 1 + Math.floor(random() * 40);
      const parts = [random() < 0.7 ? 'SELECT' : ''];
      for (let i = 0; i < count; i++) parts.push(SOUP[Math.floor(random() * SOUP.length)]!);
      const text = parts.join(random() < 0.5 ? ' ' : '');
      const label = `soup #${n}: ${JSON.stringify(text)}`;
      const result = parseChecked(text, label);
      expectCleanMeansWellFormed(result, label);
    }
  });

  it('never makes the validator throw on broken input', () => {
    const catalog = fixtureCatalog();
    const random = prng(0xc4ec);
    for (let n = 0; n < 1000; n++) {
      const count = 1 + Math.floor(random() * 30);
      const parts = ['SELECT'];
      for (let i = 0; i < count; i++) parts.push(SOUP[Math.floor(random() * SOUP.length)]!);
      const text = parts.join(' ');
      let ok: boolean | undefined;
      expect(() => (ok = checkSoql(text, catalog).ok), text).not.toThrow();
      expect(typeof ok).toBe('boolean');
    }
  });

  describe('megabyte queries parse within the budget', () => {
    // Lists of numbered pieces, joined, just over a megabyte (length tracked as they grow).
    const megabyteOf = (piece: (i: number) => string, separator: string): string => {
      const pieces: string[] = [];
      for (let i = 0, length = 0; length < MEGABYTE; i++) {
        pieces.push(piece(i));
        length += pieces.at(-1)!.length + separator.length;
      }
      return pieces.join(separator);
    };
    const items = megabyteOf((i) => `'value ${i}'`, ', ');
    const conditions = megabyteOf((i) => `Name = 'n${i}'`, ' AND ');
    const fields = megabyteOf((i) => `Field${i}__c`, ', ');
    const mixed = megabyteOf((i) => `${i % 2 ? 'AND' : 'OR'} Name = 'n${i}'`, ' ').replace(
      /^OR /,
      '',
    );

    const cases: { name: string; text: string; broken: boolean }[] = [
      {
        name: 'a 1 MB IN list',
        text: `SELECT Id FROM Account WHERE Name IN (${items})`,
        broken: false,
      },
      {
        name: 'a 1 MB AND chain',
        text: `SELECT Id FROM Account WHERE ${conditions}`,
        broken: false,
      },
      {
        name: 'a 1 MB SELECT list',
        text: `SELECT ${fields} FROM Account`,
        broken: false,
      },
      {
        name: '1 MB of AND and OR mixed',
        text: `SELECT Id FROM Account WHERE ${mixed}`,
        broken: true,
      },
      {
        name: 'a 1 MB unterminated string',
        text: `SELECT Id FROM Account WHERE Name = '${'a'.repeat(MEGABYTE)}`,
        broken: true,
      },
      {
        name: '1 MB of bad escapes',
        text: `SELECT Id FROM Account WHERE Name = '${'\\q'.repeat(MEGABYTE / 2)}'`,
        broken: true,
      },
      { name: '1 MB of commas', text: `SELECT ${','.repeat(MEGABYTE)}`, broken: true },
      { name: '1 MB of open parentheses', text: '('.repeat(MEGABYTE), broken: true },
      { name: '1 MB of close parentheses', text: ')'.repeat(MEGABYTE), broken: true },
      { name: '1 MB of NUL', text: '\0'.repeat(MEGABYTE), broken: true },
      {
        name: '1 MB of WHERE',
        text: `SELECT Id FROM Account ${'WHERE '.repeat(MEGABYTE / 6)}`,
        broken: true,
      },
      { name: '1 MB of random bytes', text: randomText(prng(1), MEGABYTE), broken: true },
    ];
    for (const { name, text, broken } of cases) {
      it(name, () => {
        expect(text.length).toBeGreaterThanOrEqual(MEGABYTE);
        const { value: result, ms } = timed(() => parseChecked(text, name));
        expect(ms).toBeLessThan(MEGABYTE_BUDGET_MS);
        if (broken) expect(result.diagnostics.length).toBeGreaterThan(0);
        else expect(result.diagnostics).toEqual([]);
      });
    }
  });

  describe('deep nesting is refused with a diagnostic, not a stack overflow', () => {
    const depth = 10_000;
    const cases: { name: string; text: string }[] = [
      {
        name: '10,000 nested parentheses in WHERE',
        text: `SELECT Id FROM Account WHERE ${'('.repeat(depth)}Name = 'x'${')'.repeat(depth)}`,
      },
      {
        name: '10,000 parenthesised NOTs',
        text: `SELECT Id FROM Account WHERE ${'(NOT '.repeat(depth)}Name = 'x'${')'.repeat(depth)}`,
      },
      {
        name: '10,000 nested child subqueries',
        text: `SELECT Id, ${'(SELECT Id, '.repeat(depth)}Name FROM Contacts${')'.repeat(depth)} FROM Account`,
      },
      {
        name: '10,000 nested semi-joins',
        text: `SELECT Id FROM Account WHERE ${'Id IN (SELECT AccountId FROM Contact WHERE '.repeat(depth)}Name = 'x'${')'.repeat(depth)}`,
      },
      {
        name: '10,000 nested function calls',
        text: `SELECT ${'COUNT('.repeat(depth)}Id${')'.repeat(depth)} FROM Account`,
      },
      {
        name: '10,000 unclosed parentheses',
        text: `SELECT Id FROM Account WHERE ${'('.repeat(depth)}`,
      },
    ];
    for (const { name, text } of cases) {
      it(name, () => {
        const { value: result, ms } = timed(() => parseChecked(text, name));
        expect(ms).toBeLessThan(MEGABYTE_BUDGET_MS);
        expect(result.diagnostics.length).toBeGreaterThan(0);
        // The clause after the nesting is still read: recovery is not all-or-nothing.
        if (text.endsWith('FROM Account')) expect(result.query.from?.name.name).toBe('Account');
      });
    }
  });

  it('reports unterminated strings and broken escapes wherever they are', () => {
    const broken = [
      "SELECT Id FROM Account WHERE Name = '",
      "SELECT Id FROM Account WHERE Name = 'abc",
      "SELECT Id FROM Account WHERE Name = 'abc\\'",
      "SELECT Id FROM Account WHERE Name = 'abc\\",
      "SELECT Id FROM Account WHERE Name = '\\u",
      "SELECT Id FROM Account WHERE Name = '\\u12",
      "SELECT Id FROM Account WHERE Name = '\\u12G4'",
      "SELECT Id FROM Account WHERE Name = '\\x41'",
      "SELECT Id FROM Account WHERE Name IN ('a', 'b",
      "SELECT Id FROM Account WHERE Name IN ('a\\', 'b')",
      "SELECT 'Id FROM Account",
      "SELECT Id FROM 'Account'",
      "SELECT Id FROM Account WHERE Name = 'x' LIMIT '",
      "SELECT Id, (SELECT Id FROM Contacts WHERE Name = 'x) FROM Account",
      "'",
      '\\',
      "'\\'",
    ];
    for (const text of broken) {
      const result = parseChecked(text, text);
      expect(result.diagnostics.length, text).toBeGreaterThan(0);
    }
  });

  it('gives a tree and bounded work for every prefix of long queries (typing)', () => {
    const queries = [
      "SELECT Id, Name, Account.Owner.Manager.Name, (SELECT LastName, Email FROM Contacts WHERE Email != null ORDER BY LastName DESC NULLS LAST LIMIT 5) FROM Account WHERE (Industry = 'Energy' OR Industry = 'Utilities') AND (NOT Name LIKE 'Test%') AND CreatedDate = LAST_N_DAYS:30 ORDER BY Name LIMIT 10 OFFSET 5",
      "SELECT Subject, TYPEOF What WHEN Account THEN Name, Industry WHEN Opportunity THEN Amount ELSE Name END FROM Task WHERE ActivityDate = THIS_WEEK AND WhatId IN (SELECT Id FROM Account WHERE Name = 'O\\'Brien \\u00e9') FOR VIEW",
      'SELECT Account.Industry, CALENDAR_YEAR(CloseDate) yr, COUNT(Id), SUM(Amount) total FROM Opportunity WHERE IsWon = true AND Amount > USD5000.50 AND CloseDate > 2024-01-01 GROUP BY ROLLUP(Account.Industry, CALENDAR_YEAR(CloseDate)) HAVING COUNT(Id) > 2 ORDER BY SUM(Amount) DESC',
      "SELECT Id\nFROM Contact\nWHERE Interests__c INCLUDES ('Hiking;Cycling', 'Reading')\n  AND Birthdate < 2000-01-01\nWITH SECURITY_ENFORCED\nLIMIT 200",
    ];
    // Typing pauses after these: the text so far cannot be a complete query.
    const incompleteEnd =
      /(\b(SELECT|FROM|WHERE|AND|OR|NOT|BY|IN|LIKE|LIMIT|OFFSET|WHEN|THEN|ELSE|HAVING|WITH|FOR|INCLUDES)|[(,.=<>:'])\s*$/i;
    for (const query of queries) {
      for (let end = 0; end <= query.length; end++) {
        const text = query.slice(0, end);
        const result = parseChecked(text, text);
        if (incompleteEnd.test(text)) expect(result.diagnostics.length, text).toBeGreaterThan(0);
        expectCleanMeansWellFormed(result, text);
      }
      expect(parseSoql(query).diagnostics, query).toEqual([]);
    }
  });

  it('keeps the FROM object while the WHERE clause is being typed', () => {
    const query = "SELECT Id, Name FROM Account WHERE Name = 'Acme' AND Industry IN ('Energy')";
    const from = query.indexOf('WHERE');
    for (let end = from; end <= query.length; end++) {
      const result = parseSoql(query.slice(0, end));
      expect(result.query.from?.name.name, query.slice(0, end)).toBe('Account');
      expect(result.query.select.length, query.slice(0, end)).toBe(2);
    }
  });

  it('handles NUL, non-BMP characters, lone surrogates and a no-break space', () => {
    const cases: { text: string; clean: boolean }[] = [
      { text: "SELECT Id FROM Account WHERE Name = 'a\0b'", clean: true },
      { text: "SELECT Id FROM Account WHERE Name = '🚀 東京 \u{1F600}'", clean: true },
      { text: "SELECT Id FROM Account WHERE Name = '\ud800'", clean: true },
      { text: 'SELECT Id FROM\u00a0Account', clean: true },
      { text: 'SELECT Id\0FROM Account', clean: false },
      { text: '\0SELECT Id FROM Account', clean: false },
      { text: 'SELECT Id FROM Account\0', clean: false },
      { text: 'SELECT 🚀 FROM Account', clean: true },
      { text: 'SELECT Id FROM Account WHERE Name = ‘Acme’', clean: false },
      { text: 'SELECT Id FROM Account WHERE \udc00 = 1', clean: true },
    ];
    for (const { text, clean } of cases) {
      const label = JSON.stringify(text);
      const result = parseChecked(text, label);
      if (clean) expect(result.diagnostics, label).toEqual([]);
      else expect(result.diagnostics.length, label).toBeGreaterThan(0);
    }
  });

  it('keeps every range inside its parent for the whole corpus', () => {
    const dir = resolve(__dirname, '..', 'fixtures', 'soql');
    for (const file of [
      'select.json',
      'relationships.json',
      'where.json',
      'aggregates.json',
      'clauses.json',
      'invalid-syntax.json',
    ]) {
      const entries = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as { query: string }[];
      for (const { query } of entries) parseChecked(query, `${file}: ${query}`);
    }
  });
});

function randomText(random: () => number, length: number): string {
  const codes = new Uint16Array(length);
  for (let i = 0; i < length; i++) codes[i] = Math.floor(random() * 0x10000);
  let text = '';
  for (let i = 0; i < length; i += 8192) {
    text += String.fromCharCode(...codes.subarray(i, i + 8192));
  }
  return text;
}
