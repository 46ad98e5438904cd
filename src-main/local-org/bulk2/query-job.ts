// Bulk API 2.0 query jobs (salesforce-rest.md §2.15): what a Bulk query may not contain, which
// CSV columns its results have (SELECT order, parent fields as `Account.Name`), and each record
// as a CSV record (values as strings: true/false, dates, datetimes in the `…Z` form, null empty).

import {
  AGGREGATE_FUNCTIONS,
  parseSoql,
  pathText,
  type FieldPath,
  type JsonObject,
  type JsonValue,
  type Query,
  type SelectItem,
} from '../../../src-shared/soql';
import { SalesforceError } from '../errors';
import type { OrgObject, OrgSchema } from '../schema/model';
import { csvRecord } from './csv';

export interface ResultColumn {
  /** The CSV header: canonical names joined by dots (`Account.Name`). */
  header: string;
  /** The keys to follow in a query result record. */
  keys: string[];
  /** The leaf field's type when the schema knows it (not through polymorphic lookups). */
  type: string | undefined;
}

export interface BulkQueryPlan {
  /** The FROM object, canonical when the schema knows it. */
  object: string;
  columns: ResultColumn[];
}

/** Functions that keep a field's value per record and are fine in a Bulk query's SELECT. */
const VALUE_FUNCTIONS = new Set(['TOLABEL', 'FORMAT', 'CONVERTCURRENCY']);
const AGGREGATES = new Set<string>(AGGREGATE_FUNCTIONS);

function unsupported(what: string): SalesforceError {
  // Bulk 2.0 refuses these (SFDOC query_create_job); the errorCode of the refusal is
  // UNCONFIRMED (API_ERROR chosen; INVALIDJOB is the other candidate), status 400.
  return new SalesforceError(
    'API_ERROR',
    `${what} not supported by Bulk API 2.0 query jobs. ` +
      'Remove it from the query, or run the query through the REST query resource (/query) instead.',
    [],
    400,
  );
}

/**
 * The plan of a Bulk query's result file; refuses what Bulk 2.0 refuses. Undefined when the
 * query does not parse: the store's own validation then gives Salesforce's error for it.
 */
export function planBulkQuery(soql: string, schema: OrgSchema): BulkQueryPlan | undefined {
  const parsed = parseSoql(soql);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const query = parsed.query;
  refuseUnsupported(query);
  const root = query.from ? schema.object(query.from.name.name) : undefined;
  const alias = query.from?.alias?.name.toLowerCase();
  const columns = query.select.map((item) => columnOf(item, schema, root, alias));
  const object = root?.name ?? query.from?.name.name ?? '';
  return { object, columns };
}

function refuseUnsupported(query: Query): void {
  if (query.groupBy) throw unsupported('GROUP BY is');
  if (query.having) throw unsupported('HAVING is');
  if (query.offset) throw unsupported('OFFSET is');
  for (const item of query.select) {
    switch (item.kind) {
      case 'selectTypeof':
        throw unsupported('TYPEOF is');
      case 'selectSubquery':
        throw unsupported(
          `A parent-to-child subquery (${item.query.from?.name.name ?? 'SELECT …'}) is`,
        );
      case 'selectFields':
        // The docs forbid unbounded FIELDS() in Bulk queries; refusing FIELDS() altogether
        // keeps the result columns known before any record is read (UNCONFIRMED for STANDARD).
        throw unsupported('FIELDS() is');
      case 'selectExpr': {
        if (item.expr.kind !== 'call') break;
        const name = item.expr.name.name.toUpperCase();
        if (AGGREGATES.has(name)) {
          throw unsupported(`The aggregate function ${item.expr.name.name}() is`);
        }
        const arg = item.expr.args[0];
        if (!VALUE_FUNCTIONS.has(name) || item.expr.args.length !== 1 || arg?.kind !== 'field') {
          throw unsupported(`The function ${item.expr.name.name}() is`);
        }
        break;
      }
    }
  }
}

