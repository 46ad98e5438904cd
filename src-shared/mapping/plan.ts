// DDL planning, pure: mappings + describes (+ what the database holds now) -> ordered SQL that
// builds Heroku Connect's layout (reference §1): extension, get_xmlbinary(), schema, system
// tables, capture functions, then per mapped table its columns, indexes and triggers. Against a
// snapshot it plans only the difference; columns are dropped only with allowDrop.

import type { DescribeCatalog } from '../salesforce';
import { mappedTable, SYSTEM_COLUMNS, type MappedTable } from './columns';
import {
  captureInsertBody,
  captureUpdateBody,
  getXmlbinaryBody,
  loggerBody,
  notifyBody,
  statusBody,
  type FunctionContext,
} from './functions';
import type { Mapping } from './model';
import { columnNameFor, indexNameFor, triggerNames } from './naming';
import { triggerLogChannel } from './session';
import {
  canonicalColumnType,
  type DatabaseSnapshot,
  type SnapshotFunction,
  type SnapshotTable,
} from './snapshot';
import {
  assertIdentifier,
  dollarQuote,
  MAX_IDENTIFIER_BYTES,
  qualifiedName,
  quoteIdentifier,
  utf8ByteLength,
} from './sql';

export interface PlannedStatement {
  sql: string;
  /** One line a person can read in a plan listing. */
  purpose: string;
  /** Loses data (dropping a column). Only planned with allowDrop. */
  destructive: boolean;
}

export type PlanWarningCode =
  | 'TABLE_SKIPPED'
  | 'TABLE_CONFLICT'
  | 'FIELD_SKIPPED'
  | 'COLUMN_NOT_DROPPED'
  | 'COLUMN_TYPE_DIFFERS'
  | 'NAME_TRUNCATED';

export interface PlanWarning {
  code: PlanWarningCode;
  message: string;
  table?: string;
  column?: string;
}

export interface PlannedIndex {
  name: string;
  column: string;
  unique: boolean;
}

/** The table a mapping gives, as the plan builds it (for display). */
export interface PlannedTable {
  objectName: string;
  table: string;
  access: Mapping['access'];
  columns: Array<{ name: string; sqlType: string; field?: string }>;
  indexes: PlannedIndex[];
  /** The table exists already (the plan alters it). */
  exists: boolean;
}

export interface SchemaPlan {
  schemaName: string;
  statements: PlannedStatement[];
  warnings: PlanWarning[];
  tables: PlannedTable[];
}

export interface PlanSchemaInput {
  schemaName: string;
  mappings: readonly Mapping[];
  catalog: DescribeCatalog;
  /** What the database has now; without it the plan creates everything (idempotently). */
  current?: DatabaseSnapshot;
  /** Allow DROP COLUMN for fields no longer mapped. */
  allowDrop?: boolean;
}

export class SchemaPlanError extends Error {
  override readonly name = 'SchemaPlanError';
}

const SYSTEM_TABLES: ReadonlySet<string> = new Set([
  '_hcmeta',
  '_trigger_log',
  '_trigger_log_archive',
  '_sf_event_log',
]);

/** The channel `<schema>.hc_trigger_log` must fit in a 63-byte name. */
const MAX_SCHEMA_BYTES = MAX_IDENTIFIER_BYTES - '.hc_trigger_log'.length;

interface SystemIndex {
  table: string;
  name: string;
  sql: string;
}

/**
 * Ours, not Heroku Connect's: what the trigger-log inspector needs to read a page newest first
 * (created_at, id) under any filter over a million rows, each page one ordered index walk that
 * stops after the page (or a probe of a few rows).
 *
 * The archive is written only by archiving, so it carries one index per filter: the states
 * other than SUCCESS (a page of FAILED rows and their counts, alone and by table), a table, the
 * rows the org sent a message for (the text filter; the message and the other filter columns
 * are included, so the text is matched in the index without visiting the rows), and an sfid.
 * Heroku Connect's own (record_id) index serves the record-id filter.
 *
 * The live log is written on every application change (a capture, then NEW→PENDING→SUCCESS:
 * three row versions, and every index whose predicate a version meets gets an entry for it), so
 * it carries only what the inspector cannot do without at a few hundred thousand rows, measured:
 * - partial indexes no row on the way NEW→PENDING→SUCCESS enters (settled states other than
 *   SUCCESS, alone and by table; rows with a message; the sfid of DELETE and settled
 *   non-SUCCESS rows): free on the happy path;
 * - one index on every row, (table_name, record_id): a quiet table's rows, a record's rows and
 *   the rows of the records an sfid names cannot be found without it short of reading the whole
 *   log. Pages of a busy table, of an action, of a time window walk Heroku Connect's
 *   (created_at) index; NEW and PENDING rows are its (state, table_name) partial index's.
 */
