// One trigger-log row in full for the inspector: the change column by column, the mapped row as
// it is now, and the Salesforce record fetched beside it. The Salesforce side never fails the
// detail: when there is no Id, no org, or the org refuses, it says why in `note`.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { ApiError, type TriggerLogDetail, type WriteErrorExplanation } from '../../src-shared/api';
import {
  qualifiedName,
  quoteIdentifier,
  resolveMappedField,
  type Mapping,
} from '../../src-shared/mapping';
import {
  createDescribeCatalog,
  explainWriteError,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import type { StudioConnections } from '../connections';
import { explainSalesforceError, fetchDescribes } from '../salesforce';
import { parseHstore, type TriggerLogFullRow } from '../sync';

type ColumnChange = TriggerLogDetail['change'][number];
type SalesforceSide = TriggerLogDetail['salesforce'];

export interface DetailInput {
  pool: pg.Pool;
  schemaName: string;
  row: TriggerLogFullRow;
  /** The mapping of the row's table, when one names it. */
  mapping: Mapping | undefined;
  connections: StudioConnections;
  /** Describes fetched before, per org and object (the detail asks for one object at a time). */
  describes: DescribeCache;
}

/**
 * How long a describe fetched for the detail is used: a field added to the org (or its
 * relationship external ID) shows up in the record beside the row after at most this long.
 */
export const DESCRIBE_MAX_AGE_MS = 5 * 60_000;

/** Describes by key, each kept `maxAgeMs` from when it was fetched. */
export interface DescribeCache {
  get(key: string): SObjectDescribe | undefined;
  set(key: string, describe: SObjectDescribe): void;
}

export function createDescribeCache(
  maxAgeMs = DESCRIBE_MAX_AGE_MS,
  now: () => number = Date.now,
): DescribeCache {
  const entries = new Map<string, { describe: SObjectDescribe; at: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() - entry.at >= maxAgeMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.describe;
    },
    set(key, describe) {
      entries.set(key, { describe, at: now() });
    },
  };
}

/** A column of the mapped table: its name and Postgres type, in the table's order. */
interface TableColumn {
  name: string;
  type: string;
}

/** How long the detail waits for the org before it answers without the record. */
const ORG_WAIT_MS = 5_000;
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

async function tableColumns(
  pool: pg.Pool,
  schemaName: string,
  table: string,
): Promise<TableColumn[]> {
  const result = await pool.query<TableColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [qualifiedName(schemaName, table)],
  );
  return result.rows;
}

/**
 * The change column by column, in the table's order (columns the table no longer has follow in
 * the log's order). INSERT: every value is new. UPDATE: every column of `old`, the ones in
 * `values` changed. DELETE: the old values only, every one gone.
 */
export function changeOf(
  action: string,
  valuesText: string | null,
  oldText: string | null,
  columnOrder: readonly string[],
): ColumnChange[] {
  const values = parseHstore(valuesText);
  const old = parseHstore(oldText);
  const names = [...new Set([...old.keys(), ...values.keys()])];
  const position = new Map(columnOrder.map((name, index) => [name, index] as const));
  names.sort(
    (a, b) =>
      (position.get(a) ?? Number.MAX_SAFE_INTEGER) - (position.get(b) ?? Number.MAX_SAFE_INTEGER),
  );
  return names.map((column): ColumnChange => {
    const before = old.has(column) ? (old.get(column) ?? null) : null;
    if (action === 'DELETE') return { column, old: before, new: null, changed: true };
    if (action === 'INSERT') {
      return { column, old: null, new: values.get(column) ?? null, changed: true };
    }
    const changed = values.has(column);
    return { column, old: before, new: changed ? (values.get(column) ?? null) : before, changed };
  });
}

/**
 * The mapped row by id as JSON-safe values: timestamps as ISO text (Heroku Connect keeps UTC in
 * its columns without time zone), dates as YYYY-MM-DD, bigint and numeric as text (a JSON number
 * would lose digits); null when the row is gone or the table does not exist.
 */
