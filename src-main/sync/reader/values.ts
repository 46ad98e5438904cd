// Salesforce values -> Postgres COPY text (format text: tab between columns, `\N` for NULL,
// backslash escapes). Two sources: REST JSON values and Bulk 2.0 CSV strings. Both must give the
// same cell for the same record, so a REST load and a Bulk load fill identical tables.

import type { ReadColumn } from '../context';
import type { SalesforceRecord } from '../types';

/** How a column's values are written; decided once per column from its Salesforce type. */
export type ValueKind = 'text' | 'boolean' | 'number' | 'datetime' | 'date' | 'time';

/** NULL in COPY text. */
export const COPY_NULL = '\\N';

const NUMBER_TYPES: ReadonlySet<string> = new Set(['int', 'long', 'double', 'currency', 'percent']);

export function valueKindOf(column: Pick<ReadColumn, 'type' | 'sqlType'>): ValueKind {
  if (column.type === 'boolean') return 'boolean';
  if (NUMBER_TYPES.has(column.type)) return 'number';
  if (column.type === 'datetime') return 'datetime';
  if (column.type === 'date') return 'date';
  if (column.type === 'time') return 'time';
  // A system column typed by its SQL type only (an object without a describe for it).
  if (column.sqlType === 'timestamp') return 'datetime';
  if (column.sqlType === 'boolean') return 'boolean';
  return 'text';
}

/** A value that cannot become the column's Postgres type. */
export class ReadValueError extends Error {
  override readonly name = 'ReadValueError';
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes text for a COPY text cell: backslash, tab, newline and carriage return. */
export function escapeCopyText(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : text;
}

// `2024-01-02T03:04:05.000+0000` (REST), `…Z` (Bulk); any fraction, offset zero.
const UTC_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?:Z|[+-]00:?00)$/;
const OFFSET_DATETIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)([+-])(\d{2}):?(\d{2})$/;

/**
 * A Salesforce datetime as `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the form of the `timestamp`
 * (without time zone) columns Heroku Connect fills with UTC values.
 */
export function datetimeToCopy(value: string): string {
  const utc = UTC_DATETIME.exec(value);
  if (utc) return `${utc[1]} ${utc[2]}`;
  const offset = OFFSET_DATETIME.exec(value);
  if (offset) {
    const ms = Date.parse(`${offset[1]}T${offset[2]}${offset[3]}${offset[4]}:${offset[5]}`);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString().replace('T', ' ').slice(0, -1);
  }
  throw new ReadValueError(`"${value}" is not a Salesforce datetime (2024-01-02T03:04:05.000Z)`);
}

/** Milliseconds since the epoch of a Salesforce datetime, or null when it is not one. */
export function datetimeMs(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const utc = UTC_DATETIME.exec(value);
  const ms = utc
    ? Date.parse(`${utc[1]}T${utc[2]}Z`)
    : Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

/** `HH:MM:SS.mmmZ` -> `HH:MM:SS.mmm` (time columns have no zone; Salesforce times are UTC-less). */
function timeToCopy(value: string): string {
  return value.endsWith('Z') ? value.slice(0, -1) : value;
}

function booleanFromText(value: string): string {
  const lower = value.toLowerCase();
  if (lower === 'true') return 't';
  if (lower === 'false') return 'f';
  throw new ReadValueError(`"${value}" is not a boolean (true or false)`);
}

/** A REST JSON value as a COPY cell. */
export function restValueToCopy(value: unknown, kind: ValueKind): string {
  if (value === null || value === undefined) return COPY_NULL;
  switch (typeof value) {
    case 'string':
      return textToCopy(value, kind);
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      if (!Number.isFinite(value)) throw new ReadValueError(`${value} is not a finite number`);
      return String(value);
    case 'object':
      // A compound value in a text column (anyType and the like): keep it readable as JSON.
      return escapeCopyText(JSON.stringify(value));
  }
  return escapeCopyText(String(value));
}

/**
 * A Bulk 2.0 CSV value as a COPY cell. Bulk cannot tell null from empty: '' is NULL here.
 * Heroku Connect writes '' for text on Bulk reads (reference §4.4) and NULL on SOAP reads; we
 * write NULL on both paths so a Bulk load and a REST load agree, and the status trigger turns
 * '' written by applications into NULL too.
 */
export function bulkValueToCopy(value: string | undefined, kind: ValueKind): string {
  if (value === undefined || value === '') return COPY_NULL;
  return textToCopy(value, kind);
}

/** A value Salesforce wrote as text (REST strings, every Bulk cell) as a COPY cell. */
function textToCopy(value: string, kind: ValueKind): string {
  switch (kind) {
    case 'text':
    case 'number':
    case 'date':
      return escapeCopyText(value);
    case 'datetime':
      return datetimeToCopy(value);
    case 'time':
      return escapeCopyText(timeToCopy(value));
    case 'boolean':
      return booleanFromText(value);
  }
}

/** The segments of a SOQL path (`Account.External_ID__c`). */
export function pathSegments(path: string): string[] {
  return path.split('.');
}

function keyOf(record: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(record, key)) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

/**
 * The value at a path of a REST record: parents are nested objects (`Account: {External_ID__c}`)
 * or null when the lookup is empty; an empty parent gives null.
 */
export function readRecordPath(record: SalesforceRecord, segments: readonly string[]): unknown {
  let current: unknown = record;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return null;
    current = keyOf(current as Record<string, unknown>, segment);
  }
  return current;
}