function inspectorIndexes(): SystemIndex[] {
  const live = '_trigger_log';
  const archive = '_trigger_log_archive';
  const messageLookup = (table: string): SystemIndex => ({
    table,
    name: `${table}_idx_message_lookup`,
    sql:
      `(created_at, id) INCLUDE (sf_message, state, table_name, action, record_id, sfid) ` +
      `WHERE sf_message IS NOT NULL`,
  });
  return [
    {
      table: live,
      name: `${live}_idx_settled_created_at`,
      sql: `(state, created_at, id) WHERE ${LIVE_SETTLED}`,
    },
    {
      table: live,
      name: `${live}_idx_settled_table_created_at`,
      sql: `(table_name, state, created_at, id) WHERE ${LIVE_SETTLED}`,
    },
    messageLookup(live),
    { table: live, name: `${live}_idx_table_name_record_id`, sql: `(table_name, record_id)` },
    {
      table: live,
      name: `${live}_idx_sfid_settled`,
      sql: `(sfid) WHERE ${LIVE_SFID_INDEXED}`,
    },
    {
      table: archive,
      name: `${archive}_idx_state_created_at`,
      sql: `(state, created_at, id) WHERE state <> 'SUCCESS'`,
    },
    {
      table: archive,
      name: `${archive}_idx_state_table_created_at`,
      sql: `(table_name, state, created_at, id) WHERE state <> 'SUCCESS'`,
    },
    {
      table: archive,
      name: `${archive}_idx_table_name_created_at`,
      sql: `(table_name, created_at, id)`,
    },
    messageLookup(archive),
    { table: archive, name: `${archive}_idx_sfid`, sql: `(sfid) WHERE sfid IS NOT NULL` },
  ];
}

/** Settled rows that did not succeed: no row on its way NEW→PENDING→SUCCESS is one. */
const LIVE_SETTLED = `state NOT IN ('NEW', 'PENDING', 'SUCCESS')`;

/**
 * The live-log rows whose sfid is indexed (`_trigger_log_idx_sfid_settled`): a DELETE (its
 * record is gone from the mapped table, so only the log knows its sfid) and a settled row that
 * did not succeed. The inspector's sfid filter finds the others through the records that carry
 * the sfid (src-main/sync/trigger-log inspector.ts).
 */
export const LIVE_SFID_INDEXED = `action = 'DELETE' OR ${LIVE_SETTLED}`;

/**
 * Indexes of ours that earlier layouts put on the trigger logs and this one does not: dropped
 * where found (no data is lost; on the live log each one slowed every captured change).
 */
const RETIRED_INDEXES: ReadonlyArray<{ table: string; name: string }> = [
  { table: '_trigger_log', name: '_trigger_log_idx_failed_table_created_at' },
  { table: '_trigger_log', name: '_trigger_log_idx_state_created_at' },
  { table: '_trigger_log', name: '_trigger_log_idx_table_name_created_at' },
  { table: '_trigger_log', name: '_trigger_log_idx_message_created_at' },
  { table: '_trigger_log', name: '_trigger_log_idx_sfid' },
  { table: '_trigger_log', name: '_trigger_log_idx_record_id' },
  { table: '_trigger_log_archive', name: '_trigger_log_archive_idx_failed_table_created_at' },
  { table: '_trigger_log_archive', name: '_trigger_log_archive_idx_message_created_at' },
];

