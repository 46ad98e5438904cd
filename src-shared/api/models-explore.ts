// Shapes of the explore workspaces (Schema, Query, SQL, Compare) as they cross the contract.
// Describes and records are Salesforce's own JSON: checked for their outline only, so a
// 1,500-object org does not pay for a deep parse on every call.
import { z } from 'zod';
import type { SObjectDescribe } from '../salesforce';
import { ProfileSummary } from './models';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A full describe (src-shared/salesforce SObjectDescribe). */
export const Describe = z.custom<SObjectDescribe>(
  (v) => isObject(v) && typeof v.name === 'string' && Array.isArray(v.fields),
  { message: 'expected a describe with name and fields' },
);

/** A record as Salesforce returns it: fields, `attributes`, nested parents, child subquery results. */
export const SalesforceRecordJson = z.custom<Record<string, unknown>>(isObject, {
  message: 'expected a record object',
});

export const ObjectListEntry = z.object({
  name: z.string(),
  label: z.string(),
  custom: z.boolean(),
  keyPrefix: z.string().nullable(),
  queryable: z.boolean(),
  /** The access of its mapping in the active database; null when not mapped (or no database). */
  mapped: z.enum(['read_only', 'read_write']).nullable(),
});
export type ObjectListEntry = z.output<typeof ObjectListEntry>;

/** Where a cached answer came from and how old it is. */
export const CacheAge = z.object({
  /** ISO time the org answered it; null when nothing is cached yet. */
  fetchedAt: z.string().nullable(),
  /** A background refresh is running; `schema.objectsUpdated` / `schema.describeUpdated` follow. */
  refreshing: z.boolean(),
});

export const ColumnTypeInfo = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), sqlType: z.string() }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);

export const QueryPage = z.object({
  /** Pass to query.more for the next page; null when done. */
  cursor: z.string().nullable(),
  records: z.array(SalesforceRecordJson),
  totalSize: z.number(),
  done: z.boolean(),
  durationMs: z.number(),
  /** API requests this page cost the org. */
  apiCalls: z.number(),
});
export type QueryPage = z.output<typeof QueryPage>;

export const QueryHistoryEntry = z.object({
  id: z.number(),
  soql: z.string(),
  ranAt: z.string(),
  rowCount: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
});

export const SavedQuery = z.object({
  id: z.string(),
  name: z.string(),
  soql: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CompiledSql = z.object({
  sql: z.string(),
  params: z.array(z.unknown()),
  schemaName: z.string(),
  /** Mapped tables the query reads (`salesforce.contact`). */
  tables: z.array(z.string()),
});

export const FieldDifference = z.object({
  /** `Name`, `Account.Name`. */
  path: z.string(),
  salesforce: z.unknown(),
  postgres: z.unknown(),
});

export const CompareResult = z.object({
  salesforceCount: z.number(),
  postgresCount: z.number(),
  same: z.number(),
  onlyInSalesforce: z.array(SalesforceRecordJson),
  onlyInPostgres: z.array(SalesforceRecordJson),
  different: z.array(z.object({ id: z.string(), fields: z.array(FieldDifference) })),
  durationMs: z.number(),
  /** More records than Compare reads (50,000 per side) matched; the lists cover the first ones. */
  truncated: z.boolean(),
});
export type CompareResult = z.output<typeof CompareResult>;

export const StartedService = z.object({
  profile: ProfileSummary,
  /** Where it answers (a database URL without its password). */
  url: z.string(),
  /** The profile was created now (false: an existing one was reused). */
  created: z.boolean(),
});
