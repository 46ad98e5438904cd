// Bulk API 2.0 ingest processing (salesforce-rest.md §2.16): the uploaded CSV becomes one store
// call per row. Each row is its own unit: a row's failure never touches the others. Columns are
// field names, relationship columns `Account.External_ID__c` or polymorphic
// `Lead:Who.Email`; an empty value leaves the field alone, `#N/A` clears it; values are strings
// converted by the field's type before the store sees them.

import { SalesforceError, asSalesforceError } from '../errors';
import { normalizeId } from '../ids';
import type { OrgField, OrgObject, OrgSchema } from '../schema/model';
import type { LocalOrgStore } from '../store/types';
import { COLUMN_DELIMITERS, CsvError, LINE_ENDINGS, parseCsv, writeCsv } from './csv';
import type { BulkJob, IngestOperation } from './jobs';

/** The value that sets a field to null in a Bulk upload. */
export const BULK_NULL = '#N/A';

type Column =
  | { kind: 'field'; field: OrgField }
  /** `Rel.ExtField` / `Type:Rel.ExtField`: the parent found by one of its unique fields. */
  | {
      kind: 'relationship';
      lookup: OrgField;
      relationshipName: string;
      parentType: string | null;
      parentField: string;
    }
  /** The Id of update/delete (and of upsert by Id); never a body value. */
  | { kind: 'id' }
  /** The external id of upsert; never a body value. */
  | { kind: 'externalId'; field: OrgField }
  /** Present in the file but not used (jsforce always sends an empty Id column for upsert). */
  | { kind: 'ignored' };

export interface IngestOutcome {
  state: 'JobComplete' | 'Failed';
  errorMessage: string | null;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  successfulResults: string;
  failedResults: string;
  unprocessedRecords: string;
}

/** Why the whole job failed: its file cannot be processed at all. */
class InvalidBatch extends Error {}

interface UploadedRows {
  header: string[];
  rows: string[][];
}

/** The rows of every upload under the first upload's header. */
export function readUploads(uploads: readonly string[], delimiter: string): UploadedRows {
  let header: string[] | undefined;
  const rows: string[][] = [];
  uploads.forEach((text, index) => {
    let parsed: string[][];
    try {
      parsed = parseCsv(text, delimiter, { blankLines: 'empty-record' });
    } catch (error) {
      if (error instanceof CsvError) {
        throw new InvalidBatch(`InvalidBatch : upload ${index + 1}: ${error.message}`);
      }
      throw error;
    }
    const [first, ...read] = parsed;
    if (!first) return;
    // Only a one-column file can mean an empty value by an empty line; elsewhere it is a gap.
    const data = first.length === 1 ? read : read.filter((row) => row.length > 1 || row[0] !== '');
    if (!header) {
      header = first;
    } else if (
      first.length !== header.length ||
      first.some((name, i) => name.trim().toLowerCase() !== header?.[i]?.trim().toLowerCase())
    ) {
      // Status of several differing headers in one job UNCONFIRMED; we refuse the job.
      throw new InvalidBatch(
        `InvalidBatch : upload ${index + 1} has the header [${first.join(', ')}] but the first ` +
          `upload has [${header.join(', ')}]; every upload of a job needs the same columns`,
      );
    }
    data.forEach((row, r) => {
      if (row.length !== header?.length) {
        // A malformed file fails the job (UNCONFIRMED: Salesforce's exact handling).
        throw new InvalidBatch(
          `InvalidBatch : upload ${index + 1}, record ${r + 1}: ${row.length} values but the ` +
            `header has ${header?.length} columns`,
        );
      }
      rows.push(row);
    });
  });
  return { header: header ?? [], rows };
}

function fieldNotFound(name: string, object: OrgObject): InvalidBatch {
  // "InvalidBatch : Field name not found : X" is what captured job errors read (UNCONFIRMED).
  return new InvalidBatch(
    `InvalidBatch : Field name not found : ${name} (no such field on ${object.name}; ` +
      'use field API names, or Relationship.ExternalIdField for a lookup)',
  );
}

