import { z } from 'zod';
import {
  AppInfo,
  ConnectionTestResult,
  ProfileInput,
  ProfileSummary,
  Settings,
  Theme,
  ApiVersion,
} from './models';
import {
  CacheAge,
  ColumnTypeInfo,
  CompareResult,
  CompiledSql,
  Describe,
  ObjectListEntry,
  QueryHistoryEntry,
  QueryPage,
  SalesforceRecordJson,
  SavedQuery,
  StartedService,
} from './models-explore';
import {
  DemoOpened,
  MappingApplyResult,
  MappingProblemJson,
  MappingsState,
  SyncLogEntry,
  SyncStatus,
  TriggerLogDetail,
  TriggerLogFilterJson,
  TriggerLogRow,
  TriggerLogSummary,
  postgresIntId,
} from './models-sync';

interface MethodDef<P extends z.ZodType, R extends z.ZodType> {
  summary: string;
  params: P;
  result: R;
}

const method = <P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R>) => def;

const noParams = z.object({}).strict().default({});
const profileId = z.string().min(1, 'id is required');
const objectName = z.string().trim().min(1, 'object is required (an API name such as Account)');
const soql = z.string().trim().min(1, 'soql is required (a query such as SELECT Id FROM Account)');
const exportJson = z
  .string()
  .trim()
  .min(1, 'document is required (a Heroku Connect mapping export, as JSON text)');
const rowIds = z
  .array(postgresIntId('ids'))
  .min(1, 'give at least one trigger-log row id')
  .max(10_000, 'at most 10,000 rows at a time; use retryMatching for a whole filter');

/**
 * The contract between the renderer (or any client) and the main process. Each method is
 * `namespace.verb`; handlers validate params with `params` and answer with `result`.
 */
