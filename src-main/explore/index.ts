// The explore services behind the Schema, Query, SQL and Compare workspaces: the describe cache,
// SOQL on the org, SOQL compiled to Postgres over the mapped tables, and the comparison of both.
//   createExplore({ connections, cache, events, log }): Explore
//     .schema  objects(refresh) / describe(object, refresh) / describeMany(objects) / count(object)
//     .query   run({soql, all, batchSize}) / more(cursor) / history(limit) / saved / save / removeSaved
//     .sql     compile(soql) / run(soql)
//     .compare run(soql)
export { createExplore } from './explore';
export type { Explore, ExploreOptions } from './explore';
export type { ExploreConnections, MappedDatabase } from './mapped-database';
export { MappedDatabases } from './mapped-database';
// Org and database failures as ApiErrors, shared with src-main/sync-control.
export { orgFailure, databaseFailure } from './errors';
export {
  SchemaService,
  OBJECT_LIST_STALE_MS,
  DESCRIBE_REVALIDATE_MS,
  columnTypesOf,
} from './schema-service';
export type { ExploreEvents } from './schema-service';
export { QueryService, CURSOR_IDLE_MS } from './query-service';
export { SqlService } from './sql-service';
export {
  CompareService,
  COMPARE_LIMIT,
  compareRecords,
  flattenRecord,
  recordId,
  sameValue,
} from './compare';
