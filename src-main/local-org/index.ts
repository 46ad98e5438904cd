// The local org: a Salesforce-compatible REST server backed by SQLite that the real jsforce
// client talks to unmodified (DESIGN.md "The local org"). The app's embedded default, the demo's
// org and every integration test's peer.
export { startLocalOrg } from './local-org';
export type { LocalOrg, LocalOrgOptions } from './local-org';
export { openStore } from './store/open';
export { orgPhysicalSchema } from './store/query';
export type { LocalOrgStore, OpenStoreOptions, RecordValues, QueryPage } from './store/types';
export { SalesforceError } from './errors';
export { Faults } from './faults';
export type { FaultPlan, FaultRule, WriteFaultRule, FaultState } from './faults';
export { normalizeId, makeId } from './ids';
export { buildOrgSchema, STANDARD_SCHEMA, DEMO_SCHEMA, loadSchemaFile } from './schema/build';
export { parseSchemaDefinition, SchemaDefinitionError } from './schema/definition';
export type { SchemaDefinition } from './schema/definition';
export type { OrgSchema, OrgObject, OrgField } from './schema/model';
export { seedDemo } from './seed/demo';