export function planSchema(input: PlanSchemaInput): SchemaPlan {
  const { schemaName, current } = input;
  try {
    assertIdentifier(schemaName, 'The schema name');
  } catch (error) {
    throw new SchemaPlanError(error instanceof Error ? error.message : String(error));
  }
  if (utf8ByteLength(schemaName) > MAX_SCHEMA_BYTES) {
    throw new SchemaPlanError(
      `The schema name ${JSON.stringify(schemaName)} is too long: the notification channel ` +
        `"${triggerLogChannel(schemaName)}" must fit in ${MAX_IDENTIFIER_BYTES} bytes. Use a ` +
        `schema name of at most ${MAX_SCHEMA_BYTES} bytes.`,
    );
  }
  if (current && current.schemaName !== schemaName) {
    throw new SchemaPlanError(
      `The database snapshot is of schema ${JSON.stringify(current.schemaName)}, not ${JSON.stringify(schemaName)}.`,
    );
  }
  const ctx: FunctionContext = { schemaName, hstoreSchema: current?.hstoreSchema ?? 'public' };
  const out: PlannedStatement[] = [];
  const warnings: PlanWarning[] = [];
  const add = (sql: string, purpose: string, destructive = false) =>
    out.push({ sql, purpose, destructive });
  const q = (name: string) => qualifiedName(schemaName, name);
  const tableIn = (name: string) => current?.tables.find((t) => t.name === name);
  const fn = (name: string): SnapshotFunction | undefined =>
    current?.functions.find((f) => f.name === name);

  // --- Database-wide prerequisites.
  if (!current?.hstoreSchema) {
    add(
      'CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public',
      'Install the hstore extension (the triggers build hstore values)',
    );
  }
  if (!current?.getXmlbinaryExists) {
    add(
      `CREATE OR REPLACE FUNCTION public.get_xmlbinary() RETURNS varchar\n` +
        `LANGUAGE sql STABLE AS ${dollarQuote(getXmlbinaryBody())}`,
      'Create public.get_xmlbinary(), which tells application sessions from the engine',
    );
  }
  if (!current?.schemaExists) {
    add(
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schemaName)}`,
      `Create schema ${schemaName}`,
    );
  }

  // --- System tables (reference §1.4).
  if (!current?.systemTables.hcmeta) {
    add(
      `CREATE TABLE IF NOT EXISTS ${q('_hcmeta')} (\n` +
        `  id serial PRIMARY KEY,\n  hcver integer,\n  org_id varchar(50),\n  details text\n)`,
      'Create _hcmeta (what was applied, and for which org)',
    );
  }
  const logColumns = (archive: boolean) =>
    [
      archive ? 'id integer PRIMARY KEY' : 'id serial PRIMARY KEY',
      'txid bigint',
      `created_at timestamptz${archive ? '' : ' DEFAULT now()'}`,
      `updated_at timestamptz${archive ? '' : ' DEFAULT now()'}`,
      'processed_at timestamptz',
      'processed_tx bigint',
      'state varchar(8)',
      'action varchar(7)',
      'table_name varchar(128)',
      'record_id integer',
      'sfid varchar(18)',
      'old text',
      '"values" text',
      'sf_result integer',
      'sf_message text',
    ].join(',\n  ');
  if (!current?.systemTables.triggerLog) {
    add(
      `CREATE TABLE IF NOT EXISTS ${q('_trigger_log')} (\n  ${logColumns(false)}\n)`,
      'Create _trigger_log (changes waiting for Salesforce)',
    );
  }
  const systemIndexes: SystemIndex[] = [
    {
      table: '_trigger_log',
      name: '_trigger_log_idx_created_at',
      sql: `(created_at)`,
    },
    { table: '_trigger_log', name: '_trigger_log_idx_state_id', sql: `(state, id)` },
    {
      table: '_trigger_log',
      name: '_trigger_log_idx_state_table_name',
      sql: `(state, table_name) WHERE state IN ('NEW', 'PENDING')`,
    },
    {
      table: '_trigger_log_archive',
      name: '_trigger_log_archive_idx_created_at',
      sql: `(created_at)`,
    },
    {
      table: '_trigger_log_archive',
      name: '_trigger_log_archive_idx_record_id',
      sql: `(record_id)`,
    },
    {
      table: '_trigger_log_archive',
      name: '_trigger_log_archive_idx_state_table_name',
      sql: `(state, table_name) WHERE state = 'FAILED'`,
    },
    ...inspectorIndexes(),
    {
      table: '_sf_event_log',
      name: 'idx__sf_event_log_comp_key',
      sql: `(table_name, synced_at)`,
    },
    { table: '_sf_event_log', name: 'idx__sf_event_log_sfid', sql: `(sfid)` },
  ];
  const addSystemIndexes = (table: string) => {
    const existing = tableIn(table);
    for (const retired of RETIRED_INDEXES.filter((i) => i.table === table)) {
      if (!existing?.indexes.some((i) => i.name === retired.name)) continue;
      add(
        `DROP INDEX IF EXISTS ${q(retired.name)}`,
        `Drop index ${retired.name} (an earlier layout's; the inspector no longer needs it)`,
      );
    }
    for (const index of systemIndexes.filter((i) => i.table === table)) {
      if (existing?.indexes.some((i) => i.name === index.name)) continue;
      add(
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ON ${q(table)} ${index.sql}`,
        `Index ${table}: ${index.name}`,
      );
    }
  };
  addSystemIndexes('_trigger_log');
  const notify = notifyBody(ctx);
  if (fn('tlog_notify_trigger')?.source !== notify) {
    add(
      `CREATE OR REPLACE FUNCTION ${q('tlog_notify_trigger')}() RETURNS trigger\n` +
        `LANGUAGE plpgsql AS ${dollarQuote(notify)}`,
      `Create tlog_notify_trigger(): NOTIFY "${triggerLogChannel(schemaName)}" per logged change`,
    );
  }
  // CREATE OR REPLACE TRIGGER needs Postgres 14 or later (every Heroku Postgres version today).
  if (!tableIn('_trigger_log')?.triggers.some((t) => t.name === 'tlog_insert_trigger')) {
    add(
      `CREATE OR REPLACE TRIGGER tlog_insert_trigger AFTER INSERT ON ${q('_trigger_log')}\n` +
        `FOR EACH ROW EXECUTE FUNCTION ${q('tlog_notify_trigger')}()`,
      'Create tlog_insert_trigger on _trigger_log',
    );
  }
  if (!current?.systemTables.triggerLogArchive) {
    add(
      `CREATE TABLE IF NOT EXISTS ${q('_trigger_log_archive')} (\n  ${logColumns(true)}\n)`,
      'Create _trigger_log_archive (processed changes, kept for 31 days)',
    );
  }
  addSystemIndexes('_trigger_log_archive');
  if (!current?.systemTables.sfEventLog) {
    add(
      `CREATE TABLE IF NOT EXISTS ${q('_sf_event_log')} (\n` +
        [
          'id serial PRIMARY KEY',
          'table_name varchar(128)',
          'action varchar(7)',
          'synced_at timestamptz DEFAULT now()',
          'sf_timestamp timestamptz',
          'sfid varchar(20)',
          'record text',
          'processed boolean',
        ]
          .map((c) => `  ${c}`)
          .join(',\n') +
        '\n)',
      'Create _sf_event_log',
    );
  }
  addSystemIndexes('_sf_event_log');

  const hstoreType = `${quoteIdentifier(ctx.hstoreSchema)}.hstore`;
  const captures = [
    {
      name: 'hc_capture_insert_from_row',
      params: `source_row ${hstoreType}, table_name varchar, excluded_cols text[] DEFAULT '{}'::text[]`,
      body: captureInsertBody(ctx),
      purpose: 'Create hc_capture_insert_from_row() (re-capture a row as an INSERT)',
    },
    {
      name: 'hc_capture_update_from_row',
      params: `source_row ${hstoreType}, table_name varchar, columns_to_include text[] DEFAULT '{}'::text[]`,
      body: captureUpdateBody(ctx),
      purpose: 'Create hc_capture_update_from_row() (re-capture a row as an UPDATE)',
    },
  ];
  for (const capture of captures) {
    if (fn(capture.name)?.source === capture.body) continue;
    add(
      `CREATE OR REPLACE FUNCTION ${q(capture.name)}(${capture.params}) RETURNS integer\n` +
        `LANGUAGE plpgsql AS ${dollarQuote(capture.body)}`,
      capture.purpose,
    );
  }

  // --- Mapped tables.
  const tables: PlannedTable[] = [];
  const claimed = new Map<string, string>();
  for (const mapping of input.mappings) {
    const table = mappedTable(mapping, input.catalog);
    if (!table) {
      warnings.push({
        code: 'TABLE_SKIPPED',
        message: `No table for ${mapping.objectName}: its describe is not available, so its columns cannot be typed.`,
      });
      continue;
    }
    if (SYSTEM_TABLES.has(table.table)) {
      warnings.push({
        code: 'TABLE_SKIPPED',
        table: table.table,
        message: `No table for ${mapping.objectName}: "${table.table}" is a Heroku Connect system table.`,
      });
      continue;
    }
    const owner = claimed.get(table.table);
    if (owner !== undefined) {
      warnings.push({
        code: 'TABLE_SKIPPED',
        table: table.table,
        message: `No table for ${mapping.objectName}: ${owner} already uses the table name "${table.table}".`,
      });
      continue;
    }
    claimed.set(table.table, mapping.objectName);
    if (table.table !== mapping.objectName.toLowerCase()) {
      warnings.push({
        code: 'NAME_TRUNCATED',
        table: table.table,
        message: `The table name for ${mapping.objectName} is cut to ${MAX_IDENTIFIER_BYTES} bytes: "${table.table}".`,
      });
    }
    for (const skipped of table.skipped) {
      warnings.push({
        code: 'FIELD_SKIPPED',
        table: table.table,
        message: `${mapping.objectName}.${skipped.field} gets no column: ${skipped.reason}.`,
      });
    }
    const existing = tableIn(table.table);
    if (existing && !existing.mapped) {
      warnings.push({
        code: 'TABLE_CONFLICT',
        table: table.table,
        message:
          `${schemaName}.${table.table} exists but is not a Heroku Connect table (it lacks sfid, ` +
          `_hc_lastop or _hc_err); it was left alone. Rename or drop it, then plan again.`,
      });
      continue;
    }
    const indexes = plannedIndexes(mapping, table);
    tables.push({
      objectName: mapping.objectName,
      table: table.table,
      access: mapping.access,
      columns: table.columns.map((c) => ({
        name: c.name,
        sqlType: c.sqlType,
        ...(c.field !== undefined ? { field: c.field } : {}),
      })),
      indexes,
      exists: existing !== undefined,
    });
    planTable({ mapping, table, indexes, existing, ctx, allowDrop: input.allowDrop ?? false });
  }

  function planTable(args: {
    mapping: Mapping;
    table: MappedTable;
    indexes: PlannedIndex[];
    existing: SnapshotTable | undefined;
    ctx: FunctionContext;
    allowDrop: boolean;
  }): void {
    const { mapping, table, indexes, existing, allowDrop } = args;
    const t = table.table;
    const target = q(t);
    if (!existing) {
      const columnLines = table.columns.map((c) =>
        c.role === 'primary_key'
          ? `  ${quoteIdentifier(c.name)} serial PRIMARY KEY`
          : `  ${quoteIdentifier(c.name)} ${c.sqlType}`,
      );
      add(
        `CREATE TABLE IF NOT EXISTS ${target} (\n${columnLines.join(',\n')}\n)`,
        `Create table ${t} for ${mapping.objectName} (${mapping.access})`,
      );
    } else {
      const have = new Map(existing.columns.map((c) => [c.name, c]));
      const want = new Set(table.columns.map((c) => c.name));
      for (const column of table.columns) {
        const found = have.get(column.name);
        if (!found) {
          add(
            `ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${column.sqlType}`,
            `Add column ${t}.${column.name}` + (column.field ? ` for ${column.field}` : ''),
          );
          continue;
        }
        const wanted = canonicalColumnType(column.sqlType);
        if (found.type === wanted) continue;
        if (isWidening(found.type, wanted)) {
          add(
            `ALTER TABLE ${target} ALTER COLUMN ${quoteIdentifier(column.name)} TYPE ${column.sqlType}`,
            `Widen ${t}.${column.name} from ${found.type} to ${wanted}`,
          );
        } else {
          warnings.push({
            code: 'COLUMN_TYPE_DIFFERS',
            table: t,
            column: column.name,
            message:
              `${t}.${column.name} is ${found.type} in the database but the describe gives ` +
              `${wanted}; it was left as is. To change it, remove the field, apply, add it back.`,
          });
        }
      }
      for (const column of existing.columns) {
        if (want.has(column.name)) continue;
        if (allowDrop) {
          add(
            `ALTER TABLE ${target} DROP COLUMN IF EXISTS ${quoteIdentifier(column.name)}`,
            `Drop column ${t}.${column.name} and its data (no longer mapped)`,
            true,
          );
        } else {
          warnings.push({
            code: 'COLUMN_NOT_DROPPED',
            table: t,
            column: column.name,
            message:
              `${t}.${column.name} is no longer mapped; it was kept with its data. Plan with ` +
              `allowDrop (--allow-drop) to drop it.`,
          });
        }
      }
    }
    const haveIndexes = new Set(existing?.indexes.map((i) => i.name) ?? []);
    const wantIndexes = new Set(indexes.map((i) => i.name));
    for (const index of indexes) {
      if (haveIndexes.has(index.name)) continue;
      add(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ` +
          `ON ${target} (${quoteIdentifier(index.column)})`,
        `Index ${t}.${index.column}${index.unique ? ' (unique)' : ''}`,
      );
    }
    const droppedColumns = new Set(
      allowDrop && existing
        ? existing.columns
            .filter((c) => !table.columns.some((w) => w.name === c.name))
            .map((c) => c.name)
        : [],
    );
    for (const index of existing?.indexes ?? []) {
      const ours = index.name.startsWith(`hc_idx_${t}_`) || index.name.startsWith(`hcu_idx_${t}_`);
      if (!ours || wantIndexes.has(index.name)) continue;
      // Indexes on dropped columns go with them.
      if (index.columns.some((c) => droppedColumns.has(c))) continue;
      add(
        `DROP INDEX IF EXISTS ${q(index.name)}`,
        `Drop index ${index.name} (no longer in the mapping)`,
      );
    }

    const readWrite = mapping.access === 'read_write';
    const logger = loggerBody(args.ctx, readWrite);
    const loggerName = triggerNames.logFunction(t);
    if (fn(loggerName)?.source !== logger) {
      add(
        `CREATE OR REPLACE FUNCTION ${q(loggerName)}() RETURNS trigger\n` +
          `LANGUAGE plpgsql AS ${dollarQuote(logger)}`,
        `Create ${loggerName}() (${readWrite ? 'logs changes as NEW' : 'logs changes as READONLY'})`,
      );
    }
    const status = statusBody(args.ctx);
    const statusName = triggerNames.statusFunction(t);
    if (fn(statusName)?.source !== status) {
      add(
        `CREATE OR REPLACE FUNCTION ${q(statusName)}() RETURNS trigger\n` +
          `LANGUAGE plpgsql AS ${dollarQuote(status)}`,
        `Create ${statusName}() (maintains _hc_lastop and _hc_err)`,
      );
    }
    const triggers = new Set(existing?.triggers.map((tr) => tr.name) ?? []);
    const logTrigger = triggerNames.logTrigger(t);
    if (!triggers.has(logTrigger)) {
      add(
        `CREATE OR REPLACE TRIGGER ${quoteIdentifier(logTrigger)}\n` +
          `AFTER INSERT OR UPDATE OR DELETE ON ${target}\n` +
          `FOR EACH ROW WHEN (public.get_xmlbinary() = 'base64')\n` +
          `EXECUTE FUNCTION ${q(loggerName)}()`,
        `Create trigger ${logTrigger} (application writes only)`,
      );
    }
    const statusTrigger = triggerNames.statusTrigger(t);
    if (!triggers.has(statusTrigger)) {
      add(
        `CREATE OR REPLACE TRIGGER ${quoteIdentifier(statusTrigger)}\n` +
          `BEFORE INSERT OR UPDATE ON ${target}\n` +
          `FOR EACH ROW EXECUTE FUNCTION ${q(statusName)}()`,
        `Create trigger ${statusTrigger}`,
      );
    }
  }

  return { schemaName, statements: out, warnings, tables };
}

