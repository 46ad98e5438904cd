// Records on demand (the admin endpoint's POST /_admin/generate): many records of one object
// with made-up values for what it needs, so a test or a demo can show a 50,000-row initial load
// without shipping a data file. Everything goes through store.insert, so ids, SystemModstamp,
// defaults, uniqueness and validation rules stay the store's; one store.atomically makes it a
// single transaction (fast, and all-or-nothing).

import { SalesforceError } from '../errors';
import type { OrgField, OrgObject } from '../schema/model';
import type { LocalOrgStore, RecordValues } from '../store/types';

/**
 * More than this in one request is refused. The records are made in one synchronous SQLite
 * transaction inside the process that hosts the org (the studio's own, for its local org):
 * 100,000 take a few seconds, during which nothing else there runs. Ask again for more.
 */
export const MAX_GENERATED_RECORDS = 100_000;

export interface GenerateOutcome {
  object: string;
  created: number;
  durationMs: number;
}

/** Why a generate request cannot be done, in a sentence that says what to send instead. */
export class GenerateError extends Error {}

/** System fields the server writes itself; never generated. */
const AUDIT_FIELDS = new Set([
  'Id',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'IsDeleted',
]);

/** A function that gives field values for the n-th generated record (from 1). */
type ValueOf = (n: number) => unknown;

export function generateRecords(
  store: LocalOrgStore,
  objectName: string,
  count: number,
  now: () => number = () => performance.now(),
): GenerateOutcome {
  const object = store.schema.object(objectName);
  if (!object || !object.keyPrefix) {
    throw new GenerateError(
      `There is no object '${objectName}' with records in the local org. Name one such as Account or Contact.`,
    );
  }
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_GENERATED_RECORDS) {
    throw new GenerateError(
      `count must be a whole number from 1 to ${MAX_GENERATED_RECORDS.toLocaleString('en-US')} ` +
        `(at most ${MAX_GENERATED_RECORDS.toLocaleString('en-US')} records per request; send ` +
        `several requests for more), not ${JSON.stringify(count)}.`,
    );
  }
  const started = now();
  // A tag per request keeps unique values apart from earlier requests' and the seed's.
  const tag = Date.now().toString(36).toUpperCase();
  const generators = fieldGenerators(store, object, tag);
  let n = 0;
  try {
    store.atomically(() => {
      for (n = 1; n <= count; n++) {
        const values: Record<string, unknown> = {};
        for (const [name, valueOf] of generators) values[name] = valueOf(n);
        store.insert(object.name, values as RecordValues);
      }
    });
  } catch (error) {
    if (error instanceof SalesforceError) {
      throw new GenerateError(
        `Record ${n} of ${count} was refused (${error.errorCode}: ${error.message}); nothing was created.`,
      );
    }
    throw error;
  }
  return { object: object.name, created: count, durationMs: Math.round(now() - started) };
}

/** The fields a generated record carries and how each gets its value. */
function fieldGenerators(
  store: LocalOrgStore,
  object: OrgObject,
  tag: string,
): Array<[string, ValueOf]> {
  const out: Array<[string, ValueOf]> = [];
  for (const field of object.fields) {
    const d = field.describe;
    if (!field.stored || !d.createable || AUDIT_FIELDS.has(field.name)) continue;
    const named = field.name === 'Name' || field.name === 'External_ID__c';
    if (!named && !needsValue(field)) continue;
    out.push([field.name, valueGenerator(store, object, field, tag)]);
  }
  return out;
}

/** Required on create and not filled by the store's defaults (store/dml.ts fillDefaults). */
function needsValue(field: OrgField): boolean {
  const d = field.describe;
  if (d.nillable || d.autoNumber || field.type === 'boolean') return false;
  if (field.name === 'OwnerId') return false;
  if (field.type === 'picklist' || field.type === 'multipicklist') {
    if (d.picklistValues.some((p) => p.defaultValue && p.active)) return false;
  }
  return true;
}

function valueGenerator(
  store: LocalOrgStore,
  object: OrgObject,
  field: OrgField,
  tag: string,
): ValueOf {
  const d = field.describe;
  const unique = d.unique || d.externalId;
  const fit = (text: string) => (d.length > 0 ? text.slice(-d.length) : text);
  switch (field.type) {
    case 'reference':
      return referenceValue(store, object, field);
    case 'picklist':
    case 'multipicklist':
    case 'combobox': {
      const first = d.picklistValues.find((p) => p.active)?.value;
      if (first !== undefined) return () => first;
      return (n) => fit(`${field.name} ${n}`);
    }
    case 'email':
      return (n) => `generated.${tag.toLowerCase()}.${n}@example.com`;
    case 'url':
      return (n) => `https://example.com/generated/${tag.toLowerCase()}/${n}`;
    case 'phone':
      return (n) => fit(`+1 555 ${String(n).padStart(7, '0')}`);
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent':
      // Small numbers fit every precision; a unique number field is rare (UNCONFIRMED in an
      // org), so it counts up.
      return unique ? (n) => n : (n) => 1 + (n % 9);
    case 'date':
      return (n) => new Date(Date.UTC(2025, 0, 1 + (n % 365))).toISOString().slice(0, 10);
    case 'datetime':
      return (n) => new Date(Date.UTC(2025, 0, 1) + (n % 365) * 86_400_000).toISOString();
    case 'time':
      return () => '12:00:00.000Z';
    default:
      if (unique) return (n) => fit(`GEN-${tag}-${n}`);
      return field.name === 'Name' || field.name === 'LastName'
        ? (n) => fit(`Generated ${object.label} ${n}`)
        : (n) => fit(`${d.label} ${n}`);
  }
}

/** A required lookup points at an existing record of its target (the first one found). */
function referenceValue(store: LocalOrgStore, object: OrgObject, field: OrgField): ValueOf {
  for (const targetName of field.describe.referenceTo) {
    const target = store.schema.object(targetName);
    if (!target) continue;
    // SOQL skips deleted records; the API version only shapes attributes.url.
    const [record] = store.query(`SELECT Id FROM ${target.name} LIMIT 1`, {
      includeDeleted: false,
      apiVersion: '62.0',
    }).records;
    const id = record?.Id;
    if (typeof id === 'string') return () => id;
  }
  throw new GenerateError(
    `${object.name}.${field.name} is required and points to ${field.describe.referenceTo.join(' or ')}, ` +
      'which has no records here. Generate or create one of those first.',
  );
}
