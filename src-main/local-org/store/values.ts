// A JSON body's value for one field → the value stored in SQLite, with Salesforce's checks and
// errors (salesforce-rest.md §3.3, §5). References are only shaped here (15 → 18 characters,
// the right object); whether the record exists is the writer's check.

import { SalesforceError } from '../errors';
import { keyPrefixOf, normalizeId } from '../ids';
import type { OrgField, OrgSchema } from '../schema/model';

export type StoredValue = string | number | null;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

function typeError(field: OrgField, javaType: string, value: unknown): SalesforceError {
  const token =
    typeof value === 'string'
      ? 'VALUE_STRING'
      : typeof value === 'number'
        ? 'VALUE_NUMBER'
        : 'VALUE_TRUE';
  // Salesforce's deserialiser wording (UNCONFIRMED in detail, §3.3).
  return new SalesforceError(
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${javaType} from ${token} value ${String(value)} or request may be missing a required field`,
    [field.name],
  );
}

const label = (field: OrgField): string => field.describe.label;

/** Converts one value; null clears. Throws SalesforceError naming the field. */
export function storedValue(schema: OrgSchema, field: OrgField, value: unknown): StoredValue {
  if (value === null || value === undefined) return field.type === 'boolean' ? 0 : null;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw typeError(field, field.type, JSON.stringify(value));
  }
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 'true' || value === 'false') return value === 'true' ? 1 : 0;
      throw typeError(field, 'boolean', value);
    case 'int':
    case 'long':
      return integerValue(field, value);
    case 'double':
    case 'currency':
    case 'percent':
      return decimalValue(field, value);
    case 'date':
      return dateValue(field, value);
    case 'datetime':
      return dateTimeValue(field, value);
    case 'time':
      return timeValue(field, value);
    case 'id':
    case 'reference':
      return referenceValue(schema, field, value);
    case 'multipicklist':
      return multiPicklistValue(field, value);
    default:
      return textValue(field, value);
  }
}

function textValue(field: OrgField, raw: string | number | boolean): string | null {
  const value = String(raw);
  // An empty string clears a text field, as in an org.
  if (value === '') return null;
  const d = field.describe;
  if (d.length > 0 && [...value].length > d.length && field.type !== 'base64') {
    throw new SalesforceError(
      'STRING_TOO_LONG',
      `${label(field)}: data value too large: ${value} (max length=${d.length})`,
      [field.name],
    );
  }
  if (field.type === 'email' && !EMAIL.test(value)) {
    throw new SalesforceError(
      'INVALID_EMAIL_ADDRESS',
      `${label(field)}: invalid email address: ${value}`,
      [field.name],
    );
  }
  if (field.type === 'picklist' && d.restrictedPicklist) {
    const allowed = d.picklistValues.some((p) => p.active && p.value === value);
    if (!allowed) throw restrictedPicklistError(field, value);
  }
  return value;
}

function restrictedPicklistError(field: OrgField, value: string): SalesforceError {
  return new SalesforceError(
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    `${label(field)}: bad value for restricted picklist field: ${value}`,
    [field.name],
  );
}

function multiPicklistValue(field: OrgField, raw: string | number | boolean): string | null {
  const parts = [
    ...new Set(
      String(raw)
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    ),
  ];
  if (parts.length === 0) return null;
  if (field.describe.restrictedPicklist) {
    for (const part of parts) {
      if (!field.describe.picklistValues.some((p) => p.active && p.value === part)) {
        throw restrictedPicklistError(field, part);
      }
    }
  }
  return textValue(field, parts.join(';'));
}

function numberOf(field: OrgField, javaType: string, raw: string | number | boolean): number {
  const value =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw)
        : NaN;
  if (!Number.isFinite(value)) throw typeError(field, javaType, raw);
  return value;
}

function outOfRange(field: OrgField, value: number): SalesforceError {
  // Wording UNCONFIRMED (§3.3).
  return new SalesforceError(
    'NUMBER_OUTSIDE_VALID_RANGE',
    `${label(field)}: value outside of valid range on numeric field: ${value}`,
    [field.name],
  );
}

function integerValue(field: OrgField, raw: string | number | boolean): number {
  const value = numberOf(field, 'int', raw);
  if (!Number.isInteger(value)) throw typeError(field, 'int', raw);
  const digits = field.describe.digits > 0 ? field.describe.digits : field.type === 'long' ? 18 : 9;
  if (Math.abs(value) >= 10 ** digits) throw outOfRange(field, value);
  return value;
}

function decimalValue(field: OrgField, raw: string | number | boolean): number {
  const value = numberOf(field, 'double', raw);
  const { precision, scale } = field.describe;
  if (precision > 0 && Math.abs(value) >= 10 ** (precision - scale)) throw outOfRange(field, value);
  // The org keeps `scale` decimals, rounding half away from zero.
  if (precision > 0) {
    const factor = 10 ** scale;
    return (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
  }
  return value;
}

function validDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function dateValue(field: OrgField, raw: string | number | boolean): string {
  const text = String(raw);
  // A datetime is accepted for a date field; its date part counts (UNCONFIRMED).
  const m = DATE.exec(text) ?? DATE.exec(text.slice(0, 10));
  if (typeof raw !== 'string' || !m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw typeError(field, 'date', raw);
  }
  return m[0];
}

function dateTimeValue(field: OrgField, raw: string | number | boolean): string {
  const m = typeof raw === 'string' ? DATETIME.exec(raw) : null;
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw typeError(field, 'datetime', raw);
  }
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const millis = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${millis}${zone}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw typeError(field, 'datetime', raw);
  return date.toISOString();
}

function timeValue(field: OrgField, raw: string | number | boolean): string {
  const m = typeof raw === 'string' ? TIME.exec(raw) : null;
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw typeError(field, 'time', raw);
  }
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '0').padEnd(3, '0')}`;
}

function referenceValue(
  schema: OrgSchema,
  field: OrgField,
  raw: string | number | boolean,
): string | null {
  const text = String(raw);
  if (text === '') return null;
  const id = normalizeId(text);
  if (!id) {
    throw new SalesforceError(
      'MALFORMED_ID',
      `${label(field)}: id value of incorrect type: ${text}`,
      [field.name],
    );
  }
  const targets = field.describe.referenceTo.map((t) => t.toLowerCase());
  const target =
    schema.objectByKeyPrefix(keyPrefixOf(id))?.name ??
    schema.listedOnly.find((o) => o.keyPrefix === keyPrefixOf(id))?.name;
  if (!target || !targets.includes(target.toLowerCase())) {
    throw new SalesforceError(
      'FIELD_INTEGRITY_EXCEPTION',
      `${label(field)}: id value of incorrect type: ${id}`,
      [field.name],
    );
  }
  return id;
}

/** A stored value back as JSON (for bodies the writer echoes, e.g. composite references). */
export function jsonValue(field: OrgField, value: StoredValue): unknown {
  if (value === null) return field.type === 'boolean' ? false : null;
  if (field.type === 'boolean') return value === 1;
  if (field.type === 'datetime' && typeof value === 'string') return salesforceDateTime(value);
  if (field.type === 'time' && typeof value === 'string') return `${value}Z`;
  return value;
}

/** `2024-01-02T03:04:05.000Z` → `2024-01-02T03:04:05.000+0000`, the API's envelope form. */
export function salesforceDateTime(iso: string): string {
  return iso.endsWith('Z') ? `${iso.slice(0, -1)}+0000` : iso;
}
