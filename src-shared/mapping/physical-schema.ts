// Heroku Connect's tables as the SOQL compiler sees them: which table an object lives in and
// which column a field, named exactly as the planner names them.
import type { PhysicalSchema, PhysicalTable } from '../soql';
import { DEFAULT_SCHEMA_NAME } from './model';
import { columnNameFor, tableNameFor } from './naming';

/** One mapped object: the shape of a Heroku Connect mapping (`Mapping` satisfies it). */
export interface MappedObject {
  objectName: string;
  fields: readonly string[];
}

export type HerokuConnectSchemaInput =
  | { schemaName?: string; mappings: readonly MappedObject[] }
  | { schemaName?: string; objects: Readonly<Record<string, readonly string[]>> };

/**
 * Heroku Connect's layout (heroku-connect.md §1.1-1.2): one table per mapped object in the
 * connection's schema (default `salesforce`), named by the lower-cased API name; columns are
 * lower-cased field names, and the record Id lives in `sfid`. Lookups hold 18-character Ids, so
 * a join is `child.<lookup> = parent.sfid`. Only mapped fields have columns.
 */
export function herokuConnectSchema(input: HerokuConnectSchemaInput): PhysicalSchema {
  const schemaName = input.schemaName ?? DEFAULT_SCHEMA_NAME;
  const objects =
    'mappings' in input
      ? input.mappings.map((m) => [m.objectName, m.fields] as const)
      : Object.entries(input.objects);
  const tables = new Map<string, { table: PhysicalTable; columns: Map<string, string> }>();
  for (const [objectName, fields] of objects) {
    const columns = new Map<string, string>();
    for (const field of fields) columns.set(field.toLowerCase(), columnNameFor(field));
    // Every mapped table has sfid, whether or not the mapping lists Id.
    columns.set('id', columnNameFor('Id'));
    const table = { name: [schemaName, tableNameFor(objectName)], idColumn: columnNameFor('Id') };
    tables.set(objectName.toLowerCase(), { table, columns });
  }
  return {
    table: (objectName) => tables.get(objectName.toLowerCase())?.table,
    column: (objectName, fieldName) =>
      tables.get(objectName.toLowerCase())?.columns.get(fieldName.toLowerCase()),
  };
}
