// Heroku Connect's export JSON (reference §5.2) <-> the mapping model. Import checks the shape
// and reports every problem with its JSON path; export writes the model back, reusing the
// imported JSON for keys it does not know and for key order, so import -> export round-trips.

import { z } from 'zod';
import {
  describeJsonValue,
  formatJsonPath,
  isJsonObject,
  jsonEqual,
  valueAtPath,
  type JsonObject,
  type JsonValue,
} from './json';
import {
  DEFAULT_WRITE_ALGORITHM,
  MAPPING_DEFAULTS,
  type ConnectionSettings,
  type Mapping,
  type MappingDocument,
  type MappingIndex,
} from './model';

export const EXPORT_VERSION = 1;

export interface ExportProblem {
  /** Where in the file, e.g. `mappings[1].config.access`. */
  path: string;
  message: string;
}

export class ConnectExportError extends Error {
  override readonly name = 'ConnectExportError';
  constructor(readonly problems: ExportProblem[]) {
    super(
      `This is not a Heroku Connect mapping export:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
  }
}

// --- Shape checks. zod only validates here; the model is built from the raw JSON afterwards so
// odd keys (even "__proto__") stay plain data.

const optionalText = (what: string) => z.string({ error: `${what} must be text` }).nullish();

const IndexSpec = z.looseObject(
  { unique: z.boolean({ error: 'unique must be true or false' }).optional() },
  { error: 'an index must be an object like {"unique": false}' },
);

const ConfigShape = z.looseObject(
  {
    access: z
      .enum(['read_only', 'read_write'], { error: 'access must be "read_only" or "read_write"' })
      .optional(),
    sf_notify_enabled: z.boolean({ error: 'sf_notify_enabled must be true or false' }).optional(),
    sf_polling_seconds: z
      .number({ error: 'sf_polling_seconds must be a number of seconds' })
      .int({ error: 'sf_polling_seconds must be a whole number of seconds' })
      .positive({ error: 'sf_polling_seconds must be above 0' })
      .optional(),
    sf_max_daily_api_calls: z
      .number({ error: 'sf_max_daily_api_calls must be a number' })
      .int({ error: 'sf_max_daily_api_calls must be a whole number' })
      .nonnegative({ error: 'sf_max_daily_api_calls must not be negative' })
      .optional(),
    fields: z.record(
      z.string(),
      z.looseObject({}, { error: 'each field must map to an object, usually {}' }),
      { error: 'fields must be an object of field names, like {"Id": {}, "Name": {}}' },
    ),
    indexes: z
      .record(z.string(), IndexSpec, {
        error: 'indexes must be an object like {"Id": {"unique": true}}',
      })
      .nullish(),
    upsert_field: optionalText('upsert_field'),
    applied_at: optionalText('applied_at'),
  },
  { error: 'config must be an object' },
);

const MappingShape = z.looseObject(
  {
    object_name: z
      .string({ error: 'object_name must be the Salesforce object name' })
      .min(1, { error: 'object_name must not be empty' }),
    config: ConfigShape,
  },
  { error: 'each mapping must be an object with object_name and config' },
);

const ConnectionShape = z.looseObject(
  {
    organization_id: optionalText('organization_id'),
    app_name: optionalText('app_name'),
    exported_at: optionalText('exported_at'),
    api_version: optionalText('api_version'),
    name: optionalText('name'),
    logplex_log_enabled: z
      .boolean({ error: 'logplex_log_enabled must be true or false' })
      .nullish(),
    features: z
      .looseObject({
        poll_db_no_merge: z.boolean({ error: 'poll_db_no_merge must be true or false' }).nullish(),
      })
      .nullish(),
  },
  { error: 'connection must be an object' },
);

const ExportShape = z.looseObject(
  {
    version: z.literal(EXPORT_VERSION, {
      error: `version must be ${EXPORT_VERSION} (every Heroku Connect export has "version": 1)`,
    }),
    connection: ConnectionShape.nullish(),
    mappings: z.array(MappingShape, {
      error: 'mappings must be a list of {"object_name", "config"} objects',
    }),
  },
  { error: 'the file must hold one JSON object with "version" and "mappings"' },
);

// --- Import.

/**
 * Reads an export (JSON text or an already parsed value) into the model.
 * Throws ConnectExportError listing every problem with its path.
 */
export function parseConnectExport(input: string | unknown): MappingDocument {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectExportError([{ path: '(file)', message: `not valid JSON (${reason})` }]);
    }
  }
  const checked = ExportShape.safeParse(value);
  if (!checked.success) {
    throw new ConnectExportError(
      checked.error.issues.map((issue) => {
        const found = valueAtPath(value, issue.path);
        return {
          path: formatJsonPath(issue.path),
          message:
            found === undefined
              ? `${issue.message}, but it is missing`
              : `${issue.message}; found ${describeJsonValue(found)}`,
        };
      }),
    );
  }
  const root = value as JsonObject;
  const connection = isJsonObject(root.connection) ? readConnection(root.connection) : undefined;
  return {
    version: EXPORT_VERSION,
    ...(connection ? { connection } : {}),
    mappings: (root.mappings as JsonObject[]).map(readMapping),
    source: root,
  };
}

const textOrUndefined = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

function readConnection(raw: JsonObject): ConnectionSettings {
  const features = isJsonObject(raw.features) ? { ...raw.features } : {};
  return {
    writeAlgorithm: features.poll_db_no_merge === true ? 'ordered' : DEFAULT_WRITE_ALGORITHM,
    features,
    ...optional('organizationId', textOrUndefined(raw.organization_id)),
    ...optional('appName', textOrUndefined(raw.app_name)),
    ...optional('exportedAt', textOrUndefined(raw.exported_at)),
    ...optional('apiVersion', textOrUndefined(raw.api_version)),
    ...optional('name', textOrUndefined(raw.name)),
    ...optional(
      'logplexLogEnabled',
      typeof raw.logplex_log_enabled === 'boolean' ? raw.logplex_log_enabled : undefined,
    ),
    source: raw,
  };
}

function readMapping(raw: JsonObject): Mapping {
  const config = raw.config as JsonObject;
  const fields = Object.keys(config.fields as JsonObject);
  const indexes = isJsonObject(config.indexes)
    ? Object.entries(config.indexes).map(([field, spec]): MappingIndex => ({
        field,
        unique: isJsonObject(spec) && spec.unique === true,
      }))
    : undefined;
  return {
    objectName: raw.object_name as string,
    access: config.access === 'read_write' ? 'read_write' : 'read_only',
    fields,
    ...optional('upsertField', textOrUndefined(config.upsert_field)),
    sfPollingSeconds:
      typeof config.sf_polling_seconds === 'number'
        ? config.sf_polling_seconds
        : MAPPING_DEFAULTS.sfPollingSeconds,
    sfNotifyEnabled: config.sf_notify_enabled === true,
    sfMaxDailyApiCalls:
      typeof config.sf_max_daily_api_calls === 'number'
        ? config.sf_max_daily_api_calls
        : MAPPING_DEFAULTS.sfMaxDailyApiCalls,
    ...optional('indexes', indexes),
    ...optional('appliedAt', textOrUndefined(config.applied_at)),
    source: raw,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// --- Export.

/**
 * One key of an object being exported. With `read`, a key whose source value still reads as the
 * model's value is copied verbatim (null stays null, a default left out stays out). Without it
 * the model's value is written, and a source null is kept where the model has nothing.
 */
interface KnownKey {
  key: string;
  /** The model's value in JSON form; undefined means "no such key". */
  value: JsonValue | undefined;
  /** How import reads a raw value (undefined when absent) into the model's JSON form. */
  read?: (raw: JsonValue | undefined) => JsonValue | undefined;
}

/** Defines an own property, so names such as "__proto__" stay plain keys. */
function setKey(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function writeObject(source: JsonObject | undefined, known: KnownKey[]): JsonObject {
  const out: JsonObject = {};
  const byKey = new Map(known.map((k) => [k.key, k]));
  const resolve = (k: KnownKey): JsonValue | undefined => {
    if (!source) return k.value;
    const raw = Object.hasOwn(source, k.key) ? source[k.key] : undefined;
    if (k.read) return jsonEqual(k.read(raw), k.value) ? raw : k.value;
    return k.value === undefined && raw === null ? null : k.value;
  };
  if (source) {
    for (const key of Object.keys(source)) {
      const k = byKey.get(key);
      const value = k ? resolve(k) : source[key];
      if (value !== undefined) setKey(out, key, value);
    }
  }
  for (const k of known) {
    if (source && Object.hasOwn(source, k.key)) continue;
    const value = resolve(k);
    if (value !== undefined) setKey(out, k.key, value);
  }
  return out;
}

const readText = (raw: JsonValue | undefined) => (typeof raw === 'string' ? raw : undefined);
const readBool = (raw: JsonValue | undefined) => (typeof raw === 'boolean' ? raw : undefined);

/** The export JSON for a document, ready for JSON.stringify. */
export function toConnectExport(document: MappingDocument): JsonObject {
  return writeObject(document.source, [
    { key: 'version', value: document.version, read: (raw) => raw },
    {
      key: 'connection',
      value: document.connection ? writeConnection(document.connection) : undefined,
    },
    { key: 'mappings', value: document.mappings.map(writeMapping) },
  ]);
}

/** Pretty JSON text of an export, two-space indented like `heroku connect:export`. */
export function formatConnectExport(document: MappingDocument): string {
  return `${JSON.stringify(toConnectExport(document), null, 2)}\n`;
}

function writeConnection(connection: ConnectionSettings): JsonObject {
  const features: JsonObject = {};
  for (const [key, value] of Object.entries(connection.features)) setKey(features, key, value);
  const ordered = connection.writeAlgorithm === 'ordered';
  // A missing flag means merged, so the flag is only written when it would read wrong.
  if ((features.poll_db_no_merge === true) !== ordered) {
    setKey(features, 'poll_db_no_merge', ordered);
  }
  const source = connection.source;
  return writeObject(source, [
    { key: 'organization_id', value: connection.organizationId, read: readText },
    { key: 'app_name', value: connection.appName, read: readText },
    { key: 'exported_at', value: connection.exportedAt, read: readText },
    {
      key: 'features',
      value:
        Object.keys(features).length > 0 || isJsonObject(source?.features) ? features : undefined,
    },
    { key: 'api_version', value: connection.apiVersion, read: readText },
    { key: 'name', value: connection.name, read: readText },
    { key: 'logplex_log_enabled', value: connection.logplexLogEnabled, read: readBool },
  ]);
}

function writeMapping(mapping: Mapping): JsonObject {
  const source = mapping.source;
  const sourceConfig = isJsonObject(source?.config) ? source.config : undefined;
  return writeObject(source, [
    { key: 'object_name', value: mapping.objectName, read: readText },
    { key: 'config', value: writeConfig(mapping, sourceConfig) },
  ]);
}

function writeConfig(mapping: Mapping, source: JsonObject | undefined): JsonObject {
  const sourceFields = isJsonObject(source?.fields) ? source.fields : undefined;
  const fields: JsonObject = {};
  for (const name of mapping.fields) {
    const original = sourceFields && Object.hasOwn(sourceFields, name) ? sourceFields[name] : {};
    setKey(fields, name, original ?? {});
  }
  let indexes: JsonObject | undefined;
  if (mapping.indexes) {
    const sourceIndexes = isJsonObject(source?.indexes) ? source.indexes : undefined;
    indexes = {};
    for (const index of mapping.indexes) {
      const original =
        sourceIndexes && Object.hasOwn(sourceIndexes, index.field)
          ? sourceIndexes[index.field]
          : undefined;
      setKey(
        indexes,
        index.field,
        writeObject(isJsonObject(original) ? original : undefined, [
          { key: 'unique', value: index.unique, read: (raw) => raw === true },
        ]),
      );
    }
  }
  const withDefault =
    <T extends JsonValue>(fallback: T) =>
    (raw: JsonValue | undefined) =>
      raw === undefined || raw === null ? fallback : raw;
  return writeObject(source, [
    { key: 'access', value: mapping.access, read: withDefault(MAPPING_DEFAULTS.access) },
    {
      key: 'sf_notify_enabled',
      value: mapping.sfNotifyEnabled,
      read: withDefault(MAPPING_DEFAULTS.sfNotifyEnabled),
    },
    {
      key: 'sf_polling_seconds',
      value: mapping.sfPollingSeconds,
      read: withDefault(MAPPING_DEFAULTS.sfPollingSeconds),
    },
    {
      key: 'sf_max_daily_api_calls',
      value: mapping.sfMaxDailyApiCalls,
      read: withDefault(MAPPING_DEFAULTS.sfMaxDailyApiCalls),
    },
    { key: 'fields', value: fields },
    { key: 'indexes', value: indexes },
    { key: 'upsert_field', value: mapping.upsertField, read: readText },
    { key: 'applied_at', value: mapping.appliedAt, read: readText },
  ]);
}
