// The sync engine (issue 6): Heroku-Connect-compatible reads and writes between an org and a
// Postgres database, restartable at any point. See types.ts for the contracts.
export * from './types';
export { buildMappingContext, buildMappingContexts, MappingContextError } from './context';
export type { MappingContext, ReadColumn, WriteColumn } from './context';