export const apiContract = {
  'app.info': method({
    summary: 'What this studio is, which host serves it and where it keeps its data',
    params: noParams,
    result: AppInfo,
  }),
  'profiles.list': method({
    summary: 'Saved connection profiles, without their secrets',
    params: noParams,
    result: z.object({ profiles: z.array(ProfileSummary) }),
  }),
  'profiles.save': method({
    summary: 'Create a profile, or update one when `id` is given (omitted secrets are kept)',
    params: ProfileInput,
    result: ProfileSummary,
  }),
  'profiles.remove': method({
    summary: 'Delete a profile and its secrets',
    params: z.object({ id: profileId }).strict(),
    result: z.object({ removed: z.boolean() }),
  }),
  'profiles.test': method({
    summary:
      'Try a saved profile (`id`) or an unsaved form (`profile`, falling back to saved secrets)',
    params: z
      .object({ id: profileId.optional(), profile: ProfileInput.optional() })
      .strict()
      .refine((p) => p.id !== undefined || p.profile !== undefined, {
        message: 'give either id (a saved profile) or profile (an unsaved form)',
      }),
    result: ConnectionTestResult,
  }),
  'profiles.oauthStart': method({
    summary:
      'Begin the browser sign-in of an OAuth profile (saved `id`, or an unsaved oauth form): ' +
      'answers the URL to open; profiles.oauthFinished follows when the browser comes back',
    params: z
      .object({ id: profileId.optional(), profile: ProfileInput.optional() })
      .strict()
      .refine((p) => p.id !== undefined || p.profile !== undefined, {
        message: 'give either id (a saved profile) or profile (an unsaved form)',
      }),
    result: z.object({ authorizeUrl: z.string(), redirectUri: z.string() }),
  }),
  'profiles.oauthCancel': method({
    summary:
      'Stop the browser sign-in that is waiting (its listener closes; profiles.oauthFinished ' +
      'follows with ok: false); `cancelled` is false when none was waiting',
    params: noParams,
    result: z.object({ cancelled: z.boolean() }),
  }),
  'localOrg.start': method({
    summary:
      'Start the built-in local org with the demo data (kept in the user-data folder), save ' +
      'its profile once and make it the active org',
    params: noParams,
    result: StartedService,
  }),
  'embeddedPostgres.start': method({
    summary:
      'Start the embedded Postgres server (kept in the user-data folder), save its profile ' +
      'once and make it the active database',
    params: noParams,
    result: StartedService,
  }),
  'schema.objects': method({
    summary:
      'Every object of the active org, from the cache at once; refreshed in the background ' +
      'when stale or asked (`refresh`)',
    params: z
      .object({ refresh: z.boolean().default(false) })
      .strict()
      .default({ refresh: false }),
    result: CacheAge.extend({
      objects: z.array(ObjectListEntry),
      /**
       * Which org answered: the key of the studio's per-org caches (the org id). Per-org state
       * in a client is keyed by it, not by the profile, which may be edited to another org.
       */
      orgKey: z.string().optional(),
    }),
  }),
  'schema.describe': method({
    summary:
      'One object of the active org: fields, relationships and the Postgres type of each ' +
      'field; from the cache first, revalidated in the background (If-Modified-Since)',
    params: z.object({ object: objectName, refresh: z.boolean().default(false) }).strict(),
    result: CacheAge.extend({
      describe: Describe,
      columnTypes: z.record(z.string(), ColumnTypeInfo),
      mapped: z.enum(['read_only', 'read_write']).nullable(),
    }),
  }),
  'schema.describeMany': method({
    summary: 'Several describes at once (cached first, the rest fetched): completion needs them',
    params: z.object({ objects: z.array(objectName).max(2000) }).strict(),
    result: z.object({ describes: z.array(Describe), missing: z.array(z.string()) }),
  }),
  'schema.count': method({
    summary: 'How many records an object has (SELECT COUNT())',
    params: z.object({ object: objectName }).strict(),
    result: z.object({ count: z.number(), durationMs: z.number() }),
  }),
  'query.run': method({
    summary: 'Run SOQL against the active org; the first page and a cursor for the rest',
    params: z
      .object({
        soql,
        all: z.boolean().default(false),
        batchSize: z.number().int().min(200).max(2000).default(2000),
      })
      .strict(),
    result: QueryPage,
  }),
  'query.more': method({
    summary: 'The next page of a query (queryMore)',
    params: z.object({ cursor: z.string().min(1) }).strict(),
    result: QueryPage,
  }),
  'query.history': method({
    summary: 'Queries run against the active org, newest first',
    params: z
      .object({ limit: z.number().int().min(1).max(500).default(100) })
      .strict()
      .default({ limit: 100 }),
    result: z.object({ entries: z.array(QueryHistoryEntry) }),
  }),
  'query.saved': method({
    summary: 'Saved queries',
    params: noParams,
    result: z.object({ queries: z.array(SavedQuery) }),
  }),
  'query.save': method({
    summary: 'Save a query under a name (update with `id`)',
    params: z
      .object({
        id: z.string().min(1).optional(),
        name: z.string().trim().min(1, 'name is required').max(120),
        soql,
      })
      .strict(),
    result: SavedQuery,
  }),
  'query.removeSaved': method({
    summary: 'Delete a saved query',
    params: z.object({ id: z.string().min(1) }).strict(),
    result: z.object({ removed: z.boolean() }),
  }),
  'sql.compile': method({
    summary: "SOQL compiled to Postgres over the active database's mapped tables",
    params: z.object({ soql }).strict(),
    result: CompiledSql,
  }),
  'sql.run': method({
    summary: 'Run SOQL compiled to Postgres; records in the shape Salesforce would answer',
    params: z.object({ soql }).strict(),
    result: CompiledSql.extend({
      records: z.array(SalesforceRecordJson),
      totalSize: z.number(),
      durationMs: z.number(),
    }),
  }),
  'compare.run': method({
    summary:
      'Run SOQL on the org and on Postgres and list the records that differ (by Id): missing ' +
      'on either side, or with unequal field values',
    params: z.object({ soql }).strict(),
    result: CompareResult,
  }),
  'mappings.state': method({
    summary:
      "The active database's mappings: the applied document, what the schema holds (the " +
      "editor plans its DDL against it), each mapped table's rows, and the user's unapplied draft",
    params: noParams,
    result: MappingsState,
  }),
  'mappings.validate': method({
    summary:
      "Check a document against the active org's describes with the shared rules (the same " +
      'check mappings.apply makes); answers every problem',
    params: z.object({ document: exportJson }).strict(),
    result: z.object({ problems: z.array(MappingProblemJson) }),
  }),
  'mappings.apply': method({
    summary:
      'Apply a whole document to the active database (it replaces the applied one): validated ' +
      'against the org, refused on errors; columns are dropped only with allowDrop. A running ' +
      'sync picks the change up. The draft is cleared.',
    params: z.object({ document: exportJson, allowDrop: z.boolean().default(false) }).strict(),
    result: MappingApplyResult,
  }),
  'mappings.saveDraft': method({
    summary:
      'Keep the document being edited in the cache (null forgets it), per database and schema',
    params: z.object({ document: z.string().nullable() }).strict(),
    result: z.object({ savedAt: z.string().nullable() }),
  }),
  'sync.status': method({
    summary:
      'The sync engine between the active org and database: its state, each mapping (phase, ' +
      'rows, polls, pending and failed changes, load progress) and the API usage',
    params: noParams,
    result: SyncStatus,
  }),
  'sync.start': method({
    summary: 'Start the engine on the mappings applied to the active database',
    params: noParams,
    result: SyncStatus,
  }),
  'sync.stop': method({
    summary: 'Stop the engine (changes on their way stay in the trigger log and go next time)',
    params: noParams,
    result: SyncStatus,
  }),
  'sync.pause': method({
    summary: 'Pause one mapping (`object`) or the whole engine; kept across restarts',
    params: z.object({ object: objectName.optional() }).strict().default({}),
    result: SyncStatus,
  }),
  'sync.resume': method({
    summary: 'Resume one mapping (`object`) or the whole engine',
    params: z.object({ object: objectName.optional() }).strict().default({}),
    result: SyncStatus,
  }),
  'sync.reload': method({
    summary:
      "Empty a mapping's table of synced rows and load it again from the org (unsent changes are kept)",
    params: z.object({ object: objectName }).strict(),
    result: SyncStatus,
  }),
  'sync.log': method({
    summary: "The engine's recent events, oldest first (the live log keeps the last 1,000)",
    params: z
      .object({
        limit: z
          .number()
          .int()
          .min(1, 'limit must be at least 1 line')
          .max(1000, 'limit is at most 1,000: the log keeps its last 1,000 lines')
          .default(200),
      })
      .strict()
      .default({ limit: 200 }),
    result: z.object({ entries: z.array(SyncLogEntry) }),
  }),
  'demo.open': method({
    summary:
      'Everything `connect-studio demo` runs, inside this studio: the local org with the demo ' +
      'data and embedded Postgres (saved and made active), the demo mappings applied, and the ' +
      'engine started; answers once the engine runs (the initial loads go on)',
    params: noParams,
    result: DemoOpened,
  }),
  'triggerLog.list': method({
    summary:
      "The active database's trigger log and its archive, newest first, filtered; page on " +
      'with `beforeId` (the last row of the previous page)',
    params: z
      .object({
        filter: TriggerLogFilterJson.default({ source: 'both' }),
        limit: z
          .number()
          .int()
          .min(1, 'limit must be at least 1 row')
          .max(1000, 'limit is at most 1,000 rows a page; read on with beforeId')
          .default(200),
        beforeId: postgresIntId('beforeId').optional(),
      })
      .strict(),
    result: z.object({
      rows: z.array(TriggerLogRow),
      /** More rows match beyond this page. */
      hasMore: z.boolean(),
      durationMs: z.number(),
    }),
  }),
  'triggerLog.rows': method({
    summary: 'Trigger-log rows as they are now, by id (live updates of the rows on screen)',
    params: z.object({ ids: rowIds }).strict(),
    result: z.object({ rows: z.array(TriggerLogRow) }),
  }),
  'triggerLog.summary': method({
    summary:
      'Rows per state (live log and archive), the tables for the filter, and whether the ' +
      "studio's engine is writing this schema",
    params: noParams,
    result: TriggerLogSummary,
  }),
  'triggerLog.detail': method({
    summary:
      'One row in full: the change as old vs new values, the Salesforce message explained, ' +
      'the Postgres row now and the Salesforce record fetched beside it',
    params: z.object({ id: postgresIntId('id') }).strict(),
    result: TriggerLogDetail,
  }),
  'triggerLog.retry': method({
    summary:
      'Send FAILED rows again (merged writes: back to NEW; ordered: captured again from the ' +
      'row as it is now, the old row REQUEUED)',
    params: z.object({ ids: rowIds }).strict(),
    result: z.object({ requeued: z.number() }),
  }),
  'triggerLog.retryMatching': method({
    summary: "Send every FAILED row a filter matches again (the filter's other states are ignored)",
    params: z.object({ filter: TriggerLogFilterJson }).strict(),
    result: z.object({ requeued: z.number() }),
  }),
  'triggerLog.ignore': method({
    summary: 'Mark FAILED or NEW rows IGNORED: they are never sent',
    params: z.object({ ids: rowIds }).strict(),
    result: z.object({ ignored: z.number() }),
  }),
  'settings.get': method({
    summary: 'The studio settings',
    params: noParams,
    result: Settings,
  }),
  'settings.set': method({
    summary: 'Change some settings; returns all of them',
    params: z
      .object({
        theme: Theme,
        activeOrgProfileId: z.string().nullable(),
        activeDbProfileId: z.string().nullable(),
        defaultApiVersion: ApiVersion,
      })
      .partial()
      .strict(),
    result: Settings,
  }),
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
/** What a caller may pass (defaults not yet applied). */
export type ApiParams<M extends ApiMethod> = z.input<ApiContract[M]['params']>;
/** What a handler receives (validated, defaults applied). */
export type ApiParsedParams<M extends ApiMethod> = z.output<ApiContract[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.output<ApiContract[M]['result']>;

export const apiMethodNames = Object.keys(apiContract) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiContract, name);
}
