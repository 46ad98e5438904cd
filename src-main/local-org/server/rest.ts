// The org's REST route table (salesforce-rest.md §7): discovery, query, records, collections,
// composite, plus routes from elsewhere (Bulk API 2.0).

import type { ApiUsage } from './api-usage';
import { basicRoutes } from './rest-basics';
import { collectionRoutes } from './rest-collections';
import { compositeRoutes } from './rest-composite';
import { queryRoutes } from './rest-query';
import { sobjectRoutes } from './rest-sobjects';
import { ApiRouter, type UnexpectedErrorListener } from './router';
import type { ApiRoute } from './routes';

export function restRoutes(options: {
  usage: ApiUsage;
  /** More routes mounted beside the org's own (bulk2Routes()). */
  extra?: readonly ApiRoute[];
  onUnexpectedError?: UnexpectedErrorListener;
}): ApiRoute[] {
  const routes: ApiRoute[] = [];
  let router: ApiRouter | undefined;
  const routerOfTable = (): ApiRouter => (router ??= new ApiRouter(routes));
  routes.push(
    ...basicRoutes(options.usage),
    ...queryRoutes(),
    ...sobjectRoutes(),
    ...collectionRoutes(),
    ...compositeRoutes(routerOfTable, options.onUnexpectedError),
    ...(options.extra ?? []),
  );
  return routes;
}
