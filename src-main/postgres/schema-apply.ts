import type pg from 'pg';
import {
  ENGINE_TRANSACTION_SQL,
  formatConnectExport,
  planSchema,
  qualifiedName,
  type DatabaseSnapshot,
  type JsonObject,
  type MappingDocument,
  type PlannedStatement,
  type SchemaPlan,
} from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';

/**
 * The hcver we record in _hcmeta. Heroku Connect's own values are UNCONFIRMED; ours counts
 * versions of the layout this installer writes.
 */
export const CONNECT_STUDIO_HCVER = 1;

export interface ApplySchemaOptions {
  schemaName: string;
  /** Salesforce org id the schema belongs to (_hcmeta.org_id, varchar(50)). */
  orgId?: string;
  /** The mappings export now applied; stored in _hcmeta.details for `mapping export --db`. */
  mappingsJson: string | JsonObject;
  /** Longest wait for a table lock before giving up (default 15 s). */
  lockTimeoutMs?: number;
}

export interface ApplySchemaResult {
  statementsRun: number;
  /** The _hcmeta row recording this apply. */
  hcmetaId: number;
}

export class SchemaApplyError extends Error {
  override readonly name = 'SchemaApplyError';
  constructor(
    message: string,
    /** The statement that failed, when one did. */
    readonly statement?: PlannedStatement,
    readonly postgresCode?: string,
  ) {
    super(message);
  }
}

/**
 * Runs a plan in one transaction and records it in _hcmeta: either every statement takes
 * effect or none does. Concurrent applies to one schema wait for each other.
 */
export async function applySchemaPlan(
  pool: pg.Pool,
  plan: SchemaPlan,
  options: ApplySchemaOptions,
): Promise<ApplySchemaResult> {
  if (plan.schemaName !== options.schemaName) {
    throw new SchemaApplyError(
      `The plan is for schema ${JSON.stringify(plan.schemaName)}, not ${JSON.stringify(options.schemaName)}; plan again for the schema you apply to.`,
    );
  }
  const details =
    typeof options.mappingsJson === 'string'
      ? options.mappingsJson
      : JSON.stringify(options.mappingsJson, null, 2);
  const client = await pool.connect();
  let current: PlannedStatement | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, options.lockTimeoutMs ?? 15_000)}`);
    // DDL is not logged anyway; this keeps any row the plan might touch out of the trigger log.
    await client.query(ENGINE_TRANSACTION_SQL);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `connect-studio schema ${options.schemaName}`,
    ]);
    for (const statement of plan.statements) {
      current = statement;
      await client.query(statement.sql);
    }
    current = undefined;
    const recorded = await client.query<{ id: number }>(
      `INSERT INTO ${qualifiedName(options.schemaName, '_hcmeta')} (hcver, org_id, details)
       VALUES ($1, $2, $3) RETURNING id`,
      [CONNECT_STUDIO_HCVER, options.orgId ?? null, details],
    );
    await client.query('COMMIT');
    return { statementsRun: plan.statements.length, hcmetaId: recorded.rows[0]!.id };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const e = error as { message?: string; code?: string };
    const reason = e.message ?? String(error);
    if (current) {
      const position = plan.statements.indexOf(current) + 1;
      throw new SchemaApplyError(
        `Nothing was changed: statement ${position} of ${plan.statements.length} ` +
          `(${current.purpose}) failed: ${reason}.` +
          (e.code === '55P03'
            ? ' Another session holds a lock on the table; try again when it is done.'
            : ''),
        current,
        e.code,
      );
    }
    throw new SchemaApplyError(`Nothing was changed: ${reason}.`, undefined, e.code);
  } finally {
    client.release();
  }
}

export interface ApplyMappingsOptions {
  schemaName: string;
  /** The whole document the schema should hold afterwards (the file merged into what is applied). */
  document: MappingDocument;
  catalog: DescribeCatalog;
  snapshot: DatabaseSnapshot;
  /** What the last apply recorded; an identical document with nothing to change is not re-applied. */
  applied: MappingDocument | undefined;
  allowDrop?: boolean;
}

export interface ApplyMappingsResult {
  plan: SchemaPlan;
  /** Nothing to do: the layout and the recorded document already match. */
  unchanged: boolean;
  statementsRun: number;
  hcmetaId: number | null;
}

/**
 * What `mapping apply` and `sync --mappings` both do: plan the layout for a document against
 * what the schema holds and apply it in one transaction, recording the document in _hcmeta.
 * Throws SchemaPlanError (a bad schema name) or SchemaApplyError (the database refused).
 */
export async function applyMappingDocument(
  pool: pg.Pool,
  options: ApplyMappingsOptions,
): Promise<ApplyMappingsResult> {
  const { schemaName, document, applied } = options;
  const plan = planSchema({
    schemaName,
    mappings: document.mappings,
    catalog: options.catalog,
    current: options.snapshot,
    allowDrop: options.allowDrop ?? false,
  });
  const mappingsJson = formatConnectExport(document);
  const unchanged =
    plan.statements.length === 0 &&
    applied !== undefined &&
    formatConnectExport(applied) === mappingsJson;
  if (unchanged) return { plan, unchanged, statementsRun: 0, hcmetaId: null };
  const orgId = document.connection?.organizationId;
  const result = await applySchemaPlan(pool, plan, {
    schemaName,
    mappingsJson,
    ...(orgId ? { orgId } : {}),
  });
  return { plan, unchanged, ...result };
}
