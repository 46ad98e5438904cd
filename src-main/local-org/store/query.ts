// SOQL against the org: the shared engine validates (Salesforce's errorCodes and positional
// messages), compiles to SQLite over the object views, and assembles nested results. Pages
// beyond the first are kept under a query locator (`01g…-2000`), as an org keeps a cursor.

import type Database from 'better-sqlite3';
import {
  CompileError,
  compileSoql,
  parseSoql,
  salesforceErrorMessage,
  validateSoql,
  type JsonObject,
  type PhysicalSchema,
  type QueryResult,
} from '../../../src-shared/soql';
import type { DescribeCatalog } from '../../../src-shared/salesforce';
import { SalesforceError } from '../errors';
import { makeId } from '../ids';
import type { OrgSchema } from '../schema/model';
import type { QueryOptions, QueryPage } from './types';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
/** An org keeps a cursor 15 minutes after its last use and 10 per user (§2.6). */
const LOCATOR_IDLE_MS = 15 * 60 * 1000;
const MAX_OPEN_LOCATORS = 10;

interface Cursor {
  records: JsonObject[];
  totalSize: number;
  batchSize: number;
  lastUsed: number;
}

/**
 * The org's layout as the compiler sees it: one view per object named like it, columns named
 * like the fields, compound address/location fields not stored (their components are).
 */
export function orgPhysicalSchema(catalog: DescribeCatalog): PhysicalSchema {
  return {
    table(objectName) {
      const describe = catalog.describe(objectName);
      return describe ? { name: [describe.name], idColumn: 'Id' } : undefined;
    },
    column(objectName, fieldName) {
      const field = catalog.field(objectName, fieldName);
      if (!field || field.type === 'address' || field.type === 'location') return undefined;
      return field.name;
    },
  };
}

export class QueryRunner {
  private readonly physical: PhysicalSchema;
  private readonly cursors = new Map<string, Cursor>();
  private locatorCount = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly schema: OrgSchema,
    private readonly now: () => Date,
  ) {
    this.physical = orgPhysicalSchema(schema.catalog);
  }

  /** Every record, unpaged. */
  run(soql: string, options: Omit<QueryOptions, 'batchSize'>): QueryResult {
    const parsed = parseSoql(soql);
    const diagnostics = validateSoql(parsed, this.schema.catalog, {
      apiVersion: options.apiVersion,
    });
    const error = diagnostics.find((d) => d.severity === 'error');
    if (error) {
      throw new SalesforceError(error.errorCode, salesforceErrorMessage(soql, error), [], 400);
    }
    let compiled: ReturnType<typeof compileSoql>;
    try {
      compiled = compileSoql(parsed.query, {
        catalog: this.schema.catalog,
        schema: this.physical,
        dialect: 'sqlite',
        now: this.now(),
        apiVersion: options.apiVersion,
        includeDeleted: options.includeDeleted,
      });
    } catch (e) {
      if (e instanceof CompileError)
        throw new SalesforceError('MALFORMED_QUERY', e.message, [], 400);
      throw e;
    }
    const rows = this.db.prepare(compiled.sql).all(...(compiled.params as unknown[])) as Array<
      Record<string, unknown>
    >;
    return compiled.assemble(rows);
  }

  query(soql: string, options: QueryOptions): QueryPage {
    const result = this.run(soql, options);
    const batchSize = clampBatch(options.batchSize);
    if (result.records.length <= batchSize) {
      return { totalSize: result.totalSize, done: true, records: result.records };
    }
    this.expireIdle();
    const base = makeId('01g', ++this.locatorCount).slice(0, 15);
    const cursor: Cursor = {
      records: result.records,
      totalSize: result.totalSize,
      batchSize,
      lastUsed: Date.now(),
    };
    this.cursors.set(base, cursor);
    while (this.cursors.size > MAX_OPEN_LOCATORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return this.page(base, cursor, 0, options.apiVersion);
  }

  queryMore(locator: string, apiVersion: string): QueryPage {
    this.expireIdle();
    const match = /^([A-Za-z0-9]{15})-(\d+)$/.exec(locator);
    const cursor = match ? this.cursors.get(match[1] as string) : undefined;
    const offset = match ? Number(match[2]) : NaN;
    if (!match || !cursor || offset >= cursor.records.length) {
      throw new SalesforceError('INVALID_QUERY_LOCATOR', 'invalid query locator', [], 400);
    }
    cursor.lastUsed = Date.now();
    // Most recently used last, so eviction takes the least recently used.
    this.cursors.delete(match[1] as string);
    this.cursors.set(match[1] as string, cursor);
    return this.page(match[1] as string, cursor, offset, apiVersion);
  }

  private page(base: string, cursor: Cursor, offset: number, apiVersion: string): QueryPage {
    const end = offset + cursor.batchSize;
    const records = cursor.records.slice(offset, end);
    if (end >= cursor.records.length) {
      this.cursors.delete(base);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    return {
      totalSize: cursor.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${base}-${end}`,
      records,
    };
  }

  private expireIdle(): void {
    const limit = Date.now() - LOCATOR_IDLE_MS;
    for (const [key, cursor] of this.cursors) if (cursor.lastUsed < limit) this.cursors.delete(key);
  }
}

function clampBatch(size: number | undefined): number {
  if (size === undefined || !Number.isFinite(size)) return DEFAULT_BATCH;
  // The header is a hint: an org keeps it between 200 and 2,000.
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Math.floor(size)));
}
