// The SOQL corpus (test/fixtures/soql/*.json): every valid query must parse without a
// diagnostic into the tree its entry sketches, pass the validator against the fixture org, and
// survive parse -> format -> parse unchanged; every invalid query must fail with the errorCode,
// message, line and column its entry names (syntax errors from the parser, semantic ones from
// the validator).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSoql, formatSoql, lineColumnAt, parseSoql } from '../../src-shared/soql';
import { fixtureCatalog } from '../support/describes';
import { sketchQuery } from '../support/soql-sketch';

const CORPUS_DIR = resolve(__dirname, '..', 'fixtures', 'soql');

interface ExpectedError {
  errorCode: string;
  message: string;
  line: number;
  column: number;
}

interface CorpusEntry {
  query: string;
  note: string;
  tags?: string[];
  /** API version to validate with (nested subqueries need 58.0+); the validator's default otherwise. */
  apiVersion?: string;
  /** false for queries on objects outside the fixture org (Knowledge): parsed, not validated. */
  validates?: boolean;
  tree?: string;
  error?: ExpectedError;
}

interface LoadedEntry extends CorpusEntry {
  file: string;
  index: number;
  /** Short test title: file#index and the start of the query on one line. */
  title: string;
}

function loadCorpus(): LoadedEntry[] {
  const files = readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return files.flatMap((file) => {
    const entries = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as CorpusEntry[];
    return entries.map((entry, index) => {
      const oneLine = entry.query.replace(/\s+/g, ' ').trim();
      const excerpt = oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine;
      return { ...entry, file, index, title: `${file}#${index}: ${excerpt}` };
    });
  });
}

const corpus = loadCorpus();
const valid = corpus.filter((entry) => entry.tree !== undefined);
const syntaxErrors = corpus.filter((entry) => entry.error && entry.file.includes('syntax'));
const semanticErrors = corpus.filter((entry) => entry.error && entry.file.includes('semantic'));
const catalog = fixtureCatalog();

function validateOptions(entry: CorpusEntry): { apiVersion?: string } {
  return entry.apiVersion ? { apiVersion: entry.apiVersion } : {};
}

