// Turns Salesforce query results into grid rows and columns: parent fields become dotted columns
// (`Account.Owner.Name`) read from the nested records, and each child subquery becomes a count
// column whose records are nested rows filling the subquery's own columns (`Contacts.LastName`).
// Columns come from the query's SELECT, so a parent that is null on every row still has its
// column; FIELDS(…) adds the fields the records carry.
import { parseSoql, type Query, type SelectItem } from '../../../src-shared/soql';

export type SalesforceRecord = Record<string, unknown>;

export interface ResultColumn {
  /** Unique: `Account.Name`, `Contacts` (a subquery's count), `Contacts.LastName`. */
  id: string;
  header: string;
  /** Relationship names from the top record down to the level this column lives on. */
  level: string[];
  /** Keys from that level's record to the value. */
  keys: string[];
  kind: 'value' | 'children';
}

export interface ResultRow {
  id: string;
  /** Position among its siblings: the record number for top rows, the child's for nested. */
  index: number;
  record: SalesforceRecord;
  /** [] for a top-level record; ['Contacts'] for a record of that subquery. */
  level: string[];
  children?: ResultRow[];
}

/** Functions whose result keeps the field's own name (the org names the rest expr0, expr1…). */
const NAMED_AS_FIELD = new Set(['TOLABEL', 'CONVERTCURRENCY', 'FORMAT']);

/** The grid columns of a query, in SELECT order; `records` fill in FIELDS(…) selections. */
export function resultColumns(soql: string, records: readonly SalesforceRecord[]): ResultColumn[] {
  const { query } = parseSoql(soql);
  const columns: ResultColumn[] = [];
  const seen = new Set<string>();
  const push = (column: ResultColumn) => {
    const key = column.id.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    columns.push(column);
  };
  const usesFieldsFunction = addQueryColumns(query, [], push);
  if (usesFieldsFunction || columns.length === 0) {
    for (const column of columnsFromRecords(records.slice(0, 50), [])) push(column);
  }
  return columns;
}

/** Adds the columns of one query level; true when it selects FIELDS(…). */
function addQueryColumns(
  query: Query,
  level: string[],
  push: (column: ResultColumn) => void,
): boolean {
  const alias = query.from?.alias?.name.toLowerCase();
  const prefix = level.length > 0 ? level.join('.') + '.' : '';
  let expressionNumber = 0;
  let usesFields = false;
  const value = (keys: string[], header = keys.join('.')) =>
    push({ id: prefix + header, header: prefix + header, level, keys, kind: 'value' });

  const addItem = (item: SelectItem) => {
    switch (item.kind) {
      case 'selectExpr': {
        const expr = item.expr;
        if (expr.kind === 'field') {
          let names = expr.path.map((p) => p.name);
          if (alias && names.length > 1 && names[0]?.toLowerCase() === alias)
            names = names.slice(1);
          if (names.every((n) => n)) value(names, item.alias?.name ?? names.join('.'));
          return;
        }
        const fn = expr.name.name.toUpperCase();
        const firstArg = expr.args[0];
        if (item.alias) value([item.alias.name]);
        else if (NAMED_AS_FIELD.has(fn) && firstArg?.kind === 'field') {
          value([firstArg.path[firstArg.path.length - 1]?.name ?? fn]);
        } else value([`expr${expressionNumber}`]);
        if (!item.alias && !(NAMED_AS_FIELD.has(fn) && firstArg?.kind === 'field')) {
          expressionNumber++;
        }
        return;
      }
      case 'selectSubquery': {
        const relationship = item.query.from?.name.name;
        if (!relationship) return;
        push({
          id: prefix + relationship,
          header: prefix + relationship,
          level,
          keys: [relationship],
          kind: 'children',
        });
        if (addQueryColumns(item.query, [...level, relationship], push)) usesFields = true;
        return;
      }
      case 'selectTypeof': {
        const base = item.field.path.map((p) => p.name);
        const branches = [...item.whens, ...(item.otherwise ? [item.otherwise] : [])];
        for (const branch of branches) {
          for (const f of branch.fields) value([...base, ...f.path.map((p) => p.name)]);
        }
        return;
      }
      case 'selectFields':
        usesFields = true;
        return;
    }
  };
  for (const item of query.select) addItem(item);
  return usesFields;
}

