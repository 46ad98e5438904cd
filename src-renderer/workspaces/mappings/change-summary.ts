// The DDL the draft would run, and what it means in words for the confirmation: tables created,
// columns added or widened, and by name everything that loses or leaves data (columns dropped or
// kept, mappings removed whose tables stay).
import {
  canonicalColumnType,
  findMapping,
  planSchema,
  planToSql,
  qualifiedName,
  quoteIdentifier,
  SchemaPlanError,
  tableNameFor,
  type DatabaseSnapshot,
  type MappingDocument,
  type PlannedStatement,
  type SchemaPlan,
} from '../../../src-shared/mapping';
import type { DescribeCatalog } from '../../../src-shared/salesforce';
import { documentsEquivalent } from './mapping-status';

export interface TableColumns {
  table: string;
  objectName: string;
  columns: string[];
}

export interface ChangeSummary {
  /** The document differs from the applied one (settings count, even without DDL). */
  documentChanged: boolean;
  statements: number;
  destructiveStatements: PlannedStatement[];
  newTables: TableColumns[];
  addedColumns: TableColumns[];
  widenedColumns: TableColumns[];
  /**
   * Columns of mapped tables no longer mapped: dropped with their data when `allowDrop`, kept
   * otherwise. Listed either way, so the choice can be made knowing what it touches.
   */
  unmappedColumns: TableColumns[];
  /** Applied mappings the draft removes: their tables (and data) stay in the schema. */
  removedMappings: Array<{ objectName: string; table: string; tableExists: boolean }>;
  /** Mappings whose access changes (their triggers are replaced). */
  accessChanges: Array<{ objectName: string; from: string; to: string }>;
  /** Plan warnings worth reading (skipped fields and tables are the validator's to explain). */
  warnings: string[];
}

export type DdlPlan =
  | { kind: 'empty' }
  | { kind: 'plan'; plan: SchemaPlan; sql: string; summary: ChangeSummary }
  | { kind: 'error'; message: string };

export interface PlanInput {
  schemaName: string;
  present: MappingDocument;
  applied: MappingDocument | undefined;
  catalog: DescribeCatalog;
  snapshot: DatabaseSnapshot;
  allowDrop: boolean;
}

/**
 * The draft's DDL against what the database has. Nothing to plan ('empty') when nothing is
 * mapped, nothing was applied and the schema holds no mapped table: a fresh database.
 */
export function planChange(input: PlanInput): DdlPlan {
  const { present, applied, snapshot } = input;
  if (
    present.mappings.length === 0 &&
    (applied?.mappings.length ?? 0) === 0 &&
    !snapshot.tables.some((t) => t.mapped)
  ) {
    return { kind: 'empty' };
  }
  let plan: SchemaPlan;
  try {
    plan = planSchema({
      schemaName: input.schemaName,
      mappings: present.mappings,
      catalog: input.catalog,
      current: snapshot,
      allowDrop: input.allowDrop,
    });
  } catch (error) {
    if (error instanceof SchemaPlanError) return { kind: 'error', message: error.message };
    throw error;
  }
  return {
    kind: 'plan',
    plan,
    sql: plan.statements.length > 0 ? planToSql(plan) : '',
    summary: summarizePlan(plan, snapshot, present, applied),
  };
}

const IGNORED_WARNINGS = new Set(['FIELD_SKIPPED', 'TABLE_SKIPPED', 'COLUMN_NOT_DROPPED']);

export function summarizePlan(
  plan: SchemaPlan,
  snapshot: DatabaseSnapshot,
  present: MappingDocument,
  applied: MappingDocument | undefined,
): ChangeSummary {
  const newTables: TableColumns[] = [];
  const addedColumns: TableColumns[] = [];
  const widenedColumns: TableColumns[] = [];
  const unmappedColumns: TableColumns[] = [];
  for (const table of plan.tables) {
    const base = { table: table.table, objectName: table.objectName };
    const existing = snapshot.tables.find((t) => t.name === table.table);
    if (!existing) {
      newTables.push({ ...base, columns: table.columns.map((c) => c.name) });
      continue;
    }
    const have = new Map(existing.columns.map((c) => [c.name, c.type]));
    const added = table.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
    const widened = table.columns
      .filter((c) => {
        const type = have.get(c.name);
        return type !== undefined && type !== canonicalColumnType(c.sqlType);
      })
      .map((c) => c.name)
      // Only the ones the plan really alters (others differ and are left, with a warning).
      .filter((name) => {
        const alter =
          `ALTER TABLE ${qualifiedName(plan.schemaName, table.table)} ` +
          `ALTER COLUMN ${quoteIdentifier(name)} TYPE `;
        return plan.statements.some((s) => s.sql.startsWith(alter));
      });
    const wanted = new Set(table.columns.map((c) => c.name));
    const unmapped = existing.columns.filter((c) => !wanted.has(c.name)).map((c) => c.name);
    if (added.length > 0) addedColumns.push({ ...base, columns: added });
    if (widened.length > 0) widenedColumns.push({ ...base, columns: widened });
    if (unmapped.length > 0) unmappedColumns.push({ ...base, columns: unmapped });
  }
  const removedMappings = (applied?.mappings ?? [])
    .filter((m) => !findMapping(present.mappings, m.objectName))
    .map((m) => {
      const table = tableNameFor(m.objectName);
      return {
        objectName: m.objectName,
        table,
        tableExists: snapshot.tables.some((t) => t.name === table),
      };
    });
  const accessChanges = present.mappings.flatMap((m) => {
    const before = applied ? findMapping(applied.mappings, m.objectName) : undefined;
    return before && before.access !== m.access
      ? [{ objectName: m.objectName, from: before.access, to: m.access }]
      : [];
  });
  return {
    documentChanged: !documentsEquivalent(present, applied),
    statements: plan.statements.length,
    destructiveStatements: plan.statements.filter((s) => s.destructive),
    newTables,
    addedColumns,
    widenedColumns,
    unmappedColumns,
    removedMappings,
    accessChanges,
    warnings: plan.warnings.filter((w) => !IGNORED_WARNINGS.has(w.code)).map((w) => w.message),
  };
}

