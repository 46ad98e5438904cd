// Mappings laid out by the real planner, as `mapping apply` lays them out.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { applySchemaPlan, introspectSchema } from '../../src-main/postgres';
import { buildMappingContext, type MappingContext } from '../../src-main/sync/context';
import {
  createMapping,
  formatConnectExport,
  planSchema,
  type Mapping,
  type MappingDocument,
  type SchemaPlan,
} from '../../src-shared/mapping';
import { createDescribeCatalog, type DescribeCatalog } from '../../src-shared/salesforce';
import { loadSalesforceModules } from './salesforce';

/** A document of one mapping, merged writes, no features. */
export function documentOf(mapping: Mapping): MappingDocument {
  return {
    version: 1,
    connection: { writeAlgorithm: 'merged', features: {} },
    mappings: [mapping],
  };
}

/** The plan that lays out `document` in `schemaName` as the database is now. */
export async function planLayout(
  pool: pg.Pool,
  schemaName: string,
  document: MappingDocument,
  catalog: DescribeCatalog,
): Promise<SchemaPlan> {
  return planSchema({
    schemaName,
    mappings: document.mappings,
    catalog,
    current: await introspectSchema(pool, schemaName),
  });
}

/** Applies `plan` with `document` recorded as the applied mappings; the statements it ran. */
export async function applyLayout(
  pool: pg.Pool,
  plan: SchemaPlan,
  document: MappingDocument,
): Promise<number> {
  const result = await applySchemaPlan(pool, plan, {
    schemaName: plan.schemaName,
    mappingsJson: formatConnectExport(document),
  });
  return result.statementsRun;
}

/**
 * A read-write Account mapping of Id, IsDeleted, SystemModstamp and `fields` (upserting on
 * External_ID__c), laid out in `schemaName` with the org's describes; its engine context.
 */
export async function layOutAccounts(
  pool: pg.Pool,
  conn: Connection,
  schemaName: string,
  fields: readonly string[],
): Promise<MappingContext> {
  const { salesforce } = await loadSalesforceModules();
  const describes = await salesforce.fetchDescribes(conn, ['Account', 'Contact']);
  const catalog = createDescribeCatalog(describes, await salesforce.fetchDescribeGlobal(conn));
  const document = documentOf(
    createMapping('Account', {
      access: 'read_write',
      fields: ['Id', 'IsDeleted', 'SystemModstamp', ...fields],
      upsertField: 'External_ID__c',
    }),
  );
  await applyLayout(pool, await planLayout(pool, schemaName, document, catalog), document);
  return buildMappingContext(document.mappings[0]!, catalog, schemaName);
}
