// The mapping room: Heroku Connect mappings, their export JSON, validation against describes,
// the Salesforce -> Postgres type table and DDL planning. Pure TypeScript (runs anywhere).
//
// Signatures (details at each definition):
//   parseConnectExport(text | value): MappingDocument           throws ConnectExportError
//       (.problems: {path: 'mappings[1].config.access', message}[])
//   toConnectExport(doc): JsonObject / formatConnectExport(doc): string (2-space JSON + \n)
//       unknown keys and key order of the imported file come back; edits land in place.
//   writeAlgorithmOf(doc): 'merged' | 'ordered'                 (features.poll_db_no_merge)
//   mergeMappingDocuments(applied | undefined, incoming): MappingDocument   (import = PATCH)
//   validateMappings(mappings, catalog, { writeAlgorithm? }): MappingProblem[]
//       MappingProblem = { severity: 'error' | 'warning', code, object, field?, message, fix }
//   postgresColumnType({ type, length }): { ok: true, sqlType } | { ok: false, code, reason }
//   resolveMappedField(catalog, object, field): ResolvedField
//       (a real field | a relationship external-ID pseudo-field | unknown)
//   relationshipExternalIdFieldName(lookup, parentExtIdField): 'Account__External_ID__c'
//   tableNameFor('Account') = 'account'; columnNameFor('Id') = 'sfid'
//   planSchema({ schemaName, mappings, catalog, current?: DatabaseSnapshot, allowDrop? })
//       : SchemaPlan { schemaName, statements: {sql, purpose, destructive}[], warnings, tables }
//       throws SchemaPlanError (bad schema name). Fields/objects it cannot type are skipped
//       with a warning: run validateMappings first and refuse to apply on errors.
//   planToSql(plan): string                                     one script (`mapping ddl`)
//   appliedMappings(snapshot): MappingDocument | undefined      the last apply's _hcmeta.details
//   mappingsFromSnapshot(snapshot, catalog?): MappingDocument   read from the tables (Connect DBs)
//   ENGINE_SESSION_SQL = "SET xmlbinary = 'hex'"
//   listenTriggerLogSql(schema) = 'LISTEN "<schema>.hc_trigger_log"'
//
// Typical use (the CLI's `mapping validate | ddl | apply | export`):
//   const document = parseConnectExport(text);
//   const problems = validateMappings(document.mappings, catalog,
//                                     { writeAlgorithm: writeAlgorithmOf(document) });
//   const snapshot = await introspectSchema(pool, schemaName);      // src-main/postgres
//   const plan = planSchema({ schemaName, mappings: document.mappings, catalog,
//                             current: snapshot, allowDrop });
//   await applySchemaPlan(pool, plan, { schemaName, mappingsJson:     // src-main/postgres
//     formatConnectExport(mergeMappingDocuments(appliedMappings(snapshot), document)) });
//   export --db:
//     formatConnectExport(appliedMappings(snapshot) ?? mappingsFromSnapshot(snapshot, catalog))

// Model.
export {
  createMapping,
  findMapping,
  mergeMappingDocuments,
  writeAlgorithmOf,
  MAPPING_DEFAULTS,
  DEFAULT_WRITE_ALGORITHM,
  DEFAULT_SCHEMA_NAME,
} from './model';
export type {
  Mapping,
  MappingAccess,
  MappingDocument,
  MappingIndex,
  ConnectionSettings,
  WriteAlgorithm,
} from './model';
export type { JsonObject, JsonValue, JsonPrimitive } from './json';

// Heroku Connect export JSON.
export {
  parseConnectExport,
  toConnectExport,
  formatConnectExport,
  ConnectExportError,
  EXPORT_VERSION,
} from './export-json';
export type { ExportProblem } from './export-json';

// Names and the type table.
export {
  tableNameFor,
  columnNameFor,
  indexNameFor,
  triggerNames,
  relationshipNameOf,
  relationshipExternalIdFieldName,
  resolveMappedField,
  isSalesforceApiName,
} from './naming';
export type { ResolvedField, RelationshipProblem } from './naming';
export { postgresColumnType, relationshipColumnType, TEXT_FIELD_TYPES } from './column-types';
export type { ColumnTypeResult } from './column-types';
export { mappedTable, SYSTEM_COLUMNS } from './columns';
export type { MappedTable, MappedColumn, SkippedField, ColumnRole } from './columns';

// Heroku Connect's tables for the SOQL compiler (soql to-sql, the Query workspace's SQL view).
export { herokuConnectSchema } from './physical-schema';
export type { HerokuConnectSchemaInput, MappedObject } from './physical-schema';

// Validation.
export { validateMappings, MAPPING_PROBLEM_CODES } from './validate';
export type {
  MappingProblem,
  MappingProblemCode,
  ProblemSeverity,
  ValidateOptions,
} from './validate';

// Database snapshot (what introspection reports) and DDL planning.
export { emptySnapshot, canonicalColumnType, latestHcmeta } from './snapshot';
export type {
  DatabaseSnapshot,
  SnapshotTable,
  SnapshotColumn,
  SnapshotIndex,
  SnapshotTrigger,
  SnapshotFunction,
  HcmetaRow,
} from './snapshot';
export { planSchema, SchemaPlanError, LIVE_SFID_INDEXED } from './plan';
export type {
  SchemaPlan,
  PlanSchemaInput,
  PlannedStatement,
  PlannedTable,
  PlannedIndex,
  PlanWarning,
  PlanWarningCode,
} from './plan';
export { appliedMappings, mappingsFromSnapshot, planToSql, withoutDroppedTables } from './applied';

// Sessions: how the engine's writes stay out of the trigger log.
export {
  ENGINE_XMLBINARY,
  APPLICATION_XMLBINARY,
  ENGINE_SESSION_SQL,
  ENGINE_TRANSACTION_SQL,
  APPLICATION_SESSION_SQL,
  triggerLogChannel,
  listenTriggerLogSql,
  TRIGGER_LOG_STATES,
  TRIGGER_LOG_ACTIONS,
} from './session';
export type { TriggerLogState, TriggerLogAction } from './session';

// SQL quoting, for code that builds SQL from mapped names.
export {
  quoteIdentifier,
  quoteLiteral,
  qualifiedName,
  truncateIdentifier,
  SqlNameError,
} from './sql';
