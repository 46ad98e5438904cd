export { testSalesforceConnection } from './test-connection';
export { explainSalesforceError } from './errors';
export type { Explained } from './errors';
export type { SalesforceTarget } from './targets';
