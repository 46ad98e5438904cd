// The SOQL compiler's front door: a parsed (and validated) query → SQL for SQLite (the local
// org) or Postgres (Heroku Connect's mapped tables), plus `assemble`, which turns the rows that
// SQL returns into Salesforce's JSON result. Decisions where the reference is UNCONFIRMED:
// - a child subquery with no rows is `null` (as Apex and most clients see it), not an empty
//   result;
// - time is UTC and the fiscal year starts in January (fiscal = calendar literals/functions);
// - ROLLUP/CUBE on SQLite are emulated with one SELECT per grouping set (UNION ALL);
// - MIN/MAX and ORDER BY on picklists use text order, not the picklist's order;
// - text `=`, `LIKE`, `IN` and ORDER BY are case-insensitive via lower()/upper(), which SQLite
//   applies to ASCII letters only.

import { DEFAULT_API_VERSION } from '../api';
import type { DescribeCatalog } from '../salesforce';
import type { Query } from './ast';
import {
  assembleAggregates,
  assembleCount,
  assembleRecords,
  type QueryResult,
} from './compile-assemble';
import { QueryCompiler, type CompiledShape } from './compile-query';
import type { PhysicalSchema } from './compile-schema';
import { CompileError, type SqlDialect } from './compile-sql';

export { CompileError, quoteIdentifier } from './compile-sql';
export type { SqlDialect } from './compile-sql';
export type { PhysicalSchema, PhysicalTable } from './compile-schema';
export { sqliteColumnType } from './compile-schema';
export type { JsonObject, JsonValue, QueryResult } from './compile-assemble';
export { dateLiteralRange } from './compile-dates';
export type { DayRange } from './compile-dates';

export interface CompileInput {
  catalog: DescribeCatalog;
  schema: PhysicalSchema;
  dialect: SqlDialect;
  /** What date literals (TODAY, LAST_N_DAYS:n …) are relative to; default: the current time. */
  now?: Date;
  /** For attributes.url (`/services/data/v<apiVersion>/sobjects/…`). */
  apiVersion?: string;
  /** queryAll: include rows whose IsDeleted is true. Default false. */
  includeDeleted?: boolean;
}

/** A row as both drivers return it: columns by name (`c0`, `c1`, …). */
export type ResultRow = Readonly<Record<string, unknown>>;

export interface CompiledQuery {
  /** Identifiers quoted; values only as placeholders (`?` for SQLite, `$n` for Postgres). */
  sql: string;
  params: unknown[];
  dialect: SqlDialect;
  /** records: sObject records; aggregate: AggregateResult rows; count: COUNT() (size only). */
  kind: CompiledShape['kind'];
  /** The query result in Salesforce's shape, from the rows `sql` returned. */
  assemble(rows: readonly ResultRow[]): QueryResult;
}

/**
 * Compiles a query. Throws CompileError (with a message that says what to change) for anything
 * it cannot compile; never anything else.
 */
export function compileSoql(query: Query, input: CompileInput): CompiledQuery {
  const apiVersion = input.apiVersion ?? DEFAULT_API_VERSION;
  const compiler = new QueryCompiler({
    catalog: input.catalog,
    schema: input.schema,
    dialect: input.dialect,
    now: input.now ?? new Date(),
    apiVersion,
    includeDeleted: input.includeDeleted ?? false,
  });
  let compiled: ReturnType<QueryCompiler['compileRoot']>;
  try {
    compiled = compiler.compileRoot(query);
  } catch (error) {
    if (error instanceof CompileError) throw error;
    // A tree the validator should have refused (a half-typed query): say so, do not crash.
    const reason = error instanceof Error ? error.message : String(error);
    throw new CompileError(
      `The query could not be compiled (${reason}); check it for errors before running it.`,
      query.range,
    );
  }
  const { sql, params } = compiler.params.render(compiled.text, input.dialect);
  const keyPrefixes = new Map<string, string>();
  for (const entry of input.catalog.objects()) {
    if (entry.keyPrefix) keyPrefixes.set(entry.keyPrefix, entry.name);
  }
  const shape = compiled.shape;
  return {
    sql,
    params,
    dialect: input.dialect,
    kind: shape.kind,
    assemble(rows) {
      switch (shape.kind) {
        case 'records':
          return assembleRecords(shape.plan, shape.columnCount, rows, { apiVersion, keyPrefixes });
        case 'aggregate':
          return assembleAggregates(shape.entries, shape.columnCount, rows);
        case 'count':
          return assembleCount(rows);
      }
    },
  };
}
