// How the draft differs from what is applied: per mapping (the list's state badges) and as a
// whole (whether there is anything unsaved to keep as a draft). Order does not count: a field
// unticked and ticked again moves to the end of the list but changes nothing in the database.
import type { MappedTableState } from '../../../src-shared/api';
import {
  findMapping,
  tableNameFor,
  writeAlgorithmOf,
  type Mapping,
  type MappingDocument,
  type MappingProblem,
} from '../../../src-shared/mapping';

const lowerSorted = (names: readonly string[]) => names.map((n) => n.toLowerCase()).sort();

/** What a mapping configures, in a form where equal configurations give equal text. */
export function mappingSignature(mapping: Mapping): string {
  return JSON.stringify({
    object: mapping.objectName.toLowerCase(),
    access: mapping.access,
    fields: lowerSorted(mapping.fields),
    upsert: mapping.upsertField?.toLowerCase() ?? null,
    polling: mapping.sfPollingSeconds,
    notify: mapping.sfNotifyEnabled,
    maxDailyApiCalls: mapping.sfMaxDailyApiCalls,
    indexes: (mapping.indexes ?? [])
      .map((i) => `${i.field.toLowerCase()}:${i.unique ? 'u' : ''}`)
      .sort(),
  });
}

/** Both documents configure the same thing (mapping order and field order aside). */
export function documentsEquivalent(
  a: MappingDocument | undefined,
  b: MappingDocument | undefined,
): boolean {
  const mappingsOf = (d: MappingDocument | undefined) => d?.mappings ?? [];
  const algorithm = (d: MappingDocument | undefined) => (d ? writeAlgorithmOf(d) : 'merged');
  if (algorithm(a) !== algorithm(b)) return false;
  const left = mappingsOf(a).map(mappingSignature).sort();
  const right = mappingsOf(b).map(mappingSignature).sort();
  return left.length === right.length && left.every((s, i) => s === right[i]);
}

export type MappingChange = 'applied' | 'new' | 'changed' | 'removed';

export interface MappingListEntry {
  objectName: string;
  table: string;
  access: Mapping['access'];
  change: MappingChange;
  /** Applied, but its table is not in the schema (dropped since). */
  tableMissing: boolean;
  /** Rows in the table; null when unknown (not applied, or the table is missing). */
  rowCount: number | null;
  errors: number;
  warnings: number;
}

/**
 * The list on the left: the draft's mappings in order, each compared with the applied one, then
 * the applied mappings the draft removed.
 */
export function mappingListEntries(
  present: MappingDocument,
  applied: MappingDocument | undefined,
  tables: readonly MappedTableState[],
  problems: readonly MappingProblem[],
): MappingListEntry[] {
  const tableOf = (objectName: string) =>
    tables.find((t) => t.objectName.toLowerCase() === objectName.toLowerCase());
  const count = (objectName: string, severity: MappingProblem['severity']) =>
    problems.filter(
      (p) => p.severity === severity && p.object.toLowerCase() === objectName.toLowerCase(),
    ).length;
  const entry = (mapping: Mapping, change: MappingChange): MappingListEntry => {
    const table = tableOf(mapping.objectName);
    const wasApplied = change !== 'new';
    return {
      objectName: mapping.objectName,
      table: table?.table ?? tableNameFor(mapping.objectName),
      access: mapping.access,
      change,
      tableMissing: wasApplied && table !== undefined && !table.exists,
      rowCount: wasApplied && table?.exists ? table.rowCount : null,
      errors: change === 'removed' ? 0 : count(mapping.objectName, 'error'),
      warnings: change === 'removed' ? 0 : count(mapping.objectName, 'warning'),
    };
  };
  const entries = present.mappings.map((mapping) => {
    const before = applied ? findMapping(applied.mappings, mapping.objectName) : undefined;
    if (!before) return entry(mapping, 'new');
    return entry(
      mapping,
      mappingSignature(before) === mappingSignature(mapping) ? 'applied' : 'changed',
    );
  });
  for (const mapping of applied?.mappings ?? []) {
    if (!findMapping(present.mappings, mapping.objectName)) entries.push(entry(mapping, 'removed'));
  }
  return entries;
}
