// One record at a time: create, retrieve, update, delete, GET/upsert/delete by external id, and
// getUpdated/getDeleted (salesforce-rest.md §2.7, §2.8, §2.12). Validation, relationship
// references in bodies and case-insensitive names are the store's; this file speaks HTTP.

import { SalesforceError } from '../errors';
import { normalizeId } from '../ids';
import { versionAtLeast } from './versions';
import {
  isExternalKey,
  objectOf,
  pathId,
  recordUrl,
  recordValues,
  unknownExternalField,
} from './rest-common';
import type { ApiHandler, ApiRequest, ApiResponse, ApiRoute } from './routes';

/** `created` joined the upsert answer in 46.0, with 200 instead of 204 for an update. */
const UPSERT_200_SINCE = 46;

function fieldsParam(request: ApiRequest): string[] | undefined {
  const text = request.query.get('fields');
  if (text === null) return undefined;
  const fields = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return fields.length > 0 ? fields : undefined;
}

function created(request: ApiRequest, objectName: string, id: string): ApiResponse {
  return {
    status: 201,
    headers: { Location: recordUrl(request.apiVersion, objectName, id) },
    body: { id, success: true, errors: [] },
  };
}

const create: ApiHandler = (request, { object }) => {
  const target = objectOf(request, object as string);
  const values = recordValues(request.json());
  const id = request.org.store.insert(target.name, values, { userId: request.userId });
  return created(request, target.name, id);
};

const retrieve: ApiHandler = (request, { object, id }) => {
  const target = objectOf(request, object as string);
  const record = request.org.store.retrieve(
    target.name,
    pathId(id as string),
    fieldsParam(request),
    request.apiVersion,
  );
  return { status: 200, body: record };
};

const update: ApiHandler = (request, { object, id }) => {
  const target = objectOf(request, object as string);
  const recordId = pathId(id as string);
  const values = recordValues(request.json());
  // A body may repeat the record's own Id; it is the key, not a change.
  for (const key of Object.keys(values)) {
    if (key.toLowerCase() === 'id' && typeof values[key] === 'string') {
      if (normalizeId(values[key] as string) === recordId) delete values[key];
    }
  }
  request.org.store.update(target.name, recordId, values, { userId: request.userId });
  return { status: 204 };
};

const destroy: ApiHandler = (request, { object, id }) => {
  const target = objectOf(request, object as string);
  request.org.store.delete(target.name, pathId(id as string), { userId: request.userId });
  return { status: 204 };
};

/** The live records an external-id value names (Id included as a key). */
function idsByKey(request: ApiRequest, objectName: string, field: string, value: string): string[] {
  const target = objectOf(request, objectName);
  if (!isExternalKey(target, field)) throw unknownExternalField(field);
  if (target.field(field)?.name === 'Id') return [pathId(value)];
  return request.org.store.findIds(target.name, field, value);
}

function multipleChoices(
  request: ApiRequest,
  objectName: string,
  ids: readonly string[],
): ApiResponse {
  return { status: 300, body: ids.map((id) => recordUrl(request.apiVersion, objectName, id)) };
}

const retrieveByKey: ApiHandler = (request, { object, field, value }) => {
  const target = objectOf(request, object as string);
  const ids = idsByKey(request, target.name, field as string, value as string);
  if (ids.length > 1) return multipleChoices(request, target.name, ids);
  const [id] = ids;
  if (!id) throw notFoundRecord();
  const record = request.org.store.retrieve(
    target.name,
    id,
    fieldsParam(request),
    request.apiVersion,
  );
  return { status: 200, body: record };
};

