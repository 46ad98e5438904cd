// Reading back what was applied, and printing a plan as one SQL script.

import type { DescribeCatalog } from '../salesforce';
import { SYSTEM_COLUMNS } from './columns';
import { ConnectExportError, parseConnectExport } from './export-json';
import { createMapping, type Mapping, type MappingDocument, type MappingIndex } from './model';
import {
  relationshipExternalIdFieldName,
  resolveMappedField,
  tableNameFor,
  triggerNames,
} from './naming';
import type { SchemaPlan } from './plan';
import type { DatabaseSnapshot, SnapshotTable } from './snapshot';

/**
 * The mapping document the last apply recorded in _hcmeta.details, or undefined when there is
 * none (a fresh database, or one created by Heroku Connect, whose details are not an export).
 */
export function appliedMappings(snapshot: DatabaseSnapshot): MappingDocument | undefined {
  for (const row of [...snapshot.hcmeta].reverse()) {
    if (!row.details) continue;
    try {
      return parseConnectExport(row.details);
    } catch (error) {
      if (error instanceof ConnectExportError) continue;
      throw error;
    }
  }
  return undefined;
}

/**
 * Mappings read back from the tables themselves, for a database whose _hcmeta holds no export
 * (one Heroku Connect made). With a catalog, objects and fields get their Salesforce spelling;
 * without one they stay lower-case. Access comes from the log function (READONLY or not), the
 * unique identifier from a unique hc index on a column other than sfid. Polling options are
 * not stored in the database, so they are the defaults.
 */
export function mappingsFromSnapshot(
  snapshot: DatabaseSnapshot,
  catalog?: DescribeCatalog,
): MappingDocument {
  const mappings = snapshot.tables
    .filter((t) => t.mapped)
    .map((table) => mappingFromTable(snapshot, table, catalog));
  return { version: 1, mappings };
}

function mappingFromTable(
  snapshot: DatabaseSnapshot,
  table: SnapshotTable,
  catalog: DescribeCatalog | undefined,
): Mapping {
  const objectName = catalog?.describe(table.name)?.name ?? table.name;
  const fieldFor = (column: string): string => {
    if (column === SYSTEM_COLUMNS.sfid) return 'Id';
    if (!catalog) return column;
    const resolved = resolveMappedField(catalog, objectName, column);
    if (resolved.kind === 'field') return resolved.describe.name;
    if (resolved.kind === 'relationship_external_id') {
      return relationshipExternalIdFieldName(
        resolved.lookup,
        resolved.parentField?.name ?? resolved.externalIdFieldName,
      );
    }
    return column;
  };
  const position = (column: string) => table.columns.findIndex((c) => c.name === column);
  const skip = new Set<string>([SYSTEM_COLUMNS.id, SYSTEM_COLUMNS.lastop, SYSTEM_COLUMNS.err]);
  const fields = table.columns.filter((c) => !skip.has(c.name)).map((c) => fieldFor(c.name));
  const logger = snapshot.functions.find((f) => f.name === triggerNames.logFunction(table.name));
  const access = logger && !logger.source.includes(`'READONLY'`) ? 'read_write' : 'read_only';
  const indexes: MappingIndex[] = table.indexes
    .filter(
      (i) =>
        i.columns.length === 1 &&
        i.predicate === null &&
        (i.name.startsWith(`hc_idx_${table.name}_`) || i.name.startsWith(`hcu_idx_${table.name}_`)),
    )
    // In column order: Id and SystemModstamp lead, as in Heroku Connect's exports.
    .sort((a, b) => position(a.columns[0]!) - position(b.columns[0]!))
    .map((i) => ({ field: fieldFor(i.columns[0]!), unique: i.unique }));
  const upsert = indexes.find((i) => i.unique && i.field !== 'Id');
  return createMapping(objectName, {
    access,
    fields,
    indexes,
    ...(access === 'read_write' && upsert ? { upsertField: upsert.field } : {}),
  });
}

/** The plan as a script: purposes as comments, statements ending in semicolons. */
export function planToSql(plan: SchemaPlan): string {
  const header = [
    `-- Connect Studio schema plan for "${plan.schemaName}": ${plan.statements.length} statement(s).`,
    ...plan.warnings.map((w) => `-- warning: ${oneLine(w.message)}`),
  ];
  const body = plan.statements.map(
    (s) => `-- ${s.destructive ? '[destructive] ' : ''}${oneLine(s.purpose)}\n${s.sql};`,
  );
  return `${[header.join('\n'), ...body].join('\n\n')}\n`;
}

/** Comments hold names from mappings: a line break in one must not end the comment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ');
}

/**
 * The recorded document split by whether each mapping's table still exists: someone may have
 * dropped a table since the apply. `notes` names each one left out, ending with what that means
 * for the caller's work (`consequence`, e.g. "it is not synced").
 */
export function withoutDroppedTables(
  applied: MappingDocument,
  snapshot: DatabaseSnapshot,
  consequence: string,
): { document: MappingDocument; missing: Mapping[]; notes: string[] } {
  const tables = new Set(snapshot.tables.filter((t) => t.mapped).map((t) => t.name));
  const missing = applied.mappings.filter((m) => !tables.has(tableNameFor(m.objectName)));
  const notes = missing.map(
    (m) =>
      `${m.objectName} is recorded as applied but table ` +
      `${snapshot.schemaName}.${tableNameFor(m.objectName)} is gone; ${consequence}.`,
  );
  if (missing.length === 0) return { document: applied, missing, notes };
  return {
    document: { ...applied, mappings: applied.mappings.filter((m) => !missing.includes(m)) },
    missing,
    notes,
  };
}