/**
 * Indexes of a mapped table (reference §1.3): sfid unique, systemmodstamp, the mapping's
 * `indexes`, and a unique index on the upsert field.
 */
function plannedIndexes(mapping: Mapping, table: MappedTable): PlannedIndex[] {
  const t = table.table;
  const byColumn = new Map<string, PlannedIndex>();
  const put = (column: string, unique: boolean) => {
    if (!table.columns.some((c) => c.name === column)) return;
    const previous = byColumn.get(column);
    const isUnique = unique || previous?.unique === true;
    byColumn.set(column, { name: indexNameFor(t, column, isUnique), column, unique: isUnique });
  };
  put(SYSTEM_COLUMNS.sfid, true);
  if (table.columns.some((c) => c.name === SYSTEM_COLUMNS.systemmodstamp)) {
    put(SYSTEM_COLUMNS.systemmodstamp, false);
  } else if (table.columns.some((c) => c.name === 'lastmodifieddate')) {
    // Objects without SystemModstamp are polled on LastModifiedDate (AccountShare).
    put('lastmodifieddate', false);
  }
  for (const index of mapping.indexes ?? []) put(columnNameFor(index.field), index.unique);
  if (mapping.upsertField) put(columnNameFor(mapping.upsertField), true);
  return [...byColumn.values()];
}

/** Changes Postgres makes without rewriting or losing data: longer varchar, varchar -> text. */
function isWidening(from: string, to: string): boolean {
  const length = (type: string) => /^character varying\((\d+)\)$/.exec(type)?.[1];
  const fromLength = length(from);
  if (fromLength === undefined) return false;
  if (to === 'text') return true;
  const toLength = length(to);
  return toLength !== undefined && Number(toLength) > Number(fromLength);
}
