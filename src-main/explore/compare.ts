// Compare: the same SOQL on the org and over the mapped Postgres tables, records matched by Id,
// every selected value compared after normalising what the two sides legitimately write
// differently. A false "different" would send a user hunting for a sync problem that is not
// there, so equality is generous about form and strict about content.
import { ApiError, type ApiResult } from '../../src-shared/api';
import type { ExploreConnections } from './mapped-database';
import type { QueryService } from './query-service';
import { runCompiled, type SqlService } from './sql-service';

/** Records Compare reads from each side. */
export const COMPARE_LIMIT = 50_000;

export type CompareResult = ApiResult<'compare.run'>;
type JsonRecord = Record<string, unknown>;

export interface CompareServiceOptions {
  connections: ExploreConnections;
  query: QueryService;
  sql: SqlService;
}

export class CompareService {
  constructor(private readonly options: CompareServiceOptions) {}

  async run(soql: string): Promise<CompareResult> {
    const started = performance.now();
    // Compile first: an unmapped object or field fails here, before the org reads 50,000 rows.
    const { compiled, database } = await this.options.sql.compile(soql);
    if (compiled.kind !== 'records') {
      throw new ApiError(
        'BAD_PARAMS',
        'Compare matches records by Id, so it needs a query that returns records: not COUNT() ' +
          'or GROUP BY. Select Id and the fields to compare, e.g. SELECT Id, Name FROM Account.',
      );
    }
    const org = await this.options.connections.activeOrg();
    const wrapped = `SELECT * FROM (\n${compiled.sql}\n) AS "compared" LIMIT ${COMPARE_LIMIT + 1}`;
    const [salesforce, postgres] = await Promise.all([
      this.options.query.all(org, soql, COMPARE_LIMIT),
      runCompiled(database.pool, wrapped, compiled.params, compiled),
    ]);
    const postgresTruncated = postgres.records.length > COMPARE_LIMIT;
    const postgresRecords = postgres.records.slice(0, COMPARE_LIMIT) as JsonRecord[];
    const result = compareRecords(salesforce.records, postgresRecords, {
      salesforceComplete: !salesforce.truncated,
      postgresComplete: !postgresTruncated,
    });
    return {
      ...result,
      durationMs: Math.round(performance.now() - started),
      truncated: salesforce.truncated || postgresTruncated,
    };
  }
}

/**
 * Matches two record lists by Id and lists what differs. When one side was cut short, records
 * missing from the *other* side cannot be told apart from ones beyond the cut, so they are not
 * listed.
 */
export function compareRecords(
  salesforce: readonly JsonRecord[],
  postgres: readonly JsonRecord[],
  completeness: { salesforceComplete: boolean; postgresComplete: boolean } = {
    salesforceComplete: true,
    postgresComplete: true,
  },
): Omit<CompareResult, 'durationMs' | 'truncated'> {
  const byId = new Map<string, JsonRecord>();
  const onlyInPostgres: JsonRecord[] = [];
  for (const record of postgres) {
    const id = recordId(record);
    // A row without sfid is an insert not yet synced; a second row with one sfid is a duplicate.
    if (id === null || byId.has(id)) onlyInPostgres.push(record);
    else byId.set(id, record);
  }
  const onlyInSalesforce: JsonRecord[] = [];
  const different: CompareResult['different'] = [];
  let same = 0;
  const matched = new Set<string>();
  for (const record of salesforce) {
    const id = recordId(record);
    const other = id === null ? undefined : byId.get(id);
    if (id === null || !other) {
      if (completeness.postgresComplete) onlyInSalesforce.push(record);
      continue;
    }
    matched.add(id);
    const fields = differingFields(record, other);
    if (fields.length === 0) same++;
    else different.push({ id, fields });
  }
  if (completeness.salesforceComplete) {
    for (const [id, record] of byId) if (!matched.has(id)) onlyInPostgres.push(record);
  } else {
    onlyInPostgres.splice(0, onlyInPostgres.length, ...onlyInPostgres.filter((r) => !recordId(r)));
  }
  return {
    salesforceCount: salesforce.length,
    postgresCount: postgres.length,
    same,
    onlyInSalesforce,
    onlyInPostgres,
    different,
  };
}

