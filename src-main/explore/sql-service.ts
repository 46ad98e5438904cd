// The SQL tab: SOQL validated against the active org's cached describes, compiled for Postgres
// over the active database's mapped tables (Heroku Connect's layout), run with pg, and the rows
// assembled into the shape Salesforce would have answered.
import type pg from 'pg';
import { ApiError, type ApiResult } from '../../src-shared/api';
import { herokuConnectSchema } from '../../src-shared/mapping';
import {
  CompileError,
  compileSoql,
  lineColumnAt,
  parseSoql,
  salesforceErrorMessage,
  validateSoql,
  type CompiledQuery,
  type PhysicalSchema,
  type QueryResult,
} from '../../src-shared/soql';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import { databaseFailure } from './errors';
import type { ExploreConnections, MappedDatabase, MappedDatabases } from './mapped-database';
import type { SchemaService } from './schema-service';

export interface CompiledForDatabase {
  compiled: CompiledQuery;
  database: MappedDatabase;
  result: ApiResult<'sql.compile'>;
}

export interface SqlServiceOptions {
  connections: ExploreConnections;
  schema: SchemaService;
  mapped: MappedDatabases;
}

/** What the compiler asked of the mapped tables and did not find; the last one is the culprit. */
interface Miss {
  object: string;
  field?: string;
}

export class SqlService {
  constructor(private readonly options: SqlServiceOptions) {}

  async compile(soql: string): Promise<CompiledForDatabase> {
    const org = await this.options.connections.activeOrg();
    const database = await this.options.mapped.current();
    const parsed = parseSoql(soql);
    const { catalog, result: diagnostics } = await this.options.schema.catalogFor(org, (c) =>
      validateSoql(parsed, c, { apiVersion: org.apiVersion }),
    );
    const firstError = diagnostics.find((d) => d.severity === 'error');
    if (firstError) {
      throw new ApiError('BAD_PARAMS', salesforceErrorMessage(soql, firstError), {
        errorCode: firstError.errorCode,
        ...lineColumnAt(soql, firstError.range.start),
      });
    }
    const misses: Miss[] = [];
    const tables = new Set<string>();
    const schema = trackingSchema(
      herokuConnectSchema({ schemaName: database.schemaName, mappings: database.mappings }),
      misses,
      tables,
    );
    let compiled: CompiledQuery;
    try {
      compiled = compileSoql(parsed.query, {
        catalog,
        schema,
        dialect: 'postgres',
        apiVersion: org.apiVersion,
      });
    } catch (error) {
      if (error instanceof CompileError) throw compileFailure(error, soql, misses, catalog);
      throw error;
    }
    return {
      compiled,
      database,
      result: {
        sql: compiled.sql,
        params: compiled.params,
        schemaName: database.schemaName,
        tables: [...tables],
      },
    };
  }

  async run(soql: string): Promise<ApiResult<'sql.run'>> {
    const { compiled, database, result } = await this.compile(soql);
    const started = performance.now();
    const answer = await runCompiled(database.pool, compiled.sql, compiled.params, compiled);
    return {
      ...result,
      records: answer.records,
      totalSize: answer.totalSize,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** Runs compiled SQL (or SQL wrapped around it) and assembles Salesforce's result shape. */
export async function runCompiled(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  compiled: CompiledQuery,
): Promise<QueryResult> {
  let rows: Record<string, unknown>[];
  try {
    const answer = await pool.query({ text: sql, values: params });
    rows = answer.rows as Record<string, unknown>[];
  } catch (error) {
    throw databaseFailure(error);
  }
  return compiled.assemble(rows);
}

function trackingSchema(
  inner: PhysicalSchema,
  misses: Miss[],
  tables: Set<string>,
): PhysicalSchema {
  return {
    table(objectName) {
      const table = inner.table(objectName);
      if (table) tables.add(table.name.join('.'));
      else misses.push({ object: objectName });
      return table;
    },
    column(objectName, fieldName) {
      const column = inner.column(objectName, fieldName);
      if (column === undefined) misses.push({ object: objectName, field: fieldName });
      return column;
    },
  };
}

// The compiler's own words for "not in this database" (compile-query.ts tableOf / columnOf).
const NO_TABLE = /has no table in this database/;
const NO_COLUMN = /has no column in this database/;

function compileFailure(
  error: CompileError,
  soql: string,
  misses: readonly Miss[],
  catalog: DescribeCatalog,
): ApiError {
  const position = error.range ? lineColumnAt(soql, error.range.start) : undefined;
  const wanted = NO_COLUMN.test(error.message)
    ? [...misses].reverse().find((m) => m.field !== undefined)
    : NO_TABLE.test(error.message)
      ? [...misses].reverse().find((m) => m.field === undefined)
      : undefined;
  if (wanted) {
    const object = catalog.describe(wanted.object)?.name ?? wanted.object;
    if (wanted.field === undefined) {
      return new ApiError(
        'BAD_PARAMS',
        `${object} is not mapped in the active database, so the query has no table to read. ` +
          `Map ${object} in the Mappings workspace, or drop it from the query.`,
        { object, ...position },
      );
    }
    const field = catalog.field(wanted.object, wanted.field)?.name ?? wanted.field;
    return new ApiError(
      'BAD_PARAMS',
      `${object}.${field} is not mapped in the active database, so it has no column. Add ` +
        `${field} to the ${object} mapping in the Mappings workspace, or drop it from the query.`,
      { object, field, ...position },
    );
  }
  return new ApiError('BAD_PARAMS', error.message, position);
}
