// Where objects and fields live in a database. The compiler asks only these two questions, so
// any storage can answer them: Heroku Connect's mapped tables (below), or a local org keeping
// one table per object with an Id column.
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

/** One mapped object: the shape of a Heroku Connect mapping (`Mapping` satisfies it). */
export interface MappedObject {
  objectName: string;
  fields: readonly string[];
}

export type HerokuConnectSchemaInput =
  | { schemaName?: string; mappings: readonly MappedObject[] }
  | { schemaName?: string; objects: Readonly<Record<string, readonly string[]>> };

// Postgres truncates identifiers to 63 bytes; Connect's names are ASCII API names.
const MAX_IDENTIFIER = 63;

/**
 * Heroku Connect's layout (heroku-connect.md §1.1-1.2): one table per mapped object in the
 * connection's schema (default `salesforce`), named by the lower-cased API name; columns are
 * lower-cased field names, and the record Id lives in `sfid`. Lookups hold 18-character Ids, so
 * a join is `child.<lookup> = parent.sfid`. Only mapped fields have columns.
 */
export function herokuConnectSchema(input: HerokuConnectSchemaInput): PhysicalSchema {
  const schemaName = input.schemaName ?? 'salesforce';
  const objects =
    'mappings' in input
      ? input.mappings.map((m) => [m.objectName, m.fields] as const)
      : Object.entries(input.objects);
  const tables = new Map<string, { table: PhysicalTable; columns: Map<string, string> }>();
  for (const [objectName, fields] of objects) {
    const columns = new Map<string, string>();
    for (const field of fields) {
      const lower = field.toLowerCase();
      columns.set(lower, (lower === 'id' ? 'sfid' : lower).slice(0, MAX_IDENTIFIER));
    }
    // Every mapped table has sfid, whether or not the mapping lists Id.
    columns.set('id', 'sfid');
    const table = {
      name: [schemaName, objectName.toLowerCase().slice(0, MAX_IDENTIFIER)],
      idColumn: 'sfid',
    };
    tables.set(objectName.toLowerCase(), { table, columns });
  }
  return {
    table: (objectName) => tables.get(objectName.toLowerCase())?.table,
    column: (objectName, fieldName) =>
      tables.get(objectName.toLowerCase())?.columns.get(fieldName.toLowerCase()),
  };
}