/** The record's Id: the Id field, else the last segment of attributes.url. */
export function recordId(record: JsonRecord): string | null {
  if (typeof record.Id === 'string' && record.Id !== '') return record.Id;
  const attributes = record.attributes;
  if (typeof attributes === 'object' && attributes !== null) {
    const url = (attributes as { url?: unknown }).url;
    if (typeof url === 'string') {
      const last = url.split('/').pop();
      if (last && last !== 'null' && last !== 'undefined') return last;
    }
  }
  return null;
}

interface FlatValue {
  /** The path as the first side to have it spells it. */
  path: string;
  value: unknown;
}

/** Every compared value of a record by lower-cased path: parents flattened, children as Ids. */
export function flattenRecord(
  record: JsonRecord,
  prefix = '',
  out = new Map<string, FlatValue>(),
): Map<string, FlatValue> {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue;
    const path = prefix + key;
    if (isQueryResult(value)) {
      const ids = value.records
        .map((r) => (isRecord(r) ? recordId(r) : null))
        .filter((id): id is string => id !== null)
        .sort();
      out.set(path.toLowerCase(), { path, value: ids });
    } else if (isRecord(value)) {
      // A parent record (or a compound value such as an address): compare its parts.
      flattenRecord(value, `${path}.`, out);
    } else {
      out.set(path.toLowerCase(), { path, value });
    }
  }
  return out;
}

function differingFields(
  salesforce: JsonRecord,
  postgres: JsonRecord,
): CompareResult['different'][number]['fields'] {
  const left = flattenRecord(salesforce);
  const right = flattenRecord(postgres);
  const fields: CompareResult['different'][number]['fields'] = [];
  const paths = new Set([...left.keys(), ...right.keys()]);
  for (const key of paths) {
    const a = left.get(key);
    const b = right.get(key);
    // A child list missing on one side is a null (no children) there.
    const aValue = a?.value ?? (Array.isArray(b?.value) ? [] : undefined);
    const bValue = b?.value ?? (Array.isArray(a?.value) ? [] : undefined);
    if (sameValue(aValue, bValue)) continue;
    fields.push({
      path: a?.path ?? b?.path ?? key,
      salesforce: a?.value ?? null,
      postgres: b?.value ?? null,
    });
  }
  return fields;
}

const DATETIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Equal after normalising form: null, missing and '' are one (Salesforce stores no empty text);
 * 1 and 1.0 (and "1.0") are one number; `2024-01-31T10:00:00.000+0000` and Postgres'
 * `2024-01-31 10:00:00` (UTC) are one instant; child Id lists compare as sets.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = blankToNull(a);
  const y = blankToNull(b);
  if (x === y) return true;
  if (x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    const sx = [...x].map(String).sort();
    const sy = [...y].map(String).sort();
    return sx.every((v, i) => v === sy[i]);
  }
  const nx = asNumber(x);
  const ny = asNumber(y);
  // Two texts stay texts ("0123" is not "123"); a number against a number or numeric text does not.
  if (nx !== undefined && ny !== undefined && (typeof x === 'number' || typeof y === 'number')) {
    return Math.abs(nx - ny) <= 1e-9 * Math.max(1, Math.abs(nx), Math.abs(ny));
  }
  if (typeof x === 'string' && typeof y === 'string') {
    const tx = asInstant(x);
    const ty = asInstant(y);
    if (tx !== undefined && ty !== undefined) return tx === ty;
    return false;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') return x === y;
  return JSON.stringify(x) === JSON.stringify(y);
}

function blankToNull(value: unknown): unknown {
  return value === undefined || value === '' ? null : value;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value);
  return undefined;
}

/** Epoch milliseconds of a datetime text; a text without a zone is UTC (Heroku Connect's rule). */
export function asInstant(text: string): number | undefined {
  const match = DATETIME.exec(text.trim());
  if (!match) return undefined;
  const [, date, time, zone] = match;
  const [hms = '', fraction = ''] = time!.split('.');
  const ms = (fraction + '000').slice(0, 3);
  const seconds = hms.length === 5 ? `${hms}:00` : hms;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3, 5)}`;
  }
  const at = Date.parse(`${date}T${seconds}.${ms}${offset}`);
  return Number.isNaN(at) ? undefined : at;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQueryResult(value: unknown): value is { records: unknown[] } {
  return isRecord(value) && Array.isArray(value.records) && typeof value.totalSize === 'number';
}