async function mappedRow(
  pool: pg.Pool,
  schemaName: string,
  table: string,
  columns: readonly TableColumn[],
  recordId: number,
): Promise<Record<string, unknown> | null> {
  if (columns.length === 0) return null;
  const select = columns.map(({ name, type }) => {
    const column = `t.${quoteIdentifier(name)}`;
    let expression = column;
    if (type.startsWith('timestamp without time zone')) {
      expression = `to_char(${column}, ${ISO_UTC})`;
    } else if (type.startsWith('timestamp with time zone')) {
      expression = `to_char(${column} AT TIME ZONE 'UTC', ${ISO_UTC})`;
    } else if (/^(bigint|numeric|date|time|interval|money)/.test(type)) {
      expression = `${column}::text`;
    }
    return `${expression} AS ${quoteIdentifier(name)}`;
  });
  const result = await pool.query<Record<string, unknown>>(
    `SELECT ${select.join(', ')} FROM ${qualifiedName(schemaName, table)} AS t WHERE t.id = $1`,
    [recordId],
  );
  return result.rows[0] ?? null;
}

/** `SELECT Id, … FROM Contact WHERE Id = '…'` and how each selected path maps back. */
interface RecordQuery {
  soql: string;
  /** Mapping field name → the path in the answer (`Account.External_ID__c`). */
  paths: Array<{ field: string; path: string[] }>;
}

/**
 * The SOQL of the mapping's fields. With the object's describe, relationship external-ID
 * pseudo-fields (`Account__External_ID__c`) become `Account.External_ID__c` and fields the org
 * does not have are left out; without one (no org), a name with a second `__` is read as such a
 * pseudo-field (our guess; namespaced fields look alike and are rare in mappings).
 */
export function recordQuery(
  objectName: string,
  fields: readonly string[],
  sfid: string,
  describe: SObjectDescribe | undefined,
): RecordQuery {
  const catalog = describe ? createDescribeCatalog([describe]) : undefined;
  const paths: RecordQuery['paths'] = [{ field: 'Id', path: ['Id'] }];
  const seen = new Set(['id']);
  for (const field of fields) {
    let path: string[] | undefined;
    if (catalog) {
      const resolved = resolveMappedField(catalog, objectName, field);
      if (resolved.kind === 'field') path = [resolved.describe.name];
      else if (resolved.kind === 'relationship_external_id' && resolved.problem !== 'polymorphic') {
        path = [resolved.relationshipName, resolved.externalIdFieldName];
      }
    } else {
      path = guessPath(field);
    }
    if (!path) continue;
    const key = path.join('.').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push({ field, path });
  }
  return {
    // The caller checked the Id: letters and digits only, nothing to escape.
    soql: `SELECT ${paths.map((p) => p.path.join('.')).join(', ')} FROM ${objectName} WHERE Id = '${sfid}'`,
    paths,
  };
}

/**
 * Without a describe: `Account__External_ID__c` and `Parent_Account__r__External_ID__c` read as
 * the relationship and the parent's external-ID field (a custom one ends in `__c` and has no
 * `__` of its own); a name with one `__` or none is a field of the object itself.
 */
function guessPath(field: string): string[] {
  if (field.indexOf('__') === field.lastIndexOf('__')) return [field];
  const custom = /^(.+?)__([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*__c)$/.exec(field);
  if (custom) return [custom[1]!, custom[2]!];
  const standard = /^(.+)__([A-Za-z][A-Za-z0-9]*)$/.exec(field);
  return standard ? [standard[1]!, standard[2]!] : [field];
}

function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const step of path) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Record<string, unknown>)[step];
  }
  return value ?? null;
}

function orgFailure(error: unknown, origin: string): string {
  if (error instanceof ApiError) return error.message;
  const { message, hint } = explainSalesforceError(error, origin);
  return hint ? `${message} ${hint}` : message;
}

async function describeOf(
  conn: Connection,
  orgKey: string,
  objectName: string,
  describes: DescribeCache,
): Promise<SObjectDescribe | undefined> {
  const key = `${orgKey}\u0000${objectName.toLowerCase()}`;
  const known = describes.get(key);
  if (known) return known;
  const [describe] = await fetchDescribes(conn, [objectName]);
  if (describe) describes.set(key, describe);
  return describe;
}

