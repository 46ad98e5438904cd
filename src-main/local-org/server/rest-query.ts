// SOQL over REST: /query and /queryAll with paging through nextRecordsUrl (salesforce-rest.md
// §2.6). Locators from either resource are served by both next-page paths: jsforce always asks
// /query/<locator> (§0 rule 11).

import type { IncomingHttpHeaders } from 'node:http';
import { SalesforceError } from '../errors';
import type { ApiHandler, ApiRoute } from './routes';

/** `Sforce-Query-Options: batchSize=500`; the store clamps it to 200–2000. */
export function batchSizeOf(headers: IncomingHttpHeaders): number | undefined {
  const header = headers['sforce-query-options'];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  const match = /(?:^|[,;\s])batchSize\s*=\s*(\d+)/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

function runQuery(includeDeleted: boolean): ApiHandler {
  return (request) => {
    const soql = request.query.get('q');
    if (soql === null || soql.trim() === '') {
      throw new SalesforceError(
        'MALFORMED_QUERY',
        'A query string has to be specified: add ?q=SELECT+Id+FROM+Account',
        [],
        400,
      );
    }
    const page = request.org.store.query(soql, {
      includeDeleted,
      apiVersion: request.apiVersion,
      batchSize: batchSizeOf(request.headers),
    });
    return { status: 200, body: page };
  };
}

const nextPage: ApiHandler = (request, { locator }) => ({
  status: 200,
  body: request.org.store.queryMore(locator as string, request.apiVersion),
});

export function queryRoutes(): ApiRoute[] {
  return [
    { method: 'GET', pattern: '/query', handler: runQuery(false) },
    { method: 'GET', pattern: '/queryAll', handler: runQuery(true) },
    { method: 'GET', pattern: '/query/:locator', handler: nextPage },
    { method: 'GET', pattern: '/queryAll/:locator', handler: nextPage },
  ];
}