describe('SOQL corpus: shape', () => {
  it('holds at least 300 queries, 60 of them relationship queries', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const relationships = corpus.filter((entry) => entry.tags?.includes('relationship'));
    expect(relationships.length).toBeGreaterThanOrEqual(60);
  });

  it('gives every entry a query, a note and exactly one of tree or error', () => {
    for (const entry of corpus) {
      expect(typeof entry.query, entry.title).toBe('string');
      expect(entry.note.length, entry.title).toBeGreaterThan(0);
      expect(entry.tree === undefined, entry.title).toBe(entry.error !== undefined);
      if (entry.error) {
        expect(Object.keys(entry.error).sort(), entry.title).toEqual([
          'column',
          'errorCode',
          'line',
          'message',
        ]);
      }
    }
  });

  it('keeps every invalid entry in an invalid-syntax or invalid-semantic file', () => {
    const invalid = corpus.filter((entry) => entry.error);
    expect(syntaxErrors.length + semanticErrors.length).toBe(invalid.length);
    expect(syntaxErrors.length).toBeGreaterThan(0);
    expect(semanticErrors.length).toBeGreaterThan(0);
  });

  it('has no query twice', () => {
    const seen = new Map<string, string>();
    for (const entry of corpus) {
      expect(seen.get(entry.query), `${entry.title} repeats an earlier entry`).toBeUndefined();
      seen.set(entry.query, entry.title);
    }
  });

  it('validates most valid queries against the fixture org', () => {
    const skipped = valid.filter((entry) => entry.validates === false);
    expect(skipped.length).toBeLessThan(valid.length / 20);
  });

  it('has multi-line queries, and errors reported past row 1 in both invalid files', () => {
    expect(valid.filter((entry) => entry.query.includes('\n')).length).toBeGreaterThanOrEqual(10);
    expect(syntaxErrors.some((entry) => entry.error!.line > 2)).toBe(true);
    expect(semanticErrors.some((entry) => entry.error!.line > 2)).toBe(true);
  });

  // Each grammar item of issue 3 appears in at least one valid tree, so the corpus cannot lose
  // coverage of an item silently.
  const grammarItems: [string, RegExp][] = [
    ['child-to-parent path of four hops (five levels)', /\s\w+\.\w+\.\w+\.\w+\.\w+[\s)]/],
    ['custom relationship __r', /__r\./],
    ['parent-to-child subquery', /\(sub \(query/],
    ['nested subqueries (API >= 58)', /\(sub \(query \(select [^()]*\(sub \(query/],
    ['TYPEOF with ELSE', /\(typeof \S+ \(when .*\(else /],
    ['alias', /\(as /],
    ['=', /\(= /],
    ['!=', /\(!= /],
    ['<', /\(< /],
    ['<=', /\(<= /],
    ['>', /\(> /],
    ['>=', /\(>= /],
    ['LIKE', /\(like /],
    ['IN list', /\(in \S+ \(list /],
    ['NOT IN list', /\(not-in \S+ \(list /],
    ['INCLUDES', /\(includes /],
    ['EXCLUDES', /\(excludes /],
    ['AND', /\(and /],
    ['OR', /\(or /],
    ['NOT', /\(not /],
    ['semi-join', /\(in \S+ \(semi /],
    ['anti-join', /\(not-in \S+ \(semi /],
    ['date literal', /\sTHIS_QUARTER[\s)]/],
    ['parametric date literal', /LAST_N_DAYS:\d+/],
    ['date', /\s\d{4}-\d{2}-\d{2}[\s)]/],
    ['datetime with Z', /T\d{2}:\d{2}:\d{2}Z/],
    ['datetime with an offset', /T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}/],
    ['datetime with fractional seconds', /T\d{2}:\d{2}:\d{2}\.\d+/],
    ['escaped quote in a string', /\\'/],
    ['currency literal', /\s[A-Z]{3}\d+/],
    ['GROUP BY', /\(group [^(]/],
    ['GROUP BY ROLLUP', /\(group \(rollup /],
    ['GROUP BY CUBE', /\(group \(cube /],
    ['GROUPING()', /\(grouping /],
    ['HAVING', /\(having /],
    ['COUNT()', /\(count\)/],
    ['COUNT(field)', /\(count \w/],
    ['COUNT_DISTINCT', /\(count_distinct /],
    ['AVG', /\(avg /],
    ['MIN', /\(min /],
    ['MAX', /\(max /],
    ['SUM', /\(sum /],
    ['date function', /\(calendar_year /],
    ['convertTimezone', /\(converttimezone /],
    ['FORMAT', /\(format /],
    ['toLabel', /\(tolabel /],
    ['convertCurrency', /\(convertcurrency /],
    ['DISTANCE/GEOLOCATION', /\(distance \S+ \(geolocation /],
    ['ORDER BY', /\(order /],
    ['NULLS FIRST', /nulls-first/],
    ['NULLS LAST', /nulls-last/],
    ['LIMIT', /\(limit /],
    ['OFFSET', /\(offset /],
    ['FOR VIEW', /\(for view\)/],
    ['FOR REFERENCE', /\(for reference\)/],
    ['FOR UPDATE', /\(for update\)/],
    ['UPDATE TRACKING', /\(update tracking\)/],
    ['UPDATE VIEWSTAT', /\(update viewstat\)/],
    ['WITH SECURITY_ENFORCED', /\(with security_enforced\)/],
    ['WITH USER_MODE', /\(with user_mode\)/],
    ['WITH SYSTEM_MODE', /\(with system_mode\)/],
    ['WITH DATA CATEGORY', /\(with data-category /],
    ['USING SCOPE', /\(scope /],
    ['FROM alias', /\(from \w+ \w+[\s)]/],
    ['FIELDS(ALL)', /\(fields all\)/],
    ['FIELDS(STANDARD)', /\(fields standard\)/],
    ['FIELDS(CUSTOM)', /\(fields custom\)/],
  ];
  it.each(grammarItems)('covers %s', (_item, pattern) => {
    expect(valid.some((entry) => pattern.test(entry.tree!))).toBe(true);
  });
});

describe('SOQL corpus: valid queries', () => {
  for (const entry of valid) {
    it(entry.title, () => {
      const parsed = parseSoql(entry.query);
      expect(parsed.diagnostics).toEqual([]);
      expect(sketchQuery(parsed.query)).toBe(entry.tree);

      if (entry.validates !== false) {
        expect(checkSoql(entry.query, catalog, validateOptions(entry))).toEqual({
          ok: true,
          diagnostics: [],
        });
      }

      // Round trip: the formatted text parses back to the same tree, and formatting is stable.
      const formatted = formatSoql(parsed.query);
      const reparsed = parseSoql(formatted);
      expect(reparsed.diagnostics, formatted).toEqual([]);
      expect(sketchQuery(reparsed.query), formatted).toBe(entry.tree);
      expect(formatSoql(reparsed.query)).toBe(formatted);
    });
  }
});

describe('SOQL corpus: syntax errors (parser)', () => {
  for (const entry of syntaxErrors) {
    it(entry.title, () => {
      const parsed = parseSoql(entry.query);
      const first = parsed.diagnostics[0];
      expect(first, 'the parser reports a diagnostic').toBeDefined();
      expect({
        errorCode: first!.errorCode,
        message: first!.message,
        ...lineColumnAt(entry.query, first!.range.start),
      }).toEqual(entry.error);
      // The CLI's check reports the same first problem.
      const checked = checkSoql(entry.query, catalog, validateOptions(entry));
      expect(checked.ok).toBe(false);
      expect(checked.diagnostics[0]).toEqual(entry.error);
    });
  }
});

describe('SOQL corpus: semantic errors (validator)', () => {
  for (const entry of semanticErrors) {
    it(entry.title, () => {
      // A semantic error is one the grammar accepts.
      expect(parseSoql(entry.query).diagnostics).toEqual([]);
      const checked = checkSoql(entry.query, catalog, validateOptions(entry));
      expect(checked.ok).toBe(false);
      expect(checked.diagnostics[0]).toEqual(entry.error);
    });
  }
});