function isChildResult(value: unknown): value is { records: SalesforceRecord[] } {
  return isPlainObject(value) && Array.isArray(value.records);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Columns read off the records themselves (FIELDS(…), or a query the parser could not read). */
function columnsFromRecords(records: readonly SalesforceRecord[], level: string[]): ResultColumn[] {
  const out = new Map<string, ResultColumn>();
  const prefix = level.length > 0 ? level.join('.') + '.' : '';
  const visit = (record: SalesforceRecord, keys: string[]) => {
    for (const [key, v] of Object.entries(record)) {
      if (key === 'attributes') continue;
      if (keys.length === 0 && isChildResult(v)) {
        const id = prefix + key;
        if (!out.has(id)) out.set(id, { id, header: id, level, keys: [key], kind: 'children' });
        for (const c of columnsFromRecords(v.records.slice(0, 20), [...level, key])) {
          if (!out.has(c.id)) out.set(c.id, c);
        }
      } else if (isPlainObject(v) && isPlainObject(v.attributes)) {
        visit(v, [...keys, key]);
      } else {
        const id = prefix + [...keys, key].join('.');
        if (!out.has(id))
          out.set(id, { id, header: id, level, keys: [...keys, key], kind: 'value' });
      }
    }
  };
  for (const record of records) visit(record, []);
  return [...out.values()];
}

/** A record's key, as written or in any case (the org answers in the describe's spelling). */
function member(record: Record<string, unknown>, key: string): unknown {
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

/** The value of a column in a record of its level; undefined when the path is absent. */
export function readValue(record: SalesforceRecord, keys: readonly string[]): unknown {
  let current: unknown = record;
  for (const key of keys) {
    if (current === null) return null; // a parent that is not set
    if (!isPlainObject(current)) {
      current = undefined;
      break;
    }
    current = member(current, key);
  }
  if (current === undefined && keys.length > 1) {
    // Aggregate results flatten a grouped parent field to its last name (`Account.Name` → Name).
    return member(record, keys[keys.length - 1]!);
  }
  return current;
}

export function sameLevel(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]?.toLowerCase());
}

/** What a cell shows: '' for absent, the count of child records for a subquery column. */
export function cellValue(row: ResultRow, column: ResultColumn): unknown {
  if (!sameLevel(row.level, column.level)) return undefined;
  if (column.kind === 'children') {
    const result = readValue(row.record, column.keys);
    return isChildResult(result) ? result.records.length : 0;
  }
  return readValue(row.record, column.keys);
}

/** Rows for records starting at `firstIndex` (ids stay stable as pages are appended). */
export function resultRows(
  records: readonly SalesforceRecord[],
  columns: readonly ResultColumn[],
  firstIndex = 0,
): ResultRow[] {
  const childColumns = columns.filter((c) => c.kind === 'children');
  return records.map((record, i) =>
    buildRow(record, [], `r${firstIndex + i}`, firstIndex + i, childColumns),
  );
}

function buildRow(
  record: SalesforceRecord,
  level: string[],
  id: string,
  index: number,
  childColumns: readonly ResultColumn[],
): ResultRow {
  const row: ResultRow = { id, index, record, level };
  const children: ResultRow[] = [];
  for (const column of childColumns) {
    if (!sameLevel(column.level, level)) continue;
    const result = readValue(record, column.keys);
    if (!isChildResult(result)) continue;
    const relationship = column.keys[0]!;
    result.records.forEach((child, i) => {
      const childId = `${id}/${relationship}/${i}`;
      children.push(buildRow(child, [...level, relationship], childId, i, childColumns));
    });
  }
  if (children.length > 0) row.children = children;
  return row;
}

/** Text for a cell: null shows empty, compound values (address, location) as JSON. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(stripAttributes(value));
}

function stripAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAttributes);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'attributes') out[k] = stripAttributes(v);
  return out;
}

function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV of the top-level records (RFC 4180, CRLF line ends): one line per record, the top-level
 * columns in SELECT order; a child subquery's column holds how many child records it has (the
 * JSON export carries the children themselves).
 */
export function toCsv(
  records: readonly SalesforceRecord[],
  columns: readonly ResultColumn[],
): string {
  const top = columns.filter((c) => c.level.length === 0);
  const lines = [top.map((c) => csvField(c.header)).join(',')];
  for (const record of records) {
    const row: ResultRow = { id: '', index: 0, record, level: [] };
    lines.push(top.map((c) => csvField(displayValue(cellValue(row, c)))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** JSON of the records as the org answered them, without the `attributes` bookkeeping. */
export function toJson(records: readonly SalesforceRecord[]): string {
  return JSON.stringify(stripAttributes(records), null, 2) + '\n';
}

/** `ERROR at Row:1:Column:17` in an org's message: 1-based line and column, or null. */
export function errorPosition(message: string): { line: number; column: number } | null {
  const match = /Row:(\d+):Column:(\d+)/i.exec(message);
  if (!match) return null;
  return { line: Number(match[1]), column: Number(match[2]) };
}