const upsert: ApiHandler = (request, { object, field, value }) => {
  const target = objectOf(request, object as string);
  const key = field as string;
  if (!isExternalKey(target, key)) throw unknownExternalField(key);
  const values = recordValues(request.json());
  const keyValue = value as string;
  if (target.field(key)?.name !== 'Id') {
    // Several matches answer 300 before anything is written.
    const ids = request.org.store.findIds(target.name, key, keyValue);
    if (ids.length > 1) return multipleChoices(request, target.name, ids);
  }
  let outcome;
  try {
    outcome = request.org.store.upsert(target.name, key, keyValue, values, {
      userId: request.userId,
    });
  } catch (error) {
    if (error instanceof SalesforceError && error.errorCode === 'MULTIPLE_CHOICES') {
      return multipleChoices(
        request,
        target.name,
        request.org.store.findIds(target.name, key, keyValue),
      );
    }
    throw error;
  }
  const since46 = versionAtLeast(request.apiVersion, UPSERT_200_SINCE);
  if (outcome.created) {
    const answer = created(request, target.name, outcome.id);
    return since46 ? { ...answer, body: { ...(answer.body as object), created: true } } : answer;
  }
  if (!since46) return { status: 204 };
  return { status: 200, body: { id: outcome.id, success: true, errors: [], created: false } };
};

/** POST /sobjects/X/Id creates (the `Id` upsert with no id yet); other fields upsert by PATCH. */
const createThroughId: ApiHandler = (request, params) => {
  const target = objectOf(request, params.object as string);
  if (target.field(params.field as string)?.name !== 'Id') {
    throw new SalesforceError(
      'METHOD_NOT_ALLOWED',
      "HTTP Method 'POST' not allowed. Allowed are GET,PATCH,DELETE (upsert by external id is a PATCH to /sobjects/X/<field>/<value>)",
      [],
      405,
    );
  }
  return create(request, { object: target.name });
};

const destroyByKey: ApiHandler = (request, { object, field, value }) => {
  const target = objectOf(request, object as string);
  const ids = idsByKey(request, target.name, field as string, value as string);
  if (ids.length > 1) return multipleChoices(request, target.name, ids);
  const [id] = ids;
  if (!id) throw notFoundRecord();
  request.org.store.delete(target.name, id, { userId: request.userId });
  return { status: 204 };
};

function notFoundRecord(): SalesforceError {
  return new SalesforceError('NOT_FOUND', 'The requested resource does not exist', [], 404);
}

/** start/end of getUpdated/getDeleted, read as `new Date` reads them (jsforce sends +00:00). */
function dateRange(request: ApiRequest): { start: Date; end: Date } {
  const read = (name: 'start' | 'end'): Date => {
    const text = request.query.get(name);
    if (text === null || text.trim() === '') {
      // errorCode and text UNCONFIRMED: a real org's answer to a missing start/end is unknown.
      throw new SalesforceError(
        'MISSING_ARGUMENT',
        `${name} is required: add ?start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z`,
        [],
        400,
      );
    }
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) {
      // INVALID_REPLICATION_DATE is Salesforce's code for bad ranges; this text is ours.
      throw new SalesforceError(
        'INVALID_REPLICATION_DATE',
        `${name} is not a date and time: '${text}'; use ISO 8601 such as 2024-01-01T00:00:00Z`,
        [],
        400,
      );
    }
    return date;
  };
  return { start: read('start'), end: read('end') };
}

const updated: ApiHandler = (request, { object }) => {
  const target = objectOf(request, object as string);
  const { start, end } = dateRange(request);
  return { status: 200, body: request.org.store.updated(target.name, start, end) };
};

const deleted: ApiHandler = (request, { object }) => {
  const target = objectOf(request, object as string);
  const { start, end } = dateRange(request);
  return { status: 200, body: request.org.store.deleted(target.name, start, end) };
};

export function sobjectRoutes(): ApiRoute[] {
  return [
    { method: 'POST', pattern: '/sobjects/:object', handler: create },
    { method: 'GET', pattern: '/sobjects/:object/updated', handler: updated },
    { method: 'GET', pattern: '/sobjects/:object/deleted', handler: deleted },
    { method: 'GET', pattern: '/sobjects/:object/:id', handler: retrieve },
    { method: 'PATCH', pattern: '/sobjects/:object/:id', handler: update },
    { method: 'DELETE', pattern: '/sobjects/:object/:id', handler: destroy },
    { method: 'POST', pattern: '/sobjects/:object/:field', handler: createThroughId },
    { method: 'GET', pattern: '/sobjects/:object/:field/:value', handler: retrieveByKey },
    { method: 'PATCH', pattern: '/sobjects/:object/:field/:value', handler: upsert },
    { method: 'DELETE', pattern: '/sobjects/:object/:field/:value', handler: destroyByKey },
  ];
}
