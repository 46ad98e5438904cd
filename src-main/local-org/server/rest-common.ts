// Small pieces the REST handlers share: resolving the object of a path, reading record bodies,
// save results in the sObject Collections shape, record URLs.

import { SalesforceError, asSalesforceError, notFound } from '../errors';
import { normalizeId } from '../ids';
import type { OrgObject } from '../schema/model';
import type { RecordValues } from '../store/types';
import type { ApiRequest } from './routes';

/** One item of a save result: `statusCode`, not `errorCode` (salesforce-rest.md §0 rule 8). */
export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export interface SaveResult {
  id?: string | null;
  success: boolean;
  errors: SaveError[];
  created?: boolean;
}

export function objectOf(request: ApiRequest, name: string): OrgObject {
  const object = request.org.store.schema.object(name);
  if (!object) throw notFound();
  return object;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record body as the store takes it: the fields, without `attributes`. */
export function recordValues(value: unknown, what = 'The request body'): Record<string, unknown> {
  if (!isJsonObject(value)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `${what} must be a JSON object of field names and values, such as {"Name": "Acme"}`,
      [],
      400,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (key !== 'attributes') values[key] = field;
  return values satisfies RecordValues;
}

/**
 * The 18-character form of a record id in a path. A segment that is no id at all is read by
 * Salesforce as an external-id field name, hence its message.
 */
export function pathId(segment: string): string {
  const id = normalizeId(segment);
  if (!id) {
    throw new SalesforceError(
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${segment}`,
      [],
      404,
    );
  }
  return id;
}

export const recordUrl = (apiVersion: string, objectName: string, id: string): string =>
  `/services/data/v${apiVersion}/sobjects/${objectName}/${id}`;

export function saveError(error: unknown): SaveError {
  const failure = asSalesforceError(error);
  return { statusCode: failure.errorCode, message: failure.message, fields: [...failure.fields] };
}

/** The case-insensitive key of a field in a record body, if present. */
export function keyOf(
  values: Readonly<Record<string, unknown>>,
  fieldName: string,
): string | undefined {
  const lower = fieldName.toLowerCase();
  return Object.keys(values).find((key) => key.toLowerCase() === lower);
}

/** Whether a field can key an upsert or a GET by external id. */
export function isExternalKey(object: OrgObject, fieldName: string): boolean {
  const field = object.field(fieldName);
  return !!field && (field.name === 'Id' || field.describe.externalId || field.describe.idLookup);
}

export function unknownExternalField(fieldName: string): SalesforceError {
  return new SalesforceError(
    'NOT_FOUND',
    `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    [],
    404,
  );
}
