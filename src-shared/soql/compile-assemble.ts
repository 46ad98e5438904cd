// Turns the rows a compiled query returns into Salesforce's result shape (salesforce-rest.md
// §2.6, §5): `{totalSize, done, records}`, every record led by `attributes {type, url}`, parent
// paths as nested objects (null when the lookup is empty), child subqueries as nested results.
// A plan made at compile time says which column feeds which key; values are converted by the
// field's type, whatever form the database hands them in (0/1 or true/false, numbers as text,
// timestamps as text or Date).

import { TEXT_TYPES, type FieldDescribe } from '../salesforce';
import { isoDate, parseDateTime, salesforceDateTime } from './compile-dates';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** What the REST query resource returns (paging is the caller's business: done is true). */
export interface QueryResult {
  totalSize: number;
  done: boolean;
  records: JsonObject[];
}

/** How a value is stored and printed. */
export type ValueKind =
  'text' | 'id' | 'boolean' | 'int' | 'number' | 'date' | 'datetime' | 'time' | 'base64' | 'other';

export function kindOfField(field: Pick<FieldDescribe, 'type'>): ValueKind {
  const type = field.type;
  if (TEXT_TYPES.has(type)) return 'text';
  switch (type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
      return 'int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'time':
      return 'time';
    case 'base64':
      return 'base64';
    default:
      return 'other';
  }
}

/** The record a value belongs to: base64 fields print a URL built from it. */
export interface RecordIdentity {
  type: string;
  id: string | null;
}

export type Decoder = (value: unknown, owner: RecordIdentity) => JsonValue;

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(value);
  return Number.isNaN(n) ? null : n;
}

function toDateTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : parseDateTime(String(value));
  return date ? salesforceDateTime(date) : String(value);
}

function toDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return isoDate(value);
  const text = String(value);
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}

function toTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/.exec(String(value));
  if (!m) return String(value);
  const ms = ((m[4] ?? '') + '000').slice(0, 3);
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${ms}Z`;
}

function toBoolean(value: unknown): boolean {
  // Salesforce booleans are never null; a NULL column (Heroku Connect allows one) reads false.
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

export function decoderFor(
  kind: ValueKind,
  options: {
    apiVersion: string;
    fieldName?: string;
    labels?: ReadonlyMap<string, string>;
    /** Aggregate rows: a rolled-up boolean group column is null, not false. */
    nullable?: boolean;
  } = { apiVersion: '' },
): Decoder {
  const labels = options.labels;
  if (labels) {
    // toLabel: each value (each part of a multi-select value) becomes its label.
    return (value) => {
      const text = toText(value);
      if (text === null) return null;
      return text
        .split(';')
        .map((part) => labels.get(part) ?? part)
        .join(';');
    };
  }
  switch (kind) {
    case 'boolean':
      return options.nullable
        ? (value) => (value === null || value === undefined ? null : toBoolean(value))
        : toBoolean;
    case 'int':
    case 'number':
      return toNumber;
    case 'date':
      return toDate;
    case 'datetime':
      return toDateTime;
    case 'time':
      return toTime;
    case 'base64': {
      const { apiVersion, fieldName = '' } = options;
      // Query results carry the blob's URL, not its bytes (salesforce-rest.md §5).
      return (value, owner) =>
        value === null || value === undefined || owner.id === null
          ? null
          : `/services/data/v${apiVersion}/sobjects/${owner.type}/${owner.id}/${fieldName}`;
    }
    case 'text':
    case 'id':
      return toText;
    default:
      return (value) => (value === undefined ? null : (value as JsonValue));
  }
}

// ---------------------------------------------------------------------------------------------
// Plans

export interface ValueEntry {
  kind: 'value';
  key: string;
  column: number;
  decode: Decoder;
}

/** An address compound field built from its component columns. */
export interface CompoundEntry {
  kind: 'compound';
  key: string;
  parts: { key: string; column: number; decode: Decoder }[];
}

/** A child-to-parent relationship to one object type. */
export interface ParentEntry {
  kind: 'parent';
  key: string;
  plan: RecordPlan;
}

/**
 * A polymorphic relationship (Who, What, Owner): the type is the first target whose row was
 * found, else the one the Id's key prefix names. TYPEOF branches pick fields by that type.
 */
export interface PolymorphicEntry {
  kind: 'polymorphic';
  key: string;
  /** The foreign key: the parent's Id, null when the lookup is empty. */
  idColumn: number;
  targets: { type: string; presenceColumn: number }[];
  branches: { type: string; plan: RecordPlan }[];
  /** Fields for any other type (ELSE, or plain `Who.Name` paths); none: attributes only. */
  otherwise?: RecordPlan;
}

export interface ChildrenEntry {
  kind: 'children';
  key: string;
  column: number;
  plan: RecordPlan;
  /** Child rows arrive as arrays of arrays when the row is too wide for one JSON call. */
  chunked: boolean;
}

export type Entry = ValueEntry | CompoundEntry | ParentEntry | PolymorphicEntry | ChildrenEntry;

export interface RecordPlan {
  /** The sObject type; polymorphic branches get theirs at run time. */
  type: string;
  /** Column with the record's Id (for attributes.url, and a parent's presence). */
  idColumn: number;
  entries: Entry[];
}

export interface AssemblyContext {
  apiVersion: string;
  /** Key prefix (first three characters of an Id) → object name. */
  keyPrefixes: ReadonlyMap<string, string>;
}

function recordFrom(
  plan: RecordPlan,
  row: readonly unknown[],
  context: AssemblyContext,
  type: string = plan.type,
): JsonObject {
  const rawId = row[plan.idColumn];
  const id = rawId === null || rawId === undefined ? null : String(rawId);
  const attributes: JsonObject = { type };
  // A Heroku Connect row not yet written to Salesforce has no sfid, hence no URL.
  if (id !== null) attributes.url = `/services/data/v${context.apiVersion}/sobjects/${type}/${id}`;
  const record: JsonObject = { attributes };
  const owner: RecordIdentity = { type, id };
  for (const entry of plan.entries) record[entry.key] = entryValue(entry, row, owner, context);
  return record;
}

const ADDRESS_KEYS = [
  'city',
  'country',
  'countryCode',
  'geocodeAccuracy',
  'latitude',
  'longitude',
  'postalCode',
  'state',
  'stateCode',
  'street',
];

function entryValue(
  entry: Entry,
  row: readonly unknown[],
  owner: RecordIdentity,
  context: AssemblyContext,
): JsonValue {
  switch (entry.kind) {
    case 'value':
      return entry.decode(row[entry.column], owner);
    case 'compound': {
      const values = new Map(entry.parts.map((p) => [p.key, p.decode(row[p.column], owner)]));
      if ([...values.values()].every((v) => v === null)) return null;
      const compound: JsonObject = {};
      for (const key of ADDRESS_KEYS) compound[key] = values.get(key) ?? null;
      return compound;
    }
    case 'parent': {
      const id = row[entry.plan.idColumn];
      return id === null || id === undefined ? null : recordFrom(entry.plan, row, context);
    }
    case 'polymorphic': {
      const id = row[entry.idColumn];
      if (id === null || id === undefined) return null;
      const found = entry.targets.find((t) => {
        const v = row[t.presenceColumn];
        return v !== null && v !== undefined;
      });
      const type = found?.type ?? context.keyPrefixes.get(String(id).slice(0, 3)) ?? 'Name';
      const branch = entry.branches.find((b) => b.type.toLowerCase() === type.toLowerCase());
      // UNCONFIRMED: TYPEOF without ELSE for another type; we return the object with only its
      // attributes (the record exists, no fields were asked for it).
      const plan = branch?.plan ??
        entry.otherwise ?? { type, idColumn: entry.idColumn, entries: [] };
      return recordFrom(plan, row, context, type);
    }
    case 'children':
      return childResult(entry, row[entry.column], context);
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

/**
 * A child subquery's value: `{totalSize, done, records}`, or null when there are no children.
 * UNCONFIRMED for REST (soql.md §2); null is what Apex returns and what clients test for.
 */
function childResult(entry: ChildrenEntry, value: unknown, context: AssemblyContext): JsonValue {
  const rows = parseJson(value);
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const records = rows.map((raw) => {
    const cells = Array.isArray(raw) ? (raw as unknown[]) : [];
    const flat = entry.chunked
      ? cells.flatMap((chunk) => (Array.isArray(chunk) ? chunk : []))
      : cells;
    return recordFrom(entry.plan, flat, context);
  });
  return { totalSize: records.length, done: true, records };
}

/** Top-level rows carry columns named c0, c1, …; this reads them in order. */
export function rowCells(row: Readonly<Record<string, unknown>>, count: number): unknown[] {
  const cells = new Array<unknown>(count);
  for (let i = 0; i < count; i++) cells[i] = row[`c${i}`];
  return cells;
}

export function assembleRecords(
  plan: RecordPlan,
  columnCount: number,
  rows: readonly Readonly<Record<string, unknown>>[],
  context: AssemblyContext,
): QueryResult {
  const records = rows.map((row) => recordFrom(plan, rowCells(row, columnCount), context));
  return { totalSize: records.length, done: true, records };
}

/** Aggregate rows: `attributes {type: 'AggregateResult'}` (no url) and the keyed values. */
export function assembleAggregates(
  entries: readonly ValueEntry[],
  columnCount: number,
  rows: readonly Readonly<Record<string, unknown>>[],
): QueryResult {
  const owner: RecordIdentity = { type: 'AggregateResult', id: null };
  const records = rows.map((row) => {
    const cells = rowCells(row, columnCount);
    const record: JsonObject = { attributes: { type: 'AggregateResult' } };
    for (const e of entries) record[e.key] = e.decode(cells[e.column], owner);
    return record;
  });
  return { totalSize: records.length, done: true, records };
}

/** `SELECT COUNT() …`: only the size (salesforce-rest.md §2.6). */
export function assembleCount(rows: readonly Readonly<Record<string, unknown>>[]): QueryResult {
  const first = rows[0];
  const total = first ? (toNumber(first.c0) ?? 0) : 0;
  return { totalSize: total, done: true, records: [] };
}
