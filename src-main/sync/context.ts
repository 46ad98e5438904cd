// What the engine knows about one mapping, worked out once from the mapping and the describes:
// which column holds which field, what can be read and what can be sent, and how a relationship
// external-ID column turns into a reference. The reader and the writer share it.

import {
  mappedTable,
  qualifiedName,
  SYSTEM_COLUMNS,
  type Mapping,
  type MappedTable,
} from '../../src-shared/mapping';
import type { DescribeCatalog, FieldDescribe, SObjectDescribe } from '../../src-shared/salesforce';

/** A column filled from Salesforce on reads. */
export interface ReadColumn {
  column: string;
  /** The SOQL path to select: `Name`, or `Account.External_ID__c` for a relationship ext-ID column. */
  path: string;
  /** The Salesforce type of the value (`string`, `datetime`, `boolean`, …). */
  type: string;
  sqlType: string;
}

/** A column whose changes are sent to Salesforce. */
export type WriteColumn =
  | {
      kind: 'field';
      column: string;
      field: string;
      type: string;
      createable: boolean;
      updateable: boolean;
    }
  | {
      /** `account__external_id__c`: sent as `Account: { External_ID__c: value }`. */
      kind: 'reference';
      column: string;
      relationshipName: string;
      parentObject: string;
      parentExternalIdField: string;
      /** The lookup field (`AccountId`) and its column when the mapping has it too. */
      lookupField: string;
      lookupColumn?: string;
      createable: boolean;
      updateable: boolean;
    };

export interface MappingContext {
  mapping: Mapping;
  objectName: string;
  /** Unquoted table name (`account`) as _trigger_log.table_name holds it. */
  table: string;
  /** `"salesforce"."account"`, ready for SQL. */
  qualifiedTable: string;
  schemaName: string;
  describe: SObjectDescribe;
  mapped: MappedTable;
  readWrite: boolean;
  readColumns: ReadColumn[];
  /** By column name. Columns that can never be sent (formulas, system fields) are absent. */
  writeColumns: Map<string, WriteColumn>;
  /** The unique identifier (upsert field) and its column. */
  upsertField?: string;
  upsertColumn?: string;
  /** SystemModstamp, or LastModifiedDate for objects without it (reference §1.2). */
  pollField: 'SystemModstamp' | 'LastModifiedDate';
  /** Whether the object has IsDeleted (queryAll shows deletes); User, RecordType… do not. */
  hasIsDeleted: boolean;
}

export class MappingContextError extends Error {
  override readonly name = 'MappingContextError';
}

const NEVER_SENT: ReadonlySet<string> = new Set([
  SYSTEM_COLUMNS.id,
  SYSTEM_COLUMNS.sfid,
  SYSTEM_COLUMNS.systemmodstamp,
  SYSTEM_COLUMNS.isdeleted,
  SYSTEM_COLUMNS.lastop,
  SYSTEM_COLUMNS.err,
]);

/**
 * The engine's view of each mapping. A mapping whose object is not in the catalog cannot be
 * synced: it is reported in `problems` (one sentence each) and left out.
 */
export function buildMappingContexts(
  mappings: readonly Mapping[],
  catalog: DescribeCatalog,
  schemaName: string,
): { contexts: MappingContext[]; problems: string[] } {
  const contexts: MappingContext[] = [];
  const problems: string[] = [];
  for (const mapping of mappings) {
    try {
      contexts.push(buildMappingContext(mapping, catalog, schemaName));
    } catch (error) {
      if (!(error instanceof MappingContextError)) throw error;
      problems.push(error.message);
    }
  }
  return { contexts, problems };
}

export function buildMappingContext(
  mapping: Mapping,
  catalog: DescribeCatalog,
  schemaName: string,
): MappingContext {
  const describe = catalog.describe(mapping.objectName);
  const mapped = mappedTable(mapping, catalog);
  if (!describe || !mapped) {
    throw new MappingContextError(
      `The mapping of ${mapping.objectName} cannot be synced: the org has no object of that name ` +
        `(or the integration user cannot see it). Remove the mapping or fix the object name.`,
    );
  }
  const field = (name: string): FieldDescribe | undefined =>
    catalog.field(mapping.objectName, name);
  const hasSystemModstamp = field('SystemModstamp') !== undefined;
  if (!hasSystemModstamp && !field('LastModifiedDate')) {
    throw new MappingContextError(
      `The mapping of ${mapping.objectName} cannot be synced: the object has neither ` +
        `SystemModstamp nor LastModifiedDate, so its changes cannot be polled.`,
    );
  }

  const readColumns: ReadColumn[] = [];
  const writeColumns = new Map<string, WriteColumn>();
  const columnOfField = new Map<string, string>();
  for (const column of mapped.columns) {
    if (column.field) columnOfField.set(column.field.toLowerCase(), column.name);
  }

  for (const column of mapped.columns) {
    if (!column.field) continue; // id, _hc_lastop, _hc_err
    const resolved = mapped.resolved.get(column.field);
    if (column.role === 'system') {
      const describeOf = field(column.field);
      readColumns.push({
        column: column.name,
        path: describeOf?.name ?? column.field,
        type: describeOf?.type ?? (column.field === 'Id' ? 'id' : 'string'),
        sqlType: column.sqlType,
      });
      continue;
    }
    if (resolved?.kind === 'field') {
      const d = resolved.describe;
      readColumns.push({
        column: column.name,
        path: d.name,
        type: d.type,
        sqlType: column.sqlType,
      });
      if (!NEVER_SENT.has(column.name) && (d.createable || d.updateable) && !d.calculated) {
        writeColumns.set(column.name, {
          kind: 'field',
          column: column.name,
          field: d.name,
          type: d.type,
          createable: d.createable,
          updateable: d.updateable,
        });
      }
      continue;
    }
    if (resolved?.kind === 'relationship_external_id' && resolved.parentObject) {
      const parentField = resolved.parentField;
      readColumns.push({
        column: column.name,
        path: `${resolved.relationshipName}.${parentField?.name ?? resolved.externalIdFieldName}`,
        type: parentField?.type ?? 'string',
        sqlType: column.sqlType,
      });
      const lookupColumn = columnOfField.get(resolved.lookup.name.toLowerCase());
      writeColumns.set(column.name, {
        kind: 'reference',
        column: column.name,
        relationshipName: resolved.relationshipName,
        parentObject: resolved.parentObject,
        parentExternalIdField: parentField?.name ?? resolved.externalIdFieldName,
        lookupField: resolved.lookup.name,
        ...(lookupColumn !== undefined ? { lookupColumn } : {}),
        createable: resolved.lookup.createable,
        updateable: resolved.lookup.updateable,
      });
    }
  }

  const upsert = mapping.upsertField ? field(mapping.upsertField) : undefined;
  const upsertColumn = upsert ? columnOfField.get(upsert.name.toLowerCase()) : undefined;
  return {
    mapping,
    objectName: describe.name,
    table: mapped.table,
    qualifiedTable: qualifiedName(schemaName, mapped.table),
    schemaName,
    describe,
    mapped,
    readWrite: mapping.access === 'read_write',
    readColumns,
    writeColumns,
    ...(upsert && upsertColumn ? { upsertField: upsert.name, upsertColumn } : {}),
    pollField: hasSystemModstamp ? 'SystemModstamp' : 'LastModifiedDate',
    hasIsDeleted: field('IsDeleted') !== undefined,
  };
}