function resolveColumns(
  header: readonly string[],
  job: BulkJob,
  object: OrgObject,
  schema: OrgSchema,
): Column[] {
  const operation = job.operation as IngestOperation;
  const externalId = job.externalIdFieldName?.toLowerCase();
  const seen = new Set<string>();
  const columns = header.map((raw): Column => {
    const name = raw.trim();
    if (name === '') throw new InvalidBatch('InvalidBatch : the header has an empty column name');
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new InvalidBatch(`InvalidBatch : Duplicate field name : ${name}`);
    seen.add(lower);

    if (lower === 'id') {
      if (operation === 'insert') return { kind: 'field', field: object.field('Id') as OrgField };
      if (operation === 'upsert' && externalId !== 'id') return { kind: 'ignored' };
      return { kind: 'id' };
    }
    if (operation === 'delete' || operation === 'hardDelete') return { kind: 'ignored' };
    if (operation === 'upsert' && lower === externalId) {
      return { kind: 'externalId', field: object.field(name) as OrgField };
    }
    const dot = name.indexOf('.');
    if (dot < 0) {
      const field = object.field(name);
      if (!field) throw fieldNotFound(name, object);
      return { kind: 'field', field };
    }
    return relationshipColumn(name, object, schema);
  });
  const needsId = operation === 'update' || operation === 'delete' || operation === 'hardDelete';
  if (needsId && !columns.some((c) => c.kind === 'id')) {
    throw new InvalidBatch(`InvalidBatch : the file needs an Id column for ${operation}`);
  }
  if (
    operation === 'upsert' &&
    externalId !== 'id' &&
    !columns.some((c) => c.kind === 'externalId')
  ) {
    throw new InvalidBatch(
      `InvalidBatch : the file needs a ${job.externalIdFieldName} column (the job's externalIdFieldName)`,
    );
  }
  return columns;
}

function relationshipColumn(name: string, object: OrgObject, schema: OrgSchema): Column {
  // `Type:Relationship.Field` names the parent type of a polymorphic lookup.
  const colon = name.indexOf(':');
  const parentType = colon >= 0 ? name.slice(0, colon) : null;
  const path = (colon >= 0 ? name.slice(colon + 1) : name).split('.');
  const [relationship, parentField, ...rest] = path;
  if (!relationship || !parentField || rest.length > 0) throw fieldNotFound(name, object);
  const lookup = object.fields.find(
    (f) => f.describe.relationshipName?.toLowerCase() === relationship.toLowerCase(),
  );
  if (!lookup) throw fieldNotFound(name, object);
  const targets = lookup.describe.referenceTo;
  let target: string | undefined;
  if (parentType !== null) {
    target = targets.find((t) => t.toLowerCase() === parentType.toLowerCase());
    if (!target) {
      throw new InvalidBatch(
        `InvalidBatch : ${parentType} is not a type ${lookup.name} can point to ` +
          `(${targets.join(', ')})`,
      );
    }
  } else if (targets.length === 1) {
    target = targets[0];
  } else {
    throw new InvalidBatch(
      `InvalidBatch : ${name}: ${lookup.name} can point to ${targets.join(', ')}; name the ` +
        `type as Type:${relationship}.${parentField}`,
    );
  }
  const canonicalParentField =
    (target && schema.object(target)?.field(parentField)?.name) ?? parentField;
  return {
    kind: 'relationship',
    lookup,
    relationshipName: lookup.describe.relationshipName ?? relationship,
    parentType: parentType !== null && target ? target : null,
    parentField: canonicalParentField,
  };
}

// ---------------------------------------------------------------------------------------------
// Values

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

function notOfType(field: OrgField, raw: string): SalesforceError {
  // Code and wording of Salesforce's per-row type error (UNCONFIRMED).
  return new SalesforceError(
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
    `${field.describe.label}: value not of required type: ${raw}`,
    [field.name],
  );
}

function validDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A CSV cell as the JSON value the store expects for the field. */
export function convertCell(field: OrgField, raw: string): unknown {
  switch (field.type) {
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw notOfType(field, raw);
    }
    case 'int':
    case 'long': {
      const text = raw.trim();
      if (!INTEGER.test(text)) throw notOfType(field, raw);
      return Number(text);
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const text = raw.trim();
      if (!DECIMAL.test(text)) throw notOfType(field, raw);
      return Number(text);
    }
    case 'date': {
      const m = DATE.exec(raw.trim());
      if (!m || !validDate(m[1] as string, m[2] as string, m[3] as string)) {
        throw notOfType(field, raw);
      }
      return m[0];
    }
    case 'datetime': {
      const m = DATETIME.exec(raw.trim());
      if (!m || !validDate(m[1] as string, m[2] as string, m[3] as string)) {
        throw notOfType(field, raw);
      }
      let zone = m[8] ?? 'Z';
      if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      const millis = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
      const date = new Date(
        `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${millis}${zone}`,
      );
      if (Number.isNaN(date.getTime())) throw notOfType(field, raw);
      return date.toISOString();
    }
    case 'time':
      if (!TIME.exec(raw.trim())) throw notOfType(field, raw);
      return raw.trim();
    default:
      return raw;
  }
}

interface RowRequest {
  body: Record<string, unknown>;
  id: string | null;
  externalIdValue: string | null;
}

function rowRequest(columns: readonly Column[], row: readonly string[]): RowRequest {
  const body: Record<string, unknown> = {};
  let id: string | null = null;
  let externalIdValue: string | null = null;
  columns.forEach((column, index) => {
    const raw = row[index] ?? '';
    switch (column.kind) {
      case 'ignored':
        return;
      case 'id':
        id = raw.trim() === '' || raw === BULK_NULL ? null : raw.trim();
        return;
      case 'externalId':
        externalIdValue = raw === '' || raw === BULK_NULL ? null : raw;
        return;
      case 'field':
        if (raw === '') return;
        body[column.field.name] = raw === BULK_NULL ? null : convertCell(column.field, raw);
        return;
      case 'relationship':
        if (raw === '') return;
        if (raw === BULK_NULL) {
          body[column.lookup.name] = null;
          return;
        }
        body[column.relationshipName] = {
          ...(column.parentType ? { attributes: { type: column.parentType } } : {}),
          [column.parentField]: raw,
        };
        return;
    }
  });
  return { body, id, externalIdValue };
}

// ---------------------------------------------------------------------------------------------
// Processing

/** `CODE:message:Field1,Field2 --` (punctuation as captured files show it; rule UNCONFIRMED). */
export function bulkErrorText(error: SalesforceError): string {
  const fields = error.fields.length > 0 ? `${error.fields.join(',')} ` : '';
  return `${error.errorCode}:${error.message}:${fields}--`;
}

function missingId(operation: IngestOperation): SalesforceError {
  // Salesforce's text for update; the delete wording is ours (UNCONFIRMED).
  return new SalesforceError('MISSING_ARGUMENT', `Id not specified in an ${operation} call`);
}

interface RowResult {
  id: string;
  created: boolean;
}

function processRow(
  store: LocalOrgStore,
  job: BulkJob,
  externalIdField: OrgField | undefined,
  request: RowRequest,
  userId: string,
): RowResult {
  const object = job.object;
  const options = { userId };
  switch (job.operation as IngestOperation) {
    case 'insert':
      return { id: store.insert(object, request.body, options), created: true };
    case 'update': {
      if (request.id === null) throw missingId('update');
      store.update(object, request.id, request.body, options);
      return { id: normalizeId(request.id) ?? request.id, created: false };
    }
    case 'delete':
    case 'hardDelete': {
      if (request.id === null) throw missingId('delete');
      if (job.operation === 'delete') store.delete(object, request.id, options);
      else store.hardDelete(object, request.id);
      return { id: normalizeId(request.id) ?? request.id, created: false };
    }
    case 'upsert': {
      if (!externalIdField || externalIdField.name === 'Id') {
        // Upsert by Id: a row with an Id updates it, a row without one is inserted.
        if (request.id === null) {
          return { id: store.insert(object, request.body, options), created: true };
        }
        store.update(object, request.id, request.body, options);
        return { id: normalizeId(request.id) ?? request.id, created: false };
      }
      if (request.externalIdValue === null) {
        // A row without an external id value makes a new record (UNCONFIRMED for Bulk 2.0).
        return { id: store.insert(object, request.body, options), created: true };
      }
      const outcome = store.upsert(
        object,
        externalIdField.name,
        request.externalIdValue,
        request.body,
        options,
      );
      return { id: outcome.id, created: outcome.created };
    }
  }
}

