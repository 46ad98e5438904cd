// The columns a mapping gives its table: the system columns of reference §1.2 and one column
// per mapped field (type from the type table). Fields that cannot become a column are listed
// with the reason, so the planner can skip them and the validator can explain them.

import { isFieldReadable, type DescribeCatalog } from '../salesforce';
import { postgresColumnType, relationshipColumnType } from './column-types';
import type { Mapping } from './model';
import { columnNameFor, resolveMappedField, tableNameFor, type ResolvedField } from './naming';

export type ColumnRole = 'primary_key' | 'system' | 'field' | 'relationship_external_id';

export interface MappedColumn {
  name: string;
  /** Postgres type as the planner writes it (`varchar(18)`, `timestamp`, `double precision`). */
  sqlType: string;
  role: ColumnRole;
  /** The mapping field it holds (`Id` for sfid); undefined for id, _hc_lastop, _hc_err. */
  field?: string;
}

export interface SkippedField {
  field: string;
  reason: string;
}

export interface MappedTable {
  objectName: string;
  table: string;
  columns: MappedColumn[];
  skipped: SkippedField[];
  /** Field -> resolution, for every mapping field the describe knows about. */
  resolved: Map<string, ResolvedField>;
}

/** Columns every mapped table has, whatever its fields (isdeleted only with IsDeleted). */
export const SYSTEM_COLUMNS = {
  id: 'id',
  sfid: 'sfid',
  systemmodstamp: 'systemmodstamp',
  isdeleted: 'isdeleted',
  lastop: '_hc_lastop',
  err: '_hc_err',
} as const;

const RESERVED_COLUMNS: ReadonlySet<string> = new Set(['id', '_hc_lastop', '_hc_err']);

/**
 * The table a mapping produces, or undefined when the object is not described (nothing can be
 * typed then; the validator reports it).
 */
export function mappedTable(mapping: Mapping, catalog: DescribeCatalog): MappedTable | undefined {
  const describe = catalog.describe(mapping.objectName);
  if (!describe) return undefined;
  const has = (name: string) => catalog.field(mapping.objectName, name) !== undefined;
  const columns: MappedColumn[] = [
    { name: SYSTEM_COLUMNS.id, sqlType: 'serial', role: 'primary_key' },
    { name: SYSTEM_COLUMNS.sfid, sqlType: 'varchar(18)', role: 'system', field: 'Id' },
  ];
  // Objects without SystemModstamp (AccountShare) are polled on LastModifiedDate instead.
  if (has('SystemModstamp')) {
    columns.push({
      name: SYSTEM_COLUMNS.systemmodstamp,
      sqlType: 'timestamp',
      role: 'system',
      field: 'SystemModstamp',
    });
  }
  if (has('IsDeleted')) {
    columns.push({
      name: SYSTEM_COLUMNS.isdeleted,
      sqlType: 'boolean',
      role: 'system',
      field: 'IsDeleted',
    });
  }
  const skipped: SkippedField[] = [];
  const resolved = new Map<string, ResolvedField>();
  const taken = new Map(columns.map((c) => [c.name, c.field ?? c.name]));
  for (const field of mapping.fields) {
    const column = columnNameFor(field);
    const holder = taken.get(column);
    if (holder !== undefined) {
      // Id, SystemModstamp and IsDeleted are already system columns: nothing to add.
      if (holder.toLowerCase() !== field.toLowerCase()) {
        skipped.push({ field, reason: `its column "${column}" is already used by ${holder}` });
      }
      continue;
    }
    if (RESERVED_COLUMNS.has(column)) {
      skipped.push({ field, reason: `"${column}" is a Heroku Connect system column` });
      continue;
    }
    const resolution = resolveMappedField(catalog, mapping.objectName, field);
    resolved.set(field, resolution);
    const typed = columnFor(resolution);
    if (!typed.ok) {
      skipped.push({ field, reason: typed.reason });
      continue;
    }
    columns.push({ name: column, sqlType: typed.sqlType, role: typed.role, field });
    taken.set(column, field);
  }
  columns.push(
    { name: SYSTEM_COLUMNS.lastop, sqlType: 'varchar(32)', role: 'system' },
    { name: SYSTEM_COLUMNS.err, sqlType: 'text', role: 'system' },
  );
  return {
    objectName: mapping.objectName,
    table: tableNameFor(mapping.objectName),
    columns,
    skipped,
    resolved,
  };
}

type TypedColumn =
  | { ok: true; sqlType: string; role: 'field' | 'relationship_external_id' }
  | { ok: false; reason: string };

function columnFor(resolution: ResolvedField): TypedColumn {
  if (resolution.kind === 'unknown') {
    return { ok: false, reason: 'the describe has no such field (missing or not readable)' };
  }
  if (resolution.kind === 'field') {
    if (!isFieldReadable(resolution.describe)) {
      return { ok: false, reason: 'the integration user cannot read it' };
    }
    const typed = postgresColumnType(resolution.describe);
    return typed.ok ? { ok: true, sqlType: typed.sqlType, role: 'field' } : typed;
  }
  if (resolution.problem || !resolution.parentField) {
    return { ok: false, reason: 'its relationship external ID cannot be resolved' };
  }
  const typed = relationshipColumnType(resolution.parentField);
  return typed.ok ? { ok: true, sqlType: typed.sqlType, role: 'relationship_external_id' } : typed;
}
