// Discovery: the resources of a version, describeGlobal, an object's basic information and
// describe, and /limits (salesforce-rest.md §2.3–2.5, §2.13).

import { notFound } from '../errors';
import type { ApiUsage } from './api-usage';
import type { ApiRequest, ApiResponse, ApiRoute } from './routes';

/**
 * Describes answer 304 to `If-Modified-Since` when the schema has not changed since then, so a
 * client's cached describes are refreshed without sending them again. HTTP dates carry whole
 * seconds, so the comparison does too.
 */
function notModified(request: ApiRequest): ApiResponse | undefined {
  const header = request.headers['if-modified-since'];
  const since = typeof header === 'string' ? Date.parse(header) : NaN;
  if (Number.isNaN(since)) return undefined;
  const changed = Math.floor(request.org.store.schemaModifiedAt.getTime() / 1000) * 1000;
  return changed <= since ? { status: 304 } : undefined;
}

/** Fixed figures for the limits a local org does not enforce; DailyApiRequests is live. */
const STATIC_LIMITS: Record<string, number> = {
  ConcurrentAsyncGetReportInstances: 200,
  DailyAsyncApexExecutions: 250_000,
  DailyBulkApiBatches: 15_000,
  DailyBulkV2QueryFileStorageMB: 976_562,
  DailyBulkV2QueryJobs: 10_000,
  DailyDurableStreamingApiEvents: 10_000,
  DataStorageMB: 1_024,
  FileStorageMB: 1_024,
  HourlyODataCallout: 20_000,
  MassEmail: 5_000,
  SingleEmail: 5_000,
};

export function basicRoutes(usage: ApiUsage): ApiRoute[] {
  return [
    {
      method: 'GET',
      pattern: '',
      handler: (request) => {
        const base = `/services/data/v${request.apiVersion}`;
        const who = request.org.store.identity;
        const resources: Record<string, string> = {};
        for (const name of ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'jobs']) {
          resources[name] = `${base}/${name}`;
        }
        resources.identity = `${request.org.instanceUrl}/id/${who.orgId}/${who.userId}`;
        return { status: 200, body: resources };
      },
    },
    {
      method: 'GET',
      pattern: '/sobjects',
      handler: (request) =>
        notModified(request) ?? {
          status: 200,
          body: request.org.store.schema.describeGlobal(request.apiVersion),
        },
    },
    {
      method: 'GET',
      pattern: '/sobjects/:object',
      handler: (request, { object }) => {
        const wanted = (object as string).toLowerCase();
        const entry = request.org.store.schema
          .describeGlobal(request.apiVersion)
          .sobjects.find((candidate) => candidate.name.toLowerCase() === wanted);
        if (!entry) throw notFound();
        // The org keeps no "recently viewed" list.
        return { status: 200, body: { objectDescribe: entry, recentItems: [] } };
      },
    },
    {
      method: 'GET',
      pattern: '/sobjects/:object/describe',
      handler: (request, { object }) => {
        const describe = request.org.store.schema.describe(object as string, request.apiVersion);
        if (!describe) throw notFound();
        return notModified(request) ?? { status: 200, body: describe };
      },
    },
    {
      method: 'GET',
      pattern: '/limits',
      handler: () => {
        const { used, max } = usage.current();
        const body: Record<string, { Max: number; Remaining: number }> = {
          DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
        };
        for (const [name, value] of Object.entries(STATIC_LIMITS)) {
          body[name] = { Max: value, Remaining: value };
        }
        return { status: 200, body };
      },
    },
  ];
}
