// The Salesforce -> Postgres column type table (reference §6.3), as Heroku Connect creates
// columns. One function, so the planner, the validator and the UI agree.

import { ID_TYPES, TEXT_TYPES, type FieldDescribe } from '../salesforce';

export type ColumnTypeResult =
  | { ok: true; sqlType: string }
  | { ok: false; reason: string; code: 'BASE64' | 'COMPOUND' | 'UNSUPPORTED_TYPE' };

/** Text-like types: their columns are varchar/text, and '' can occur in them. */
export const TEXT_FIELD_TYPES: ReadonlySet<string> = new Set([
  ...TEXT_TYPES,
  ...ID_TYPES,
  'anyType',
]);

const varchar = (length: number, fallback = 255) => `varchar(${length > 0 ? length : fallback})`;

export function postgresColumnType(
  field: Pick<FieldDescribe, 'type' | 'length'>,
): ColumnTypeResult {
  switch (field.type) {
    case 'id':
    case 'reference':
      return { ok: true, sqlType: 'varchar(18)' };
    case 'string':
    case 'encryptedstring':
    case 'combobox':
      return { ok: true, sqlType: varchar(field.length) };
    case 'picklist':
      // Connections with force_picklist_255 (all recent ones) size every picklist at 255; older
      // columns kept the field length (type varchar(40) in FF). We follow the current behaviour,
      // and never go below the field's own length.
      return { ok: true, sqlType: varchar(Math.max(field.length, 255)) };
    case 'multipicklist':
      return { ok: true, sqlType: 'varchar(4099)' };
    case 'textarea':
      // Short text areas are varchar(255). Long and rich ones (always over 255) become text:
      // the mid-length cut-over (User.AboutMe was varchar(1000) in one dump) is UNCONFIRMED,
      // and text never truncates.
      return {
        ok: true,
        sqlType: field.length > 0 && field.length <= 255 ? 'varchar(255)' : 'text',
      };
    case 'email':
      return { ok: true, sqlType: 'varchar(80)' };
    case 'phone':
      return { ok: true, sqlType: 'varchar(40)' };
    case 'url':
      return { ok: true, sqlType: 'varchar(255)' };
    case 'boolean':
      return { ok: true, sqlType: 'boolean' };
    case 'double':
    case 'currency':
    case 'percent':
      return { ok: true, sqlType: 'double precision' };
    case 'int':
      return { ok: true, sqlType: 'integer' };
    case 'long':
      // Not in the observed table; bigint holds every 18-digit value. Our choice.
      return { ok: true, sqlType: 'bigint' };
    case 'date':
      return { ok: true, sqlType: 'date' };
    case 'datetime':
      // Heroku Connect stores UTC values in a column without time zone.
      return { ok: true, sqlType: 'timestamp' };
    case 'time':
      return { ok: true, sqlType: 'time' };
    case 'anyType':
      return { ok: true, sqlType: 'text' };
    case 'base64':
      return {
        ok: false,
        code: 'BASE64',
        reason: 'binary (base64) fields cannot be synced: the Bulk API does not return them',
      };
    case 'address':
    case 'location':
      return {
        ok: false,
        code: 'COMPOUND',
        reason: `compound ${field.type} fields are mapped through their component fields`,
      };
    default:
      return {
        ok: false,
        code: 'UNSUPPORTED_TYPE',
        reason: `fields of type ${JSON.stringify(field.type)} have no Postgres column type`,
      };
  }
}

/**
 * The column of a relationship external-ID pseudo-field: varchar sized like the parent's
 * external ID for text IDs (`account__external_id__c varchar(36)`), else the parent's own type.
 */
export function relationshipColumnType(parentExternalId: FieldDescribe): ColumnTypeResult {
  const parent = postgresColumnType(parentExternalId);
  if (!parent.ok) return parent;
  return TEXT_FIELD_TYPES.has(parentExternalId.type) && parent.sqlType !== 'text'
    ? { ok: true, sqlType: varchar(parentExternalId.length) }
    : parent;
}