/** Whether Apply has anything to do: DDL to run, or a changed document to record. */
export function hasChanges(ddl: DdlPlan): boolean {
  return ddl.kind === 'plan' && (ddl.summary.statements > 0 || ddl.summary.documentChanged);
}

/** `contact.title, contact.phone`: columns by their table, for sentences. */
export function qualifiedColumns(groups: readonly TableColumns[]): string[] {
  return groups.flatMap((g) => g.columns.map((c) => `${g.table}.${c}`));
}

/**
 * Lines of destructive statements: planToSql heads each with `-- [destructive] …`, and the
 * statement runs to the line ending in `;`.
 */
export function destructiveLines(text: string): number[] {
  const lines = text.split('\n');
  const marked: number[] = [];
  let inside = false;
  lines.forEach((line, i) => {
    if (line.startsWith('-- [destructive]')) inside = true;
    if (inside) marked.push(i + 1);
    if (inside && line.trimEnd().endsWith(';')) inside = false;
  });
  return marked;
}

/**
 * The line where the script starts to be about mapped tables (a table created, a column added,
 * widened or dropped), preferring `table`'s: the part a person reads first. 1 when there is none.
 */
export function firstTableLine(text: string, table?: string): number {
  const lines = text.split('\n');
  const about =
    /^-- (?:\[destructive\] )?(?:Create table (\S+) |(?:Add column|Widen|Drop column) ([^.\s]+)\.)/;
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    const match = about.exec(lines[i]!);
    if (!match) continue;
    if (table === undefined || (match[1] ?? match[2]) === table) return i + 1;
    if (first < 0) first = i;
  }
  return first < 0 ? 1 : first + 1;
}

/** What an apply answered, as far as the sentence after it needs. */
export interface AppliedOutcome {
  unchanged: boolean;
  statementsRun: number;
  createdTables: readonly string[];
  /** Purposes of the destructive statements that ran (`Drop column t.c and its data …`). */
  destructive: readonly string[];
}

/** Lists longer than this end with "and N more": the banner is one line, the DDL has the rest. */
const NAMED_AT_MOST = 4;

function namedList(kind: string, names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const shown = names.slice(0, NAMED_AT_MOST).join(', ');
  const more = names.length > NAMED_AT_MOST ? ` and ${names.length - NAMED_AT_MOST} more` : '';
  return `${kind}${names.length === 1 ? '' : 's'} ${shown}${more}`;
}

/**
 * The sentence after an apply: how many statements ran and what they did to the tables —
 * "Applied: 3 statements ran — added column opportunity.description; dropped column
 * opportunity.amount." `summary` is the change the confirmation showed (it knows the columns
 * added and widened; the apply's answer knows the tables created and the columns dropped).
 */
export function appliedSentence(
  outcome: AppliedOutcome,
  schemaName: string,
  summary: ChangeSummary | null,
): string {
  if (outcome.unchanged) return 'Applied: the database already matched; nothing ran.';
  if (outcome.statementsRun === 0) {
    return 'Applied: the new settings are recorded; no statement had to run.';
  }
  const dropped: string[] = [];
  const otherDestructive: string[] = [];
  for (const purpose of outcome.destructive) {
    const column = /^Drop column (\S+?)(?: and its data|\s|$)/.exec(purpose);
    if (column) dropped.push(column[1]!);
    else otherDestructive.push(purpose.charAt(0).toLowerCase() + purpose.slice(1));
  }
  const parts = [
    namedList(
      'created table',
      outcome.createdTables.map((t) => `${schemaName}.${t}`),
    ),
    namedList('added column', summary ? qualifiedColumns(summary.addedColumns) : []),
    namedList('widened column', summary ? qualifiedColumns(summary.widenedColumns) : []),
    namedList('dropped column', dropped),
    ...otherDestructive,
  ].filter((part): part is string => part !== null);
  const ran = `Applied: ${outcome.statementsRun} statement${outcome.statementsRun === 1 ? '' : 's'} ran`;
  return parts.length > 0 ? `${ran} — ${parts.join('; ')}.` : `${ran}.`;
}