function resultFile(
  lead: readonly string[],
  header: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter: string,
  lineEnding: string,
): string {
  return writeCsv([[...lead, ...header], ...rows], { delimiter, lineEnding });
}

/** Runs every uploaded row of a closed job against the store, now. */
export function runIngest(
  store: LocalOrgStore,
  job: BulkJob,
  uploads: readonly string[],
  userId: string,
): IngestOutcome {
  const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
  const lineEnding = LINE_ENDINGS[job.lineEnding];
  const object = store.schema.object(job.object);
  let uploaded: UploadedRows | undefined;
  let columns: Column[];
  try {
    if (!object) throw new InvalidBatch(`InvalidBatch : the object ${job.object} no longer exists`);
    uploaded = readUploads(uploads, delimiter);
    columns = resolveColumns(uploaded.header, job, object, store.schema);
  } catch (error) {
    if (!(error instanceof InvalidBatch)) throw error;
    // Nothing was processed: empty result files, every readable row unprocessed.
    const header = uploaded?.header ?? [];
    return {
      state: 'Failed',
      errorMessage: error.message,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      successfulResults: resultFile(['sf__Id', 'sf__Created'], header, [], delimiter, lineEnding),
      failedResults: resultFile(['sf__Id', 'sf__Error'], header, [], delimiter, lineEnding),
      unprocessedRecords: uploaded ? unprocessedFile(uploaded, delimiter, lineEnding) : '',
    };
  }
  const { header, rows } = uploaded;
  const externalIdField = job.externalIdFieldName
    ? object.field(job.externalIdFieldName)
    : undefined;
  const successful: string[][] = [];
  const failed: string[][] = [];
  // One transaction for the job (speed), one savepoint per row (its own unit).
  store.atomically(() => {
    for (const row of rows) {
      let request: RowRequest | undefined;
      try {
        request = rowRequest(columns, row);
        const current = request;
        const result = store.atomically(() =>
          processRow(store, job, externalIdField, current, userId),
        );
        successful.push([result.id, result.created ? 'true' : 'false', ...row]);
      } catch (error) {
        const failure = asSalesforceError(error);
        const knownId = request?.id ? (normalizeId(request.id) ?? request.id) : '';
        failed.push([knownId, bulkErrorText(failure), ...row]);
      }
    }
  });
  return {
    state: 'JobComplete',
    errorMessage: null,
    numberRecordsProcessed: rows.length,
    numberRecordsFailed: failed.length,
    successfulResults: resultFile(
      ['sf__Id', 'sf__Created'],
      header,
      successful,
      delimiter,
      lineEnding,
    ),
    failedResults: resultFile(['sf__Id', 'sf__Error'], header, failed, delimiter, lineEnding),
    unprocessedRecords: resultFile([], header, [], delimiter, lineEnding),
  };
}

function unprocessedFile(uploaded: UploadedRows, delimiter: string, lineEnding: string): string {
  if (uploaded.header.length === 0) return '';
  return resultFile([], uploaded.header, uploaded.rows, delimiter, lineEnding);
}

/** The unprocessedrecords file of a job aborted before processing: every uploaded row. */
export function unprocessedOnAbort(job: BulkJob, uploads: readonly string[]): string {
  const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
  const lineEnding = LINE_ENDINGS[job.lineEnding];
  try {
    return unprocessedFile(readUploads(uploads, delimiter), delimiter, lineEnding);
  } catch (error) {
    if (!(error instanceof InvalidBatch)) throw error;
    // The uploads cannot be read as CSV: hand them back as they came.
    return uploads.join('');
  }
}

/** The header of an ingest job's uploads (for empty result files); [] when unreadable. */
export function uploadedHeader(job: BulkJob, uploads: readonly string[]): string[] {
  try {
    return readUploads(uploads, COLUMN_DELIMITERS[job.columnDelimiter]).header;
  } catch (error) {
    if (error instanceof InvalidBatch) return [];
    throw error;
  }
}