async function salesforceSide(input: DetailInput, sfid: string | null): Promise<SalesforceSide> {
  const { row, mapping } = input;
  if (!mapping) {
    return {
      record: null,
      note: `No applied mapping names table ${row.table}, so its Salesforce object is unknown.`,
      soql: null,
    };
  }
  const objectName = mapping.objectName;
  if (!sfid) {
    return {
      record: null,
      note:
        row.action === 'INSERT'
          ? `The row has no Salesforce Id: this ${objectName} never reached Salesforce.`
          : 'Neither the trigger-log row nor the row in Postgres has a Salesforce Id.',
      soql: null,
    };
  }
  if (!SALESFORCE_ID.test(sfid)) {
    return {
      record: null,
      note: `The sfid ${JSON.stringify(sfid)} is not a Salesforce Id (15 or 18 letters and digits).`,
      soql: null,
    };
  }
  let org;
  try {
    org = await input.connections.activeOrg();
  } catch (error) {
    return {
      record: null,
      note:
        error instanceof ApiError && error.code === 'NO_ACTIVE_ORG'
          ? 'No org is active: choose one in Connections to see the Salesforce record beside the row.'
          : `The org could not be reached: ${orgFailure(error, 'the org')}`,
      soql: recordQuery(objectName, mapping.fields, sfid, undefined).soql,
    };
  }
  const conn = org.conn;
  const origin = conn.instanceUrl || 'the org';
  const read = async (): Promise<SalesforceSide> => {
    let describe: SObjectDescribe | undefined;
    try {
      describe = await describeOf(conn, org.orgKey, objectName, input.describes);
    } catch {
      // The query below says what is wrong with the object, in the org's words.
    }
    const query = recordQuery(describe?.name ?? objectName, mapping.fields, sfid, describe);
    try {
      const answer = await conn.query<Record<string, unknown>>(query.soql);
      const found = answer.records[0];
      if (found) {
        const record: Record<string, unknown> = {};
        for (const { field, path } of query.paths) record[field] = valueAt(found, path);
        return { record, note: null, soql: query.soql };
      }
      const all = await conn.query<{ Id: string; IsDeleted?: boolean }>(
        `SELECT Id, IsDeleted FROM ${describe?.name ?? objectName} WHERE Id = '${sfid}'`,
        { scanAll: true },
      );
      const note = all.records[0]?.IsDeleted
        ? `${objectName} ${sfid} is deleted in Salesforce (it is in the recycle bin).`
        : `The org has no ${objectName} ${sfid}: it was deleted for good, or the signed-in user cannot see it.`;
      return { record: null, note, soql: query.soql };
    } catch (error) {
      return {
        record: null,
        note: `The org refused to read the record: ${orgFailure(error, origin)}`,
        soql: query.soql,
      };
    }
  };
  // jsforce retries a busy org for about 15 s; the detail answers sooner and says so.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SalesforceSide>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          record: null,
          note:
            `The org did not answer within ${ORG_WAIT_MS / 1000} s (busy or unreachable); ` +
            'open the row again to ask once more.',
          soql: recordQuery(objectName, mapping.fields, sfid, undefined).soql,
        }),
      ORG_WAIT_MS,
    );
  });
  try {
    return await Promise.race([read(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The detail of `input.row`: change, mapped row, Salesforce record and the explanation. */
export async function triggerLogDetail(input: DetailInput): Promise<TriggerLogDetail> {
  const { pool, schemaName, row, mapping } = input;
  const columns = await tableColumns(pool, schemaName, row.table);
  const postgresRow = await mappedRow(pool, schemaName, row.table, columns, row.recordId);
  const text = (value: unknown) =>
    value === null || value === undefined
      ? null
      : typeof value === 'string'
        ? value
        : String(value);
  const hcLastop = postgresRow ? text(postgresRow._hc_lastop) : null;
  const hcErr = postgresRow ? text(postgresRow._hc_err) : null;
  const sfid = row.sfid ?? (postgresRow ? text(postgresRow.sfid) : null);
  const explanation: WriteErrorExplanation | null = explainWriteError(row.message, {
    ...(mapping ? { objectName: mapping.objectName } : {}),
    action: row.action,
  });
  return {
    row: {
      id: row.id,
      state: row.state,
      action: row.action,
      table: row.table,
      recordId: row.recordId,
      sfid: row.sfid,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      processedAt: row.processedAt,
      message: row.message,
      source: row.source,
      txid: row.txid,
      processedTx: row.processedTx,
      sfResult: row.sfResult,
    },
    change: changeOf(
      row.action,
      row.values,
      row.old,
      columns.map((c) => c.name),
    ),
    objectName: mapping?.objectName ?? null,
    postgresRow,
    hcLastop,
    hcErr,
    salesforce: await salesforceSide(input, sfid),
    explanation,
  };
}
