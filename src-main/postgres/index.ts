export { testPostgresConnection, testEmbeddedPostgres } from './test-connection';
export { explainPostgresError } from './errors';
export { embeddedPostgresBinaries, startEmbeddedPostgres, freePort } from './embedded';
export type { RunningPostgres, EmbeddedPostgresOptions } from './embedded';
