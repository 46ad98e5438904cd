// Postgres text (as hstore holds a column: its output form) → what Salesforce takes, by the
// field's Salesforce type. JSON values for collections, strings for Bulk 2.0 CSV.

/** A value for a collections payload. */
export type SalesforceValue = string | number | boolean | null;

/** `2024-01-02 03:04:05[.ffffff]` (timestamp without time zone, UTC) → `2024-01-02T03:04:05.000Z`. */
export function toSalesforceDatetime(text: string): string {
  const match = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(text);
  if (!match) return text; // Salesforce answers with its own message about the format.
  const [, date, time, fraction = '', zone = ''] = match;
  const millis = (fraction + '000').slice(0, 3);
  if (zone === '' || zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) {
    return `${date}T${time}.${millis}Z`;
  }
  // A timestamptz column in some other offset: let Date do the arithmetic.
  const parsed = new Date(`${date}T${time}.${millis}${zone.length === 3 ? `${zone}:00` : zone}`);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/** `13:14:15[.ffffff]` → `13:14:15.000Z` (Salesforce times carry milliseconds and Z). */
export function toSalesforceTime(text: string): string {
  const match = /^(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(text);
  if (!match) return text;
  return `${match[1]}.${((match[2] ?? '') + '000').slice(0, 3)}Z`;
}

function toNumber(text: string): number | string {
  const value = Number(text);
  // NaN / Infinity have no JSON form: send the text and let Salesforce say what it thinks.
  return Number.isFinite(value) ? value : text;
}

/** A column's text as a collections (JSON) value. */
export function toSalesforceValue(type: string, text: string | null): SalesforceValue {
  if (text === null) return null;
  switch (type) {
    case 'boolean':
      return text === 't' || text === 'true' || text === 'TRUE';
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
    case 'long':
      return toNumber(text);
    case 'datetime':
      return toSalesforceDatetime(text);
    case 'time':
      return toSalesforceTime(text);
    default:
      // date (ISO from Postgres as is), strings, picklists, ids, references.
      return text;
  }
}

/** A collections value as a Bulk 2.0 CSV cell (null stays null: the client writes `#N/A`). */
export function jsonToBulkValue(value: SalesforceValue): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}
