import { describe, expect, it } from 'vitest';
import {
  formatSoql,
  lineColumnAt,
  lineColumnIndex,
  parseSoql,
  salesforceErrorMessage,
  type Comparison,
  type FieldPath,
  type SelectExpr,
} from '../../src-shared/soql';

function firstSelectPath(text: string): FieldPath {
  const item = parseSoql(text).query.select[0] as SelectExpr;
  return item.expr as FieldPath;
}

describe('parser ranges', () => {
  it('gives every path segment the offsets of its text', () => {
    const text = 'SELECT Account.Owner.Name FROM Contact';
    const path = firstSelectPath(text);
    expect(path.path.map((p) => text.slice(p.range.start, p.range.end))).toEqual([
      'Account',
      'Owner',
      'Name',
    ]);
    expect(text.slice(path.range.start, path.range.end)).toBe('Account.Owner.Name');
  });

  it('keeps the ranges of a WHERE comparison and its operator', () => {
    const text = "SELECT Id FROM Lead WHERE Status NOT IN ('Open', 'Closed')";
    const where = parseSoql(text).query.where as Comparison;
    expect(where.operator).toBe('NOT IN');
    expect(text.slice(where.operatorRange.start, where.operatorRange.end)).toBe('NOT IN');
    expect(text.slice(where.range.start, where.range.end)).toBe("Status NOT IN ('Open', 'Closed')");
  });
});

describe('parser recovery', () => {
  it('leaves an empty name where a field is expected after a comma', () => {
    const text = 'SELECT Id, FROM Account';
    const { query, diagnostics } = parseSoql(text);
    const missing = (query.select[1] as SelectExpr).expr as FieldPath;
    expect(missing.path[0]!.name).toBe('');
    expect(query.from?.name.name).toBe('Account');
    expect(diagnostics[0]).toMatchObject({
      errorCode: 'MALFORMED_QUERY',
      message: "unexpected token: 'FROM'",
    });
  });

  it('leaves an empty last segment after a trailing dot', () => {
    const path = firstSelectPath('SELECT Account. FROM Contact');
    expect(path.path.map((p) => p.name)).toEqual(['Account', '']);
  });

  it('reports the second operator when AND and OR are mixed without parentheses', () => {
    const text = "SELECT Id FROM Contact WHERE A__c = 1 AND B__c = 2 OR C__c = 'x'";
    const { diagnostics } = parseSoql(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toBe("unexpected token: 'OR'");
    expect(lineColumnAt(text, diagnostics[0]!.range.start)).toEqual({ line: 1, column: 52 });
  });

  it('accepts NOT heading a group and rejects it after AND', () => {
    expect(
      parseSoql("SELECT Id FROM Account WHERE Name != null AND (NOT Type = 'x')").diagnostics,
    ).toEqual([]);
    const bad = parseSoql("SELECT Id FROM Account WHERE Name != null AND NOT (Type = 'x')");
    expect(bad.diagnostics[0]!.message).toBe("unexpected token: 'NOT'");
  });

  it('reports a clause out of order at its keyword but keeps it in the tree', () => {
    const text = "SELECT Id FROM Account LIMIT 5 WHERE Name = 'x'";
    const { query, diagnostics } = parseSoql(text);
    expect(diagnostics[0]!.message).toBe("unexpected token: 'WHERE'");
    expect(query.limit?.value).toBe(5);
    expect(query.where?.kind).toBe('compare');
  });

  it('reports an empty query once, at the end of the text', () => {
    for (const text of ['', '   ']) {
      const { diagnostics } = parseSoql(text);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]!.message).toBe("unexpected token: '<EOF>'");
    }
  });

  it('reports the end of text when a query stops early', () => {
    const { diagnostics } = parseSoql('SELECT Id FROM');
    expect(diagnostics[0]!.message).toBe("unexpected token: '<EOF>'");
  });

  it('names an illegal escape the way the org does', () => {
    const { diagnostics } = parseSoql("SELECT Id FROM Account WHERE Name = 'a\\d'");
    expect(diagnostics[0]!.message).toBe(
      "Invalid string literal 'a\\d'. Illegal character sequence '\\d' in string literal.",
    );
  });

  it('refuses Apex bind variables', () => {
    const { diagnostics } = parseSoql('SELECT Id FROM Account WHERE Id IN :ids');
    expect(diagnostics[0]!.message).toBe('Bind variables only allowed in Apex code');
  });
});

