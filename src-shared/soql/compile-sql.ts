// SQL text helpers for the compiler: identifier quoting, parameter placeholders and the error
// the compiler raises. Values never enter the SQL text: each becomes a marker while the query
// is built (fragments are assembled out of order: joins are found while compiling SELECT and
// WHERE), and one final pass turns the markers into `?` or `$n` in text order.

import type { Range } from './ast';

export type SqlDialect = 'sqlite' | 'postgres';

/** A query the compiler cannot turn into SQL. The message says what and how to fix it. */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    message: string,
    /** Where in the SOQL text, when the problem has a place. */
    readonly range?: Range,
  ) {
    super(message);
  }
}

// NUL cannot appear in a quoted identifier (quoteIdentifier refuses it), so markers are
// unambiguous even when names are hostile.
const MARK = '\u0000';
const MARKER = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

/** `"name"` with embedded quotes doubled, as both SQLite and Postgres read it. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) {
    throw new CompileError(
      'The schema gave an empty table or column name; give every mapped object and field a name.',
    );
  }
  if (name.includes(MARK)) {
    throw new CompileError(
      `The table or column name ${JSON.stringify(name)} contains a NUL character, which SQL ` +
        'identifiers cannot hold; rename it in the schema.',
    );
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"salesforce"."account"` from its parts. */
export function qualifiedName(parts: readonly string[]): string {
  if (parts.length === 0) throw new CompileError('The schema gave a table with no name.');
  return parts.map(quoteIdentifier).join('.');
}

/** Collects parameter values and renders the final text with the dialect's placeholders. */
export class ParamList {
  private readonly values: unknown[] = [];

  /** A placeholder for `value`, to be written into SQL text. */
  add(value: unknown): string {
    this.values.push(value);
    return `${MARK}${this.values.length - 1}${MARK}`;
  }

  /** Placeholders in text order; a fragment used twice binds its values twice. */
  render(text: string, dialect: SqlDialect): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const sql = text.replace(MARKER, (_match, index: string) => {
      params.push(this.values[Number(index)]);
      return dialect === 'sqlite' ? '?' : `$${params.length}`;
    });
    return { sql, params };
  }
}
