// What a sync runs on, made ready before its engine starts: the mapping document (a file merged
// into what is applied, or what is applied) and the describes the engine needs. Shared by the
// studio's engine (sync-service.ts, the demo) and the CLI (`sync`, through commands/sync.ts).
// Failures are PrepareSyncError with a kind, so each caller words them for its own user: the
// CLI names options, the studio names its workspaces.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import {
  SchemaPlanError,
  appliedMappings,
  mergeMappingDocuments,
  validateMappings,
  withoutDroppedTables,
  writeAlgorithmOf,
  type DatabaseSnapshot,
  type MappingDocument,
  type MappingProblem,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import { SchemaApplyError, applyMappingDocument, introspectSchema } from '../postgres';
import { DescribeSourceError, LiveDescribes, explainSalesforceError } from '../salesforce';
import type { SalesforceApi } from '../sync';

export type PrepareSyncFailure =
  /** Neither a document to apply nor mappings applied to the schema. */
  | { kind: 'no-mappings'; schemaName: string }
  /** Every table of the applied mappings has been dropped since the apply. */
  | { kind: 'tables-gone'; schemaName: string }
  /** The incoming document has validation errors (each was passed to `warn` first). */
  | { kind: 'invalid'; errors: MappingProblem[] }
  /** The org's describes could not be read; the message says why. */
  | { kind: 'describes' }
  /** The schema name cannot be used (SchemaPlanError). */
  | { kind: 'schema-name' }
  /** The database refused the layout (SchemaApplyError). */
  | { kind: 'apply' };

