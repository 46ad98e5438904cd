// The detail's comparisons: the Postgres row beside the Salesforce record, field by field, and
// the stored error texts made readable. Pure, so the alignment rules are unit-tested.

/** One line of the Postgres ↔ Salesforce comparison. */
export interface AlignedField {
  /** The Postgres column, when the row has it. */
  column: string | null;
  /** The Salesforce field (API name), when the record has it. */
  field: string | null;
  postgres: unknown;
  salesforce: unknown;
  /** Both sides hold the field and their values differ. */
  differs: boolean;
}

/** Columns the comparison leaves out: the row's own key and the sync's bookkeeping. */
const POSTGRES_ONLY = new Set(['id', '_hc_lastop', '_hc_err']);

/**
 * Lines up the mapped row and the record: column ↔ API name case-insensitively (Postgres folds
 * names to lower case), `sfid` ↔ `Id`. Postgres order first, then what only the record has.
 */
export function alignRecord(
  postgresRow: Record<string, unknown> | null,
  record: Record<string, unknown> | null,
): AlignedField[] {
  const fields = new Map<string, string>();
  for (const name of Object.keys(record ?? {})) {
    if (name === 'attributes') continue;
    fields.set(name.toLowerCase(), name);
  }
  const lines: AlignedField[] = [];
  const used = new Set<string>();
  for (const [column, postgres] of Object.entries(postgresRow ?? {})) {
    if (POSTGRES_ONLY.has(column)) continue;
    const key = column === 'sfid' ? 'id' : column.toLowerCase();
    const field = record ? (fields.get(key) ?? null) : null;
    if (field) used.add(field);
    const salesforce = field ? record![field] : undefined;
    lines.push({
      column,
      field,
      postgres,
      salesforce,
      differs: field !== null && !valuesEqual(postgres, salesforce),
    });
  }
  for (const field of fields.values()) {
    if (used.has(field)) continue;
    lines.push({
      column: null,
      field,
      postgres: undefined,
      salesforce: record![field],
      differs: false,
    });
  }
  return lines;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

const isBlank = (v: unknown) => v === null || v === undefined || v === '';

/** Salesforce's `+0000` offsets, and Postgres's `+00`, in the form Date.parse reads. */
function timeOf(text: string): number {
  const iso = text
    .replace(' ', 'T')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    .replace(/([+-]\d{2})$/, '$1:00');
  return Date.parse(iso);
}

function asBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 't' || v === 'true') return true;
  if (v === 'f' || v === 'false') return false;
  return null;
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v.trim())) return Number(v);
  return null;
}

/**
 * Whether a Postgres value and a Salesforce value say the same, across the ways each side
 * writes it: numeric text vs a number, `t` vs true, a timestamp with another offset, and an
 * empty string, which Salesforce stores as null.
 */
export function valuesEqual(postgres: unknown, salesforce: unknown): boolean {
  if (isBlank(postgres) || isBlank(salesforce)) return isBlank(postgres) && isBlank(salesforce);
  const pb = asBoolean(postgres);
  const sb = asBoolean(salesforce);
  if (pb !== null && sb !== null) return pb === sb;
  const pn = asNumber(postgres);
  const sn = asNumber(salesforce);
  if (pn !== null && sn !== null) return Math.abs(pn - sn) < 1e-9 * Math.max(1, Math.abs(sn));
  if (typeof postgres === 'string' && typeof salesforce === 'string') {
    if (DATE_ONLY.test(salesforce)) {
      if (postgres.startsWith(salesforce)) return true;
      // A date column that travelled as a local midnight converted to UTC.
      const t = timeOf(postgres);
      if (Number.isNaN(t)) return false;
      const d = new Date(t);
      const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      return local === salesforce || d.toISOString().slice(0, 10) === salesforce;
    }
    if (DATE_TIME.test(salesforce) && DATE_TIME.test(postgres)) {
      const a = timeOf(postgres);
      const b = timeOf(salesforce);
      if (!Number.isNaN(a) && !Number.isNaN(b)) return a === b;
    }
    return postgres === salesforce;
  }
  return displayValue(postgres) === displayValue(salesforce);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A value as the detail prints it; null for SQL NULL (drawn as a muted "null"). */
export function displayValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount must not be negative` taken apart. */
export function splitMessage(message: string | null): { code: string | null; text: string } {
  if (!message) return { code: null, text: '' };
  const match = /^([A-Z][A-Z0-9_]+):\s*([\s\S]*)$/.exec(message);
  return match ? { code: match[1]!, text: match[2]! } : { code: null, text: message };
}

/** `_hc_err` is JSON as Heroku Connect stores it; shown indented when it parses, as stored if not. */
export function formatHcErr(text: string | null): string | null {
  if (text === null || text.trim() === '') return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Which row actions a row allows: retry a FAILED row (an archived one is copied back), ignore a
 * FAILED or NEW row of the live log. The studio refuses the others with a sentence anyway.
 */
export function rowActions(row: { state: string; source: 'live' | 'archive' }): {
  retry: boolean;
  ignore: boolean;
} {
  return {
    retry: row.state === 'FAILED',
    ignore: row.source === 'live' && (row.state === 'FAILED' || row.state === 'NEW'),
  };
}
