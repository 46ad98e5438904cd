// sObject Collections, what jsforce uses for arrays (salesforce-rest.md §2.9): create, update,
// upsert and delete up to 200 records with per-record results, allOrNone both ways; retrieve
// up to 2000 ids. HTTP 200 even when items fail; the request itself fails only when malformed.

import { SalesforceError } from '../errors';
import { keyPrefixOf, normalizeId } from '../ids';
import type { LocalOrgStore } from '../store/types';
import {
  isExternalKey,
  isJsonObject,
  keyOf,
  objectOf,
  recordValues,
  saveError,
  unknownExternalField,
  type SaveResult,
} from './rest-common';
import type { ApiHandler, ApiRequest, ApiRoute } from './routes';

const MAX_RECORDS = 200;
const MAX_RETRIEVE_IDS = 2000;

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message:
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function tooMany(count: number, max = MAX_RECORDS): SalesforceError {
  return new SalesforceError(
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${max} records into this call (this request has ${count}; jsforce splits arrays with { allowRecursive: true })`,
    [],
    400,
  );
}

interface CollectionBody {
  allOrNone: boolean;
  records: Array<Record<string, unknown>>;
}

function collectionBody(request: ApiRequest): CollectionBody {
  const body = request.json();
  if (!isJsonObject(body) || !Array.isArray(body.records)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      'The body must be {"allOrNone": false, "records": [{"attributes": {"type": "Account"}, …}]}',
      [],
      400,
    );
  }
  if (body.records.length > MAX_RECORDS) throw tooMany(body.records.length);
  const records = body.records.map((record, index) => {
    if (!isJsonObject(record)) {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `records[${index}] is not a JSON object`,
        [],
        400,
      );
    }
    return record;
  });
  if (body.allOrNone !== undefined && typeof body.allOrNone !== 'boolean') {
    throw new SalesforceError('JSON_PARSER_ERROR', 'allOrNone must be true or false', [], 400);
  }
  return { allOrNone: body.allOrNone === true, records };
}

/** The object a collection record names in attributes.type (or the path's, for upsert). */
function typeOf(request: ApiRequest, record: Record<string, unknown>, fallback?: string): string {
  const attributes = record.attributes;
  const type = isJsonObject(attributes) ? attributes.type : undefined;
  if (typeof type !== 'string' || type === '') {
    if (fallback) return fallback;
    throw new SalesforceError('INVALID_TYPE', 'Must send a concrete entity type.', [], 400);
  }
  return objectOf(request, type).name;
}

interface ItemOutcome {
  id: string;
  created?: boolean;
}

/**
 * Runs one write per item. Without allOrNone each item stands alone (its own savepoint, so a
 * failure leaves nothing of it); with allOrNone every item is tried, and if any fails all are
 * undone and the others report ALL_OR_NONE_OPERATION_ROLLED_BACK. One transaction around the
 * batch either way: one commit instead of 200.
 */
export function saveEach(
  store: LocalOrgStore,
  allOrNone: boolean,
  count: number,
  write: (index: number) => ItemOutcome,
  knownId: (index: number) => string | undefined,
  withCreated = false,
): SaveResult[] {
  const results: SaveResult[] = [];
  const rollback = new Error('roll back the collection');
  try {
    store.atomically(() => {
      for (let index = 0; index < count; index++) {
        try {
          const outcome = store.atomically(() => write(index));
          const result: SaveResult = { id: outcome.id, success: true, errors: [] };
          if (withCreated) result.created = outcome.created ?? false;
          results.push(result);
        } catch (error) {
          const id = knownId(index);
          const result: SaveResult = { success: false, errors: [saveError(error)] };
          if (id !== undefined) result.id = id;
          if (withCreated) result.created = false;
          results.push(result);
        }
      }
      if (allOrNone && results.some((result) => !result.success)) throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
    return results.map((result, index) => {
      if (!result.success) return result;
      const id = knownId(index);
      const undone: SaveResult = { success: false, errors: [{ ...ROLLED_BACK, fields: [] }] };
      if (id !== undefined) undone.id = id;
      if (withCreated) undone.created = false;
      return undone;
    });
  }
  return results;
}

const createMany: ApiHandler = (request) => {
  const { allOrNone, records } = collectionBody(request);
  const types = records.map((record) => typeOf(request, record));
  const store = request.org.store;
  const results = saveEach(
    store,
    allOrNone,
    records.length,
    (index) => ({
      id: store.insert(types[index] as string, recordValues(records[index]), {
        userId: request.userId,
      }),
    }),
    () => undefined,
  );
  return { status: 200, body: results };
};

/** The record id of an update item: jsforce sends lowercase `id` (§0 rule 7); `Id` works too. */
function itemId(record: Record<string, unknown>): string | undefined {
  const value = record.id ?? record.Id;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const updateMany: ApiHandler = (request) => {
  const { allOrNone, records } = collectionBody(request);
  const types = records.map((record) => typeOf(request, record));
  const store = request.org.store;
  const ids = records.map((record) => {
    const raw = itemId(record);
    return raw === undefined ? undefined : (normalizeId(raw) ?? raw);
  });
  const results = saveEach(
    store,
    allOrNone,
    records.length,
    (index) => {
      const id = ids[index];
      if (id === undefined) {
        throw new SalesforceError(
          'MISSING_ARGUMENT',
          'Id not specified in an update call',
          [],
          400,
        );
      }
      const values = recordValues(records[index]);
      delete values.id;
      delete values.Id;
      store.update(types[index] as string, id, values, { userId: request.userId });
      return { id };
    },
    (index) => ids[index],
  );
  return { status: 200, body: results };
};

const upsertMany: ApiHandler = (request, params) => {
  const target = objectOf(request, params.object as string);
  const field = params.field as string;
  if (!isExternalKey(target, field)) throw unknownExternalField(field);
  const keyField = target.field(field)?.name as string;
  const { allOrNone, records } = collectionBody(request);
  const types = records.map((record) => typeOf(request, record, target.name));
  const store = request.org.store;
  const keyValues = records.map((record) => {
    const key = keyOf(record, keyField);
    const value = key === undefined ? undefined : record[key];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  });
  const results = saveEach(
    store,
    allOrNone,
    records.length,
    (index) => {
      const objectName = types[index] as string;
      if (objectName !== target.name) {
        throw new SalesforceError(
          'INVALID_TYPE',
          `This upsert is for ${target.name}; records[${index}] is a ${objectName}`,
          [],
          400,
        );
      }
      const values = recordValues(records[index]);
      const keyValue = keyValues[index];
      if (keyField === 'Id') {
        delete values.id;
        delete values.Id;
        // No id yet: the `Id` upsert creates.
        if (keyValue === undefined) {
          return {
            id: store.insert(objectName, values, { userId: request.userId }),
            created: true,
          };
        }
      } else if (keyValue === undefined) {
        throw new SalesforceError(
          'MISSING_ARGUMENT',
          `${keyField} not specified: every record of an upsert on ${keyField} needs a value for it`,
          [keyField],
          400,
        );
      }
      return store.upsert(objectName, keyField, keyValue, values, { userId: request.userId });
    },
    (index) => {
      const value = keyValues[index];
      return keyField === 'Id' && value !== undefined ? (normalizeId(value) ?? value) : undefined;
    },
    true,
  );
  return { status: 200, body: results };
};

const deleteMany: ApiHandler = (request) => {
  const idsText = request.query.get('ids');
  if (idsText === null || idsText.trim() === '') {
    throw new SalesforceError(
      'MISSING_ARGUMENT',
      'ids is required: DELETE /composite/sobjects?ids=001…,003…[&allOrNone=true]',
      [],
      400,
    );
  }
  const rawIds = idsText.split(',').map((id) => id.trim());
  if (rawIds.length > MAX_RECORDS) throw tooMany(rawIds.length);
  const allOrNone = (request.query.get('allOrNone') ?? '').toLowerCase() === 'true';
  const store = request.org.store;
  const ids = rawIds.map((raw) => normalizeId(raw) ?? raw);
  const results = saveEach(
    store,
    allOrNone,
    ids.length,
    (index) => {
      const id = ids[index] as string;
      if (!normalizeId(id)) {
        throw new SalesforceError('MALFORMED_ID', `malformed id ${id}`, ['Id'], 400);
      }
      const object = store.schema.objectByKeyPrefix(keyPrefixOf(id));
      if (!object) {
        throw new SalesforceError(
          'INVALID_CROSS_REFERENCE_KEY',
          'invalid cross reference id',
          [],
          400,
        );
      }
      store.delete(object.name, id, { userId: request.userId });
      return { id };
    },
    (index) => ids[index],
  );
  return { status: 200, body: results };
};

function retrieveMany(
  request: ApiRequest,
  objectName: string,
  rawIds: unknown,
  rawFields: unknown,
): ReturnType<ApiHandler> {
  const target = objectOf(request, objectName);
  if (!Array.isArray(rawIds) || rawIds.some((id) => typeof id !== 'string')) {
    throw new SalesforceError('JSON_PARSER_ERROR', 'ids must be a list of record ids', [], 400);
  }
  if (rawIds.length > MAX_RETRIEVE_IDS) throw tooMany(rawIds.length, MAX_RETRIEVE_IDS);
  if (
    !Array.isArray(rawFields) ||
    rawFields.length === 0 ||
    rawFields.some((name) => typeof name !== 'string')
  ) {
    throw new SalesforceError(
      'MISSING_ARGUMENT',
      'fields is required: the names of the fields to return, such as ["Id", "Name"]',
      [],
      400,
    );
  }
  const fields = rawFields as string[];
  const records = (rawIds as string[]).map((rawId) => {
    const id = normalizeId(rawId);
    if (!id) throw new SalesforceError('MALFORMED_ID', `malformed id ${rawId}`, ['Id'], 400);
    try {
      return request.org.store.retrieve(target.name, id, fields, request.apiVersion);
    } catch (error) {
      // Ids that name no visible record come back as null, in place.
      if (
        error instanceof SalesforceError &&
        ['NOT_FOUND', 'ENTITY_IS_DELETED'].includes(error.errorCode)
      ) {
        return null;
      }
      throw error;
    }
  });
  return { status: 200, body: records };
}

const retrieveManyPost: ApiHandler = (request, { object }) => {
  const body = request.json();
  if (!isJsonObject(body)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      'The body must be {"ids": [...], "fields": [...]}',
      [],
      400,
    );
  }
  return retrieveMany(request, object as string, body.ids, body.fields);
};

const retrieveManyGet: ApiHandler = (request, { object }) => {
  const list = (name: string): string[] | undefined =>
    request.query
      .get(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return retrieveMany(request, object as string, list('ids') ?? [], list('fields'));
};

export function collectionRoutes(): ApiRoute[] {
  return [
    { method: 'POST', pattern: '/composite/sobjects', handler: createMany },
    { method: 'PATCH', pattern: '/composite/sobjects', handler: updateMany },
    { method: 'DELETE', pattern: '/composite/sobjects', handler: deleteMany },
    { method: 'POST', pattern: '/composite/sobjects/:object', handler: retrieveManyPost },
    { method: 'GET', pattern: '/composite/sobjects/:object', handler: retrieveManyGet },
    { method: 'PATCH', pattern: '/composite/sobjects/:object/:field', handler: upsertMany },
  ];
}