export class PrepareSyncError extends Error {
  override readonly name = 'PrepareSyncError';
  constructor(
    readonly failure: PrepareSyncFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface PreparedSync {
  /** The mappings applied to the schema, as the engine syncs them. */
  document: MappingDocument;
  /** Describes of the mapped objects and of the parents their lookups reach. */
  catalog: DescribeCatalog;
  /** What applying `incoming` did; undefined without one. */
  applied?: { unchanged: boolean; statementsRun: number; createdTables: string[] };
}

export interface PrepareSyncOptions {
  conn: Connection;
  api: SalesforceApi;
  pool: pg.Pool;
  schemaName: string;
  incoming: MappingDocument | undefined;
  /**
   * Keep what the schema has applied: of `incoming`, only the mappings of objects it does not
   * map yet are added (the demo opened again must not undo the user's edits of its mappings).
   */
  keepApplied?: boolean;
  /** The schema as introspected, when the caller has it already. */
  snapshot?: DatabaseSnapshot;
  /** The write algorithm this run uses when it overrides the document's (--mode). */
  mode?: WriteAlgorithm;
  /** Pass the incoming document's warnings to `warn` (default true); errors always go. */
  warnings?: boolean;
  /** Lines for the user: validation problems, dropped tables, another org, the apply. */
  warn: (line: string) => void;
  /** What a mapping whose table is gone means, after "…is gone; " (default: it is not synced). */
  droppedTableConsequence?: string;
}

/**
 * With `incoming`: validates it (merged into what is applied, as Heroku Connect imports a file)
 * against the org and applies its layout to the schema, refusing on errors. Without: the
 * mappings already applied, refused when there are none. Either way, describes for the engine.
 */
export async function prepareSync(options: PrepareSyncOptions): Promise<PreparedSync> {
  const { conn, pool, schemaName, warn } = options;
  const snapshot = options.snapshot ?? (await introspectSchema(pool, schemaName));
  const incoming = options.keepApplied
    ? missingMappings(appliedMappings(snapshot), options.incoming)
    : options.incoming;
  const { document, applied } = documentToSync(snapshot, incoming, {
    warn,
    ...(options.droppedTableConsequence
      ? { droppedTableConsequence: options.droppedTableConsequence }
      : {}),
  });

  const origin = conn.instanceUrl;
  const live = new LiveDescribes(conn);
  let described: { catalog: DescribeCatalog; result: MappingProblem[] };
  try {
    described = await live.describeFor((catalog) => {
      // Touch every mapped object and the parents of its lookups: relationship external-ID
      // columns resolve through the parent's describe.
      for (const mapping of document.mappings) {
        for (const field of catalog.describe(mapping.objectName)?.fields ?? []) {
          for (const parent of field.referenceTo) catalog.describe(parent);
        }
      }
      return incoming
        ? validateMappings(document.mappings, catalog, {
            writeAlgorithm: options.mode ?? writeAlgorithmOf(document),
          })
        : [];
    });
  } catch (error) {
    if (error instanceof DescribeSourceError) {
      throw new PrepareSyncError({ kind: 'describes' }, error.message);
    }
    const { message, hint } = explainSalesforceError(error, origin);
    throw new PrepareSyncError(
      { kind: 'describes' },
      `Could not read the org's describes: ${message}${hint ? ` ${hint}` : ''}`,
    );
  }
  const { catalog, result: problems } = described;

  await warnOnOtherOrg(options.api, document, warn);
  if (!incoming) return { document, catalog };

  const errors = problems.filter((p) => p.severity === 'error');
  for (const problem of options.warnings === false ? errors : problems) {
    warn(
      `${problem.severity} ${problem.code} ${problem.object}${problem.field ? `.${problem.field}` : ''}: ${problem.message} ${problem.fix}`,
    );
  }
  if (errors.length > 0) {
    throw new PrepareSyncError(
      { kind: 'invalid', errors },
      `The mappings have ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was synced.`,
    );
  }
  let result;
  try {
    result = await applyMappingDocument(pool, { schemaName, document, catalog, snapshot, applied });
  } catch (error) {
    if (error instanceof SchemaPlanError) {
      throw new PrepareSyncError({ kind: 'schema-name' }, error.message);
    }
    if (error instanceof SchemaApplyError) {
      throw new PrepareSyncError({ kind: 'apply' }, error.message);
    }
    throw error;
  }
  const createdTables = result.unchanged
    ? []
    : result.plan.tables.filter((t) => !t.exists).map((t) => t.table);
  if (!result.unchanged) {
    warn(
      `applied the mappings to schema "${schemaName}" (${result.statementsRun} statements` +
        `${createdTables.length > 0 ? `; new tables: ${createdTables.join(', ')}` : ''}).`,
    );
  }
  return {
    document,
    catalog,
    applied: {
      unchanged: result.unchanged,
      statementsRun: result.unchanged ? 0 : result.statementsRun,
      createdTables,
    },
  };
}

/**
 * What a run syncs: the file merged into what is applied (as Heroku Connect imports a file), or
 * what is applied less the mappings whose table is gone (each named through `warn`). Refuses a
 * run with neither (PrepareSyncError no-mappings / tables-gone). Without `warn` the applied
 * mappings are taken as recorded: a quick check before signing in.
 */
export function documentToSync(
  snapshot: DatabaseSnapshot,
  incoming: MappingDocument | undefined,
  report?: { warn: (line: string) => void; droppedTableConsequence?: string },
): { document: MappingDocument; applied: MappingDocument | undefined } {
  const applied = appliedMappings(snapshot);
  const schemaName = snapshot.schemaName;
  if (incoming) return { document: mergeMappingDocuments(applied, incoming), applied };
  if (!applied || applied.mappings.length === 0) {
    throw new PrepareSyncError(
      { kind: 'no-mappings', schemaName },
      `No mappings are applied to schema "${schemaName}", so there is nothing to sync.`,
    );
  }
  if (!report) return { document: applied, applied };
  const { document, notes } = withoutDroppedTables(
    applied,
    snapshot,
    report.droppedTableConsequence ?? 'it is not synced',
  );
  for (const note of notes) report.warn(note);
  if (document.mappings.length === 0) {
    throw new PrepareSyncError(
      { kind: 'tables-gone', schemaName },
      `Every table of the applied mappings is gone from schema "${schemaName}".`,
    );
  }
  return { document, applied };
}

/**
 * The mappings of `incoming` whose object `applied` does not map, under the applied document's
 * connection settings (its write algorithm stays); undefined when there are none to add.
 */
export function missingMappings(
  applied: MappingDocument | undefined,
  incoming: MappingDocument | undefined,
): MappingDocument | undefined {
  if (!incoming || !applied || applied.mappings.length === 0) return incoming;
  const mapped = new Set(applied.mappings.map((m) => m.objectName.toLowerCase()));
  const missing = incoming.mappings.filter((m) => !mapped.has(m.objectName.toLowerCase()));
  if (missing.length === 0) return undefined;
  const connection = applied.connection ?? incoming.connection;
  return { ...incoming, ...(connection ? { connection } : {}), mappings: missing };
}

/** A schema laid out for one org and synced with another mixes two orgs' ids: say so. */
async function warnOnOtherOrg(
  api: SalesforceApi,
  document: MappingDocument,
  warn: (line: string) => void,
): Promise<void> {
  const expected = document.connection?.organizationId;
  if (!expected) return;
  const actual = await api.organizationId().catch(() => undefined);
  if (actual && actual.slice(0, 15) !== expected.slice(0, 15)) {
    warn(
      `warning: the mappings were exported from org ${expected} but this org is ${actual}; ` +
        'sfids in the tables may belong to the other org.',
    );
  }
}