describe('positional error messages', () => {
  it('builds the excerpt, caret and Row/Column header', () => {
    const text = 'SELECT Id\nFROM Account\nWHERE Name = 1 AND Type = 2 OR X = 3';
    const { diagnostics } = parseSoql(text);
    const message = salesforceErrorMessage(text, diagnostics[0]!);
    expect(message).toContain('ERROR at Row:3:Column:29');
    const [, excerpt, caret] = message.split('\n');
    expect(excerpt!.slice(caret!.indexOf('^'), caret!.indexOf('^') + 2)).toBe('OR');
  });
});

describe('formatter layout', () => {
  it('keeps a short query on one line with upper-case keywords', () => {
    const { query } = parseSoql('select id, name from account where name != null limit 5');
    expect(formatSoql(query)).toBe('SELECT id, name FROM account WHERE name != NULL LIMIT 5');
  });

  it('puts each clause and each AND operand of a long query on its own line', () => {
    const { query } = parseSoql(
      "SELECT Id, Name, Account.Name FROM Contact WHERE Account.Industry = 'Energy' AND LeadSource = 'Web' AND Email != null AND Title != null ORDER BY Name",
    );
    expect(formatSoql(query)).toBe(
      [
        'SELECT Id, Name, Account.Name',
        'FROM Contact',
        "WHERE Account.Industry = 'Energy'",
        "  AND LeadSource = 'Web'",
        '  AND Email != NULL',
        '  AND Title != NULL',
        'ORDER BY Name',
      ].join('\n'),
    );
  });
});

describe('diagnostic limits', () => {
  it('places offsets with a line index exactly as lineColumnAt does', () => {
    const text = 'SELECT Id\nFROM Account\r\n\nWHERE Name = 1';
    const positionOf = lineColumnIndex(text);
    for (let offset = 0; offset <= text.length + 2; offset++) {
      expect(positionOf(offset)).toEqual(lineColumnAt(text, offset));
    }
  });

  it('keeps at most a hundred diagnostics and shortens a huge token in a message', () => {
    const mixed = Array.from({ length: 5000 }, (_, i) => `F${i}__c = 1`)
      .join(' AND ')
      .replace(/ AND (F\d*[13579]__c)/g, ' OR $1');
    const { diagnostics } = parseSoql(`SELECT Id FROM Account WHERE ${mixed}`);
    expect(diagnostics.length).toBeGreaterThan(1);
    expect(diagnostics.length).toBeLessThanOrEqual(100);
    const huge = parseSoql(`SELECT Id FROM Account WHERE Name = ${'x'.repeat(10_000)}`);
    expect(huge.diagnostics[0]!.message.length).toBeLessThan(100);
  });
});

describe('string escapes', () => {
  it('gives an escaped LIKE wildcard its plain meaning in the value and keeps the raw text', () => {
    const literal = (text: string) =>
      (parseSoql(`SELECT Id FROM Account WHERE Name LIKE ${text}`).query.where as Comparison).right;
    // 'a\_b' (a literal underscore) and 'a\\_b' (a backslash, then a wildcard) must differ.
    expect(literal("'a\\_b'")).toMatchObject({ value: 'a_b', raw: "'a\\_b'" });
    expect(literal("'a\\\\_b'")).toMatchObject({ value: 'a\\_b', raw: "'a\\\\_b'" });
  });
});