function columnOf(
  item: SelectItem,
  schema: OrgSchema,
  root: OrgObject | undefined,
  alias: string | undefined,
): ResultColumn {
  if (item.kind !== 'selectExpr') throw unsupported('This SELECT item is');
  const expr = item.expr;
  const field: FieldPath = expr.kind === 'field' ? expr : (expr.args[0] as FieldPath); // checked in refuseUnsupported
  const column = resolvePath(field, schema, root, alias);
  if (column.type === 'address' || column.type === 'location') {
    throw unsupported(`The compound field ${column.header} is`);
  }
  if (expr.kind === 'call') {
    const name = expr.name.name.toUpperCase();
    // A label or a formatted value is text, whatever the field's type.
    if (name !== 'CONVERTCURRENCY') column.type = 'string';
    if (item.alias) return { header: item.alias.name, keys: [item.alias.name], type: column.type };
  }
  return column;
}

/** Canonical names for a field path, following lookups through the schema where it can. */
function resolvePath(
  field: FieldPath,
  schema: OrgSchema,
  root: OrgObject | undefined,
  alias: string | undefined,
): ResultColumn {
  let names = field.path.map((p) => p.name);
  const first = names[0]?.toLowerCase();
  if (names.length > 1 && first !== undefined) {
    const isRelationship = root?.fields.some(
      (f) => f.describe.relationshipName?.toLowerCase() === first,
    );
    // `c.Name` with `FROM Contact c`, or `Contact.Name` with `FROM Contact`.
    if (first === alias || (!isRelationship && first === root?.name.toLowerCase())) {
      names = names.slice(1);
    }
  }
  const keys: string[] = [];
  let object = root;
  let type: string | undefined;
  names.forEach((name, index) => {
    const last = index === names.length - 1;
    if (!object) {
      keys.push(name);
      type = undefined;
      return;
    }
    if (last) {
      const leaf = object.field(name);
      keys.push(leaf?.name ?? name);
      type = leaf?.type;
      return;
    }
    const lookup = object.fields.find(
      (f) => f.describe.relationshipName?.toLowerCase() === name.toLowerCase(),
    );
    keys.push(lookup?.describe.relationshipName ?? name);
    const targets = lookup?.describe.referenceTo ?? [];
    // A polymorphic lookup's parent type is known only per record.
    object = targets.length === 1 && targets[0] ? schema.object(targets[0]) : undefined;
  });
  return { header: keys.join('.') || pathText(field), keys, type };
}

// ---------------------------------------------------------------------------------------------
// Records → CSV

const ENVELOPE_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?\+0000$/;

function lookupKey(record: JsonObject, key: string): JsonValue | undefined {
  if (Object.hasOwn(record, key)) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

function valueAt(record: JsonObject, keys: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = record;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return null;
    current = lookupKey(current, key);
  }
  return current;
}

/** A result value as the CSV cell Salesforce writes for it (formats UNCONFIRMED, §2.15). */
export function csvCell(value: JsonValue | undefined, type: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    // The REST envelope's `+0000` becomes `Z` in Bulk files. Without a known type (a field
    // behind a polymorphic lookup) the value's shape decides.
    if ((type === 'datetime' || type === undefined) && ENVELOPE_DATETIME.test(value)) {
      return `${value.slice(0, -5)}Z`;
    }
    return value;
  }
  return JSON.stringify(value);
}

/** The CSV records (no line endings) of query result records. */
export function csvRecordsOf(
  records: readonly JsonObject[],
  plan: BulkQueryPlan,
  delimiter: string,
): string[] {
  const out: string[] = new Array<string>(records.length);
  const cells: string[] = new Array<string>(plan.columns.length);
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as JsonObject;
    for (let c = 0; c < plan.columns.length; c++) {
      const column = plan.columns[c] as ResultColumn;
      cells[c] = csvCell(valueAt(record, column.keys), column.type);
    }
    out[r] = csvRecord(cells, delimiter);
  }
  return out;
}
