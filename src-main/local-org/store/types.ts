// What the local org's store offers the HTTP layer, Bulk 2.0 and the seeds. One better-sqlite3
// database (a file or memory) holds the records, the recycle-bin log and the org's own tables
// (sessions, API usage, bulk jobs). Every method is synchronous: better-sqlite3 is, and a
// request is short.
//
// Layout (store/layout.ts): each object's stored fields live in table `data_<Object>` with one
// column per field named exactly like the field; the object is read through view `<Object>`,
// which adds its formula and roll-up columns. Values are stored as the SOQL compiler's SQLite
// conventions say (src-shared/soql/compile-schema.ts): booleans 0/1, dates 'YYYY-MM-DD',
// datetimes Date#toISOString, multi-select picklists 'a;b;c', 18-character Ids.

import type Database from 'better-sqlite3';
import type { JsonObject } from '../../../src-shared/soql';
import type { Faults } from '../faults';
import type { SchemaDefinition } from '../schema/definition';
import type { OrgSchema } from '../schema/model';

/** A record's fields as a JSON body carries them; `attributes` is ignored. */
export type RecordValues = Readonly<Record<string, unknown>>;

export interface WriteOptions {
  /** The running user (CreatedById, LastModifiedById, OwnerId default); default: the org user. */
  userId?: string;
}

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

export interface QueryOptions {
  /** queryAll: deleted records too. */
  includeDeleted: boolean;
  /** The request's API version (attributes.url, version-dependent rules). */
  apiVersion: string;
  /** Records per page (Sforce-Query-Options batchSize, clamped to 200–2000); default 2000. */
  batchSize?: number;
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  /** `/services/data/v<version>/query/<locator>` while more pages remain. */
  nextRecordsUrl?: string;
  records: JsonObject[];
}

export interface UpdatedIds {
  ids: string[];
  latestDateCovered: string;
}

export interface DeletedIds {
  deletedRecords: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable: string | null;
  latestDateCovered: string;
}

/** Who the org is and who its one user is (login answers, CreatedById …). */
export interface OrgIdentity {
  orgId: string;
  organizationName: string;
  userId: string;
  username: string;
  userFullName: string;
  userEmail: string;
}

export interface LocalOrgStore {
  readonly schema: OrgSchema;
  readonly identity: OrgIdentity;
  /** For the org's own bookkeeping tables (sessions, API usage, bulk jobs); not for records. */
  readonly db: Database.Database;
  /** True when this open created the database (seed it); false when it reopened a file. */
  readonly created: boolean;
  /** When the schema last changed (created, or reopened with other --schema definitions). */
  readonly schemaModifiedAt: Date;

  // Single-record writes. Each throws SalesforceError (errors.ts) with Salesforce's errorCode,
  // message and fields, and leaves nothing half-written.
  insert(objectName: string, values: RecordValues, options?: WriteOptions): string;
  update(objectName: string, id: string, values: RecordValues, options?: WriteOptions): void;
  upsert(
    objectName: string,
    externalIdField: string,
    externalIdValue: string,
    values: RecordValues,
    options?: WriteOptions,
  ): UpsertOutcome;
  /** Moves the record (and its master-detail children) to the recycle bin. */
  delete(objectName: string, id: string, options?: WriteOptions): void;
  /** Removes the record for good (Bulk 2.0 hardDelete). */
  hardDelete(objectName: string, id: string): void;
  /**
   * Runs fn as one unit: when it throws, everything it wrote is undone (allOrNone, composite).
   * Calls nest (savepoints).
   */
  atomically<T>(fn: () => T): T;

  /** GET /sobjects/X/{id}[?fields=]: every field (or the named ones) with attributes. */
  retrieve(
    objectName: string,
    id: string,
    fields: readonly string[] | undefined,
    apiVersion: string,
  ): JsonObject;
  /** Ids of the live records whose field equals value (external ids, case-insensitive text). */
  findIds(objectName: string, fieldName: string, value: string): string[];

  /** Validates and runs SOQL; throws SalesforceError (MALFORMED_QUERY, INVALID_FIELD …). */
  query(soql: string, options: QueryOptions): QueryPage;
  /** The next page of a query; INVALID_QUERY_LOCATOR when unknown or expired. */
  queryMore(locator: string, apiVersion: string): QueryPage;
  /** Every record of a query in one list (Bulk 2.0 query jobs). */
  queryAll(soql: string, options: Omit<QueryOptions, 'batchSize'>): { records: JsonObject[] };

  /** GET /sobjects/X/updated: ids whose SystemModstamp is in [start, end). */
  updated(objectName: string, start: Date, end: Date): UpdatedIds;
  /** GET /sobjects/X/deleted. */
  deleted(objectName: string, start: Date, end: Date): DeletedIds;

  close(): void;
}

export interface OpenStoreOptions {
  /** A file path, or ':memory:'. */
  file: string;
  /** Definitions added to the standard set and the demo fields (`--schema FILE`). */
  extraSchema?: readonly SchemaDefinition[];
  faults?: Faults;
  /** The clock for CreatedDate/SystemModstamp; default the real one. */
  now?: () => Date;
}
