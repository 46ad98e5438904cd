// The mapping model: which Salesforce object and fields live in which Postgres table, and how
// they sync. It mirrors one Heroku Connect export file (reference §5); `source` keeps the JSON a
// value was imported from so an export gives back unknown keys and the original key order.

import type { JsonObject } from './json';

export type MappingAccess = 'read_only' | 'read_write';

/**
 * Connection-level write algorithm (reference §3.3). Exported as `features.poll_db_no_merge`:
 * true means ordered. Files without the flag (every export before 2019) are merged.
 */
export type WriteAlgorithm = 'merged' | 'ordered';

export const MAPPING_DEFAULTS = {
  access: 'read_only' as MappingAccess,
  sfPollingSeconds: 600,
  sfNotifyEnabled: false,
  sfMaxDailyApiCalls: 30_000,
} as const;

export const DEFAULT_WRITE_ALGORITHM: WriteAlgorithm = 'merged';

/** The Postgres schema a connection syncs into unless told otherwise (reference §1.1). */
export const DEFAULT_SCHEMA_NAME = 'salesforce';

export interface MappingIndex {
  /** Salesforce field API name as written in the mapping (`Id`, `External_ID__c`). */
  field: string;
  unique: boolean;
}

export interface Mapping {
  /** Salesforce object API name (`Account`, `Vehicle__c`). */
  objectName: string;
  access: MappingAccess;
  /**
   * Field API names in file order. Includes relationship external-ID pseudo-fields
   * (`Account__External_ID__c`); resolveMappedField tells them apart with a describe.
   */
  fields: string[];
  /** The unique identifier used for upserts; undefined when the mapping has none. */
  upsertField?: string;
  sfPollingSeconds: number;
  sfNotifyEnabled: boolean;
  sfMaxDailyApiCalls: number;
  /** undefined when the file has no `indexes` object (exports from 2015-2016). */
  indexes?: MappingIndex[];
  /** ISO-8601 time the mapping was last applied, as Heroku Connect exports it. */
  appliedAt?: string;
  /** The `mappings[i]` object this mapping came from; export reuses its unknown keys. */
  source?: JsonObject;
}

export interface ConnectionSettings {
  writeAlgorithm: WriteAlgorithm;
  /** Every feature flag exactly as exported, poll_db_no_merge included. */
  features: JsonObject;
  organizationId?: string;
  appName?: string;
  exportedAt?: string;
  apiVersion?: string;
  /** `<app>:<DB_KEY>:<schema>` in newer exports, often "". */
  name?: string;
  logplexLogEnabled?: boolean;
  source?: JsonObject;
}

/** One Heroku Connect export file. */
export interface MappingDocument {
  version: number;
  /** Absent in files that carry only mappings (the connection block is optional on import). */
  connection?: ConnectionSettings;
  mappings: Mapping[];
  source?: JsonObject;
}

/** A new mapping with Heroku Connect's defaults; `fields` should include Id and SystemModstamp. */
export function createMapping(
  objectName: string,
  options: Partial<Omit<Mapping, 'objectName' | 'source'>> = {},
): Mapping {
  return {
    objectName,
    access: options.access ?? MAPPING_DEFAULTS.access,
    fields: options.fields ?? ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate'],
    ...(options.upsertField !== undefined ? { upsertField: options.upsertField } : {}),
    sfPollingSeconds: options.sfPollingSeconds ?? MAPPING_DEFAULTS.sfPollingSeconds,
    sfNotifyEnabled: options.sfNotifyEnabled ?? MAPPING_DEFAULTS.sfNotifyEnabled,
    sfMaxDailyApiCalls: options.sfMaxDailyApiCalls ?? MAPPING_DEFAULTS.sfMaxDailyApiCalls,
    ...(options.indexes !== undefined ? { indexes: options.indexes } : {}),
    ...(options.appliedAt !== undefined ? { appliedAt: options.appliedAt } : {}),
  };
}

export function writeAlgorithmOf(document: Pick<MappingDocument, 'connection'>): WriteAlgorithm {
  return document.connection?.writeAlgorithm ?? DEFAULT_WRITE_ALGORITHM;
}

/** The mapping for an object (Salesforce names are case-insensitive). */
export function findMapping(mappings: readonly Mapping[], objectName: string): Mapping | undefined {
  const key = objectName.toLowerCase();
  return mappings.find((m) => m.objectName.toLowerCase() === key);
}

/**
 * Import semantics of Heroku Connect (reference §5.3): a file is applied like a PATCH, so
 * mappings it does not name stay as they are. The result is what the database holds afterwards.
 */
export function mergeMappingDocuments(
  applied: MappingDocument | undefined,
  incoming: MappingDocument,
): MappingDocument {
  if (!applied) return incoming;
  const replaced = new Set(incoming.mappings.map((m) => m.objectName.toLowerCase()));
  const kept = applied.mappings.filter((m) => !replaced.has(m.objectName.toLowerCase()));
  return {
    ...incoming,
    connection: incoming.connection ?? applied.connection,
    mappings: [...kept, ...incoming.mappings],
  };
}
