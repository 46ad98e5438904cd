// A local org and a Postgres schema laid out for a mapping document: what every sync test
// starts from. Each call gets its own schema, so tests in one file do not see each other's rows.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import type { LocalOrg } from '../../src-main/local-org';
import { applySchemaPlan, introspectSchema, openPool } from '../../src-main/postgres';
import { fetchDescribeGlobal, fetchDescribes } from '../../src-main/salesforce';
import {
  createMapping,
  formatConnectExport,
  planSchema,
  type Mapping,
  type MappingDocument,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import { createDescribeCatalog, type DescribeCatalog } from '../../src-shared/salesforce';
import { connectTo } from './local-org';

export interface SyncWorld {
  org: LocalOrg;
  /** An application pool: its writes are logged by the triggers, as an app's would be. */
  pool: pg.Pool;
  databaseUrl: string;
  schemaName: string;
  catalog: DescribeCatalog;
  document: MappingDocument;
  /** A jsforce connection to the org, for reading back what the engine wrote. */
  salesforce: Connection;
  close(): Promise<void>;
}

let schemaCounter = 0;

/**
 * Lays out `mappings` in a fresh schema (`sync_test_<n>` unless named) of the database at
 * `databaseUrl`, with describes fetched from `org` for the mapped objects and their parents.
 */
export async function createSyncWorld(options: {
  org: LocalOrg;
  databaseUrl: string;
  mappings: Mapping[];
  writeAlgorithm?: WriteAlgorithm;
  features?: Record<string, boolean>;
  schemaName?: string;
}): Promise<SyncWorld> {
  const schemaName = options.schemaName ?? `sync_test_${process.pid}_${++schemaCounter}`;
  const salesforce = await connectTo(options.org);
  const global = await fetchDescribeGlobal(salesforce);
  const names = new Set(options.mappings.map((m) => m.objectName));
  const first = await fetchDescribes(salesforce, [...names]);
  // Parents of lookups, so relationship external-ID fields resolve.
  for (const d of first) for (const f of d.fields) for (const p of f.referenceTo) names.add(p);
  const describes = await fetchDescribes(salesforce, [...names]);
  const catalog = createDescribeCatalog(describes, global);
  const writeAlgorithm = options.writeAlgorithm ?? 'merged';
  const document: MappingDocument = {
    version: 1,
    connection: {
      writeAlgorithm,
      features: { poll_db_no_merge: writeAlgorithm === 'ordered', ...(options.features ?? {}) },
    },
    mappings: options.mappings,
  };
  const pool = await openPool(options.databaseUrl, { max: 8 });
  const snapshot = await introspectSchema(pool, schemaName);
  const plan = planSchema({ schemaName, mappings: document.mappings, catalog, current: snapshot });
  await applySchemaPlan(pool, plan, { schemaName, mappingsJson: formatConnectExport(document) });
  return {
    org: options.org,
    pool,
    databaseUrl: options.databaseUrl,
    schemaName,
    catalog,
    document,
    salesforce,
    close: async () => {
      await pool.end();
    },
  };
}

/** Every mapping in the sync tests starts with these: the record's Id and what polls read by. */
export const SYNC_SYSTEM_FIELDS = ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate'] as const;

/** A mapping of `objectName`: the system fields, then `fields`; other options as given. */
export function syncMapping(
  objectName: string,
  fields: readonly string[],
  options: Partial<Omit<Mapping, 'objectName' | 'source' | 'fields'>> = {},
): Mapping {
  return createMapping(objectName, { ...options, fields: [...SYNC_SYSTEM_FIELDS, ...fields] });
}

/** The relationship guide's shapes: Contact carries Account__External_ID__c. */
const RELATIONSHIP_GUIDE_FIELDS = {
  Account: [
    'Name',
    'External_ID__c',
    'Industry',
    'NumberOfEmployees',
    'ParentId',
    'Parent__External_ID__c',
    'Primary_Contact__c',
    'Primary_Contact__r__External_ID__c',
  ],
  Contact: [
    'FirstName',
    'LastName',
    'Email',
    'External_ID__c',
    'AccountId',
    'Account__External_ID__c',
  ],
} as const;

/**
 * Account and Contact read-write with External_ID__c as the unique identifier, in the shapes
 * the relationship guide uses; `extra` fields of each are mapped after those.
 */
export function accountContactMappings(
  extra: Partial<Record<keyof typeof RELATIONSHIP_GUIDE_FIELDS, readonly string[]>> = {},
): Mapping[] {
  return (['Account', 'Contact'] as const).map((objectName) =>
    syncMapping(
      objectName,
      [...RELATIONSHIP_GUIDE_FIELDS[objectName], ...(extra[objectName] ?? [])],
      {
        access: 'read_write',
        upsertField: 'External_ID__c',
      },
    ),
  );
}
