export { testPostgresConnection, testEmbeddedPostgres } from './test-connection';
export { explainPostgresError } from './errors';
export { embeddedPostgresBinaries, startEmbeddedPostgres, freePort } from './embedded';
export type { RunningPostgres, EmbeddedPostgresOptions } from './embedded';

// Pools, introspection and the schema installer (issue 5).
//   openPool(url, { max?, applicationName?, connectTimeoutMs? }): Promise<pg.Pool>
//       throws PostgresConnectError (message + hint) when the URL is bad or the server refuses.
//   withEngineSession(pool, (client) => work): runs work as the sync engine (xmlbinary = hex).
//   introspectSchema(pool, schemaName): Promise<DatabaseSnapshot>   (READ ONLY transaction)
//   applySchemaPlan(pool, plan, { schemaName, orgId?, mappingsJson, lockTimeoutMs? })
//       : Promise<{ statementsRun, hcmetaId }>   one transaction; throws SchemaApplyError.
//   applyMappingDocument(pool, { schemaName, document, catalog, snapshot, applied, allowDrop? })
//       : plan + apply unless nothing changed (mapping apply, sync --mappings).
export { openPool, withEngineSession, PostgresConnectError } from './pool';
export type { OpenPoolOptions, PostgresPool } from './pool';
export { introspectSchema } from './introspect';
export {
  applySchemaPlan,
  applyMappingDocument,
  SchemaApplyError,
  CONNECT_STUDIO_HCVER,
} from './schema-apply';
export type {
  ApplySchemaOptions,
  ApplySchemaResult,
  ApplyMappingsOptions,
  ApplyMappingsResult,
} from './schema-apply';

// Row counts that never run unbounded: exact below EXACT_COUNT_BELOW estimated rows (within a
// time budget), the planner's estimate above (the mapping editor, the sync dashboard, the
// trigger log's states).
//   countTableRows(pool, schemaName, tables, { budgetMs, exactBelow? })
//       : Promise<Map<table, { rows, exact } | null>>   tables that do not exist are left out.
//   estimatedRowCounts(db, schemaName, tables): Promise<Map<table, number | null>>
//   withReadTimeout(pool, timeoutMs, (client) => work): read-only work under statement_timeout.
export {
  EXACT_COUNT_BELOW,
  countTableRows,
  estimatedRowCounts,
  withReadTimeout,
} from './row-counts';
export type { CountRowsOptions, RowCount } from './row-counts';
