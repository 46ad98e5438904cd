// Where objects and fields live in a database. The compiler asks only these two questions, so
// any storage can answer them: Heroku Connect's mapped tables (src-shared/mapping
// herokuConnectSchema), or a local org keeping one table per object with an Id column.
//
// Storage conventions the compiler relies on:
// - Ids are 18-character Salesforce Ids, unique across tables, starting with the object's key
//   prefix. A polymorphic lookup (WhoId, WhatId, OwnerId) finds its target's type by which
//   target table holds the Id, else by the key prefix (describeGlobal's keyPrefix). Nothing
//   else is needed: no type column.
// - Postgres: Heroku Connect's column types (heroku-connect.md §6.3): boolean, double precision,
//   integer, date, timestamp without time zone holding UTC.
// - SQLite: booleans as 0/1, numbers as INTEGER/REAL, dates as `YYYY-MM-DD` text, datetimes as
//   `YYYY-MM-DDTHH:MM:SS.sssZ` UTC text (exactly what Date#toISOString gives: comparisons are
//   textual, so every value must have this one form), times as `HH:MM:SS.sss` text,
//   multi-select picklists as `a;b;c`.

export interface PhysicalTable {
  /** Qualified name as parts: `['salesforce', 'account']`, or `['Account']` for a local table. */
  name: readonly string[];
  /** The column holding the record's Salesforce Id (`sfid` for Heroku Connect). */
  idColumn: string;
}

export interface PhysicalSchema {
  /** The table of an object (names are case-insensitive, as in SOQL); undefined: not stored. */
  table(objectName: string): PhysicalTable | undefined;
  /** The column of a field; undefined when the field is not stored (not mapped). */
  column(objectName: string, fieldName: string): string | undefined;
}

/** The SQLite column type that holds a field of this Salesforce type, per the conventions above. */
export function sqliteColumnType(fieldType: string): 'INTEGER' | 'REAL' | 'TEXT' {
  switch (fieldType) {
    case 'boolean':
    case 'int':
    case 'long':
      return 'INTEGER';
    case 'double':
    case 'currency':
    case 'percent':
      return 'REAL';
    default:
      return 'TEXT';
  }
}
