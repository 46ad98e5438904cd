// jsforce and the modules that bring it in, loaded only once the proxy variables are gone:
// jsforce reads them once, when it loads, and would send the local org's traffic through a proxy.
// Every benchmark that talks to an org gets them from here instead of importing them.
import type * as Jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import type { LocalOrg } from '../../src-main/local-org';
import type * as SalesforceRoom from '../../src-main/salesforce';
import type * as SalesforceApiModule from '../../src-main/sync/salesforce-api';
import { clearProxyVariables } from '../../test/support/proxy';

export interface SalesforceModules {
  jsforce: typeof Jsforce;
  /** src-main/salesforce: describes. */
  salesforce: typeof SalesforceRoom;
  /** The engine's Salesforce client. */
  salesforceApi: typeof SalesforceApiModule;
}

/** Clears the proxy variables, then loads jsforce and the modules over it (cached after once). */
export async function loadSalesforceModules(): Promise<SalesforceModules> {
  clearProxyVariables();
  const [jsforce, salesforce, salesforceApi] = await Promise.all([
    import('jsforce'),
    import('../../src-main/salesforce'),
    import('../../src-main/sync/salesforce-api'),
  ]);
  return { jsforce, salesforce, salesforceApi };
}

/** A jsforce connection to `org`, signed in with its user at its API version. */
export async function signIn(org: LocalOrg): Promise<Connection> {
  const { jsforce } = await loadSalesforceModules();
  const conn = new jsforce.Connection({ loginUrl: org.loginUrl, version: org.apiVersion });
  await conn.login(org.username, org.password);
  return conn;
}
