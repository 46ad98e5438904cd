export { testSalesforceConnection, connect as connectToSalesforce } from './test-connection';
export { explainSalesforceError, ExplainedSalesforceError, SIGN_IN_EXPIRED } from './errors';
export type { Explained } from './errors';
export type { SalesforceTarget } from './targets';
export { targetOrigin } from './targets';
export {
  DescribeSourceError,
  GLOBAL_DESCRIBE_FILE,
  loadDescribeDir,
  readDescribeDir,
} from './describe-dir';
export type { DescribeDirContents } from './describe-dir';
export {
  LiveDescribes,
  OrgQueryChecker,
  fetchDescribeGlobal,
  fetchDescribes,
} from './describe-live';
