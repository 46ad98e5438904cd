// What the reader asks Salesforce for and how a page of answers becomes COPY text: the SOQL of
// loads and polls, and per-page encoders for REST records and Bulk CSV rows.

import type { MappingContext } from '../context';
import type { BulkQueryPage, SalesforceRecord } from '../types';
import {
  bulkValueToCopy,
  COPY_NULL,
  datetimeMs,
  datetimeToCopy,
  pathSegments,
  readRecordPath,
  ReadValueError,
  restValueToCopy,
  valueKindOf,
  type ValueKind,
} from './values';

/**
 * Where the COPY text goes: straight into the mapped table (the read columns plus
 * `_hc_lastop` = SYNCED), or into a staging table (the read columns plus the record's
 * modification time and its IsDeleted flag, which decide how it is applied).
 */
export type CopyLayout = 'table' | 'staging';

export const STAGE_STAMP_COLUMN = '_cs_stamp';
export const STAGE_DELETED_COLUMN = '_cs_deleted';

interface ShapeColumn {
  column: string;
  path: string;
  segments: string[];
  kind: ValueKind;
}

export interface ReadShape {
  objectName: string;
  columns: ShapeColumn[];
  /** The SELECT list: every read path, plus Id, the poll field and IsDeleted when missing. */
  selectPaths: string[];
  pollField: 'SystemModstamp' | 'LastModifiedDate';
  hasIsDeleted: boolean;
}

export interface EncodedPage {
  /** COPY text, one line per record. */
  text: string;
  rows: number;
  /** The Id of the page's last record (pages come in Id order on loads). */
  lastId: string | null;
  /** The greatest poll-field value on the page, in ms since the epoch. */
  maxStampMs: number | null;
  /** Each record's Id, in page order. */
  ids: string[];
}

/**
 * What a mapping reads. Relationship external-ID columns read the parent's field
 * (`Account.External_ID__c`). UNCONFIRMED: whether Heroku Connect fills them on reads, we do, so
 * the column means the same in both directions.
 */
export function readShapeOf(mapping: MappingContext): ReadShape {
  const columns = mapping.readColumns.map((c) => ({
    column: c.column,
    path: c.path,
    segments: pathSegments(c.path),
    kind: valueKindOf(c),
  }));
  const selectPaths: string[] = [];
  const seen = new Set<string>();
  const select = (path: string) => {
    if (seen.has(path.toLowerCase())) return;
    seen.add(path.toLowerCase());
    selectPaths.push(path);
  };
  for (const c of columns) select(c.path);
  select('Id');
  select(mapping.pollField);
  if (mapping.hasIsDeleted) select('IsDeleted');
  return {
    objectName: mapping.objectName,
    columns,
    selectPaths,
    pollField: mapping.pollField,
    hasIsDeleted: mapping.hasIsDeleted,
  };
}

const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** `SELECT COUNT() FROM X`: how many records a load will bring. */
export function loadCountSoql(shape: ReadShape): string {
  return `SELECT COUNT() FROM ${shape.objectName}`;
}

/**
 * The load query, in Id order so a load can go on after the last Id it committed. Deleted
 * records are left out (the query endpoint skips them anyway; the filter says so).
 */
export function loadSoql(shape: ReadShape, afterId: string | null): string {
  const where: string[] = [];
  if (shape.hasIsDeleted) where.push('IsDeleted = false');
  if (afterId !== null) {
    if (!SALESFORCE_ID.test(afterId)) {
      throw new Error(
        `The load of ${shape.objectName} cannot resume after "${afterId}": not a Salesforce Id.`,
      );
    }
    where.push(`Id > '${afterId}'`);
  }
  return (
    `SELECT ${shape.selectPaths.join(', ')} FROM ${shape.objectName}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY Id'
  );
}

/**
 * A SOQL datetime literal (unquoted, UTC), rounded down to the second: whole seconds are the
 * documented form (a fraction is UNCONFIRMED in real orgs), and the poll's window only widens.
 */
export function soqlDatetime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** The changes (and, through queryAll, the deletes) since `since`, oldest first. */
export function pollWhere(shape: ReadShape, since: Date): string {
  return `${shape.pollField} >= ${soqlDatetime(since)}`;
}

export function pollSoql(shape: ReadShape, since: Date): string {
  return (
    `SELECT ${shape.selectPaths.join(', ')} FROM ${shape.objectName} ` +
    `WHERE ${pollWhere(shape, since)} ORDER BY ${shape.pollField}`
  );
}

export function pollCountSoql(shape: ReadShape, since: Date): string {
  return `SELECT COUNT() FROM ${shape.objectName} WHERE ${pollWhere(shape, since)}`;
}

/** The COPY column list of a layout (quoted by the caller). */
export function copyColumns(shape: ReadShape, layout: CopyLayout): string[] {
  const read = shape.columns.map((c) => c.column);
  return layout === 'table'
    ? [...read, '_hc_lastop']
    : [...read, STAGE_STAMP_COLUMN, STAGE_DELETED_COLUMN];
}

function valueError(shape: ReadShape, path: string, id: unknown, error: unknown): Error {
  if (!(error instanceof ReadValueError))
    return error instanceof Error ? error : new Error(String(error));
  return new ReadValueError(
    `${shape.objectName}.${path} of record ${typeof id === 'string' ? id : '(no Id)'}: ${error.message}. ` +
      'The column cannot hold this value; check the field type in the mapping.',
  );
}

function tail(layout: CopyLayout, stamp: unknown, deleted: boolean): string {
  if (layout === 'table') return '\tSYNCED\n';
  const stampCell = typeof stamp === 'string' && stamp !== '' ? datetimeToCopy(stamp) : COPY_NULL;
  return `\t${stampCell}\t${deleted ? 't' : 'f'}\n`;
}

/** A page of REST records as COPY text. */
export function encodeRestPage(
  shape: ReadShape,
  records: readonly SalesforceRecord[],
  layout: CopyLayout,
): EncodedPage {
  const lines: string[] = new Array<string>(records.length);
  const ids: string[] = new Array<string>(records.length);
  const cells: string[] = new Array<string>(shape.columns.length);
  let maxStampMs: number | null = null;
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as SalesforceRecord;
    const id = record.Id;
    let c = 0;
    try {
      for (; c < shape.columns.length; c++) {
        const column = shape.columns[c] as ShapeColumn;
        const value =
          column.segments.length === 1
            ? (record[column.path] ?? readRecordPath(record, column.segments))
            : readRecordPath(record, column.segments);
        cells[c] = restValueToCopy(value, column.kind);
      }
    } catch (error) {
      throw valueError(shape, shape.columns[c]?.path ?? '?', id, error);
    }
    const stamp = record[shape.pollField];
    const stampMs = datetimeMs(stamp);
    if (stampMs !== null && (maxStampMs === null || stampMs > maxStampMs)) maxStampMs = stampMs;
    lines[r] = cells.join('\t') + tail(layout, stamp, record.IsDeleted === true);
    ids[r] = typeof id === 'string' ? id : '';
  }
  return {
    text: lines.join(''),
    rows: records.length,
    lastId: ids.length > 0 ? (ids[ids.length - 1] ?? null) : null,
    maxStampMs,
    ids,
  };
}

function headerKey(page: BulkQueryPage, path: string, objectName: string): string {
  if (page.columns.includes(path)) return path;
  const lower = path.toLowerCase();
  const found = page.columns.find((c) => c.toLowerCase() === lower);
  if (found === undefined) {
    throw new Error(
      `The Bulk results of ${objectName} have no column ${path} (columns: ${page.columns.join(', ')}).`,
    );
  }
  return found;
}

/** A page of Bulk 2.0 CSV rows as COPY text. */
export function encodeBulkPage(
  shape: ReadShape,
  page: BulkQueryPage,
  layout: CopyLayout,
): EncodedPage {
  const rows = page.rows;
  if (rows.length === 0) return { text: '', rows: 0, lastId: null, maxStampMs: null, ids: [] };
  const keys = shape.columns.map((c) => headerKey(page, c.path, shape.objectName));
  const idKey = headerKey(page, 'Id', shape.objectName);
  const stampKey = headerKey(page, shape.pollField, shape.objectName);
  const deletedKey = shape.hasIsDeleted ? headerKey(page, 'IsDeleted', shape.objectName) : null;
  const lines: string[] = new Array<string>(rows.length);
  const ids: string[] = new Array<string>(rows.length);
  const cells: string[] = new Array<string>(shape.columns.length);
  let maxStampMs: number | null = null;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, string>;
    const id = row[idKey];
    let c = 0;
    try {
      for (; c < keys.length; c++) {
        cells[c] = bulkValueToCopy(row[keys[c] as string], (shape.columns[c] as ShapeColumn).kind);
      }
    } catch (error) {
      throw valueError(shape, shape.columns[c]?.path ?? '?', id, error);
    }
    const stamp = row[stampKey];
    const stampMs = datetimeMs(stamp);
    if (stampMs !== null && (maxStampMs === null || stampMs > maxStampMs)) maxStampMs = stampMs;
    const deleted = deletedKey !== null && row[deletedKey]?.toLowerCase() === 'true';
    lines[r] = cells.join('\t') + tail(layout, stamp, deleted);
    ids[r] = id ?? '';
  }
  return {
    text: lines.join(''),
    rows: rows.length,
    lastId: ids[ids.length - 1] ?? null,
    maxStampMs,
    ids,
  };
}
