// `connect-studio mapping validate | ddl | apply | export`: Heroku Connect mapping exports checked
// against an org's describes, turned into Heroku Connect's Postgres layout, applied to a
// database, and read back from one.
import { readFileSync } from 'node:fs';
import {
  ConnectExportError,
  DEFAULT_SCHEMA_NAME,
  SchemaPlanError,
  appliedMappings,
  createMapping,
  formatConnectExport,
  mappingsFromSnapshot,
  mergeMappingDocuments,
  parseConnectExport,
  planSchema,
  planToSql,
  validateMappings,
  withoutDroppedTables,
  writeAlgorithmOf,
  type DatabaseSnapshot,
  type MappingDocument,
  type MappingProblem,
  type SchemaPlan,
} from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import {
  PostgresConnectError,
  SchemaApplyError,
  applyMappingDocument,
  introspectSchema,
  openPool,
  type PostgresPool,
} from '../postgres';
import { EXIT_OK, EXIT_PROBLEMS, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import {
  DB_OPTIONS_HELP,
  ORG_OPTIONS_HELP,
  commonOptions,
  dbOptions,
  orgOptions,
  parseCommandLine,
  resolveDbUrl,
  resolveOrgSelection,
  type OrgSelection,
  type ParsedValues,
} from './options';
import { openDescribes, requireOrg } from './org';

const SCHEMA_HELP = `  --schema NAME                             the sync schema (default: ${DEFAULT_SCHEMA_NAME})`;

const FILE_HELP = `FILE is a Heroku Connect mapping export (heroku connect:export, or the dashboard's Export).`;

const ORG_PURPOSE = 'whose describes the mapping is checked against';

const NO_DB = 'Name a database: --db postgres://… or set DATABASE_URL';

const schemaOption = { schema: { type: 'string' } } as const;

export const mappingValidateCommand: Command = {
  path: ['mapping', 'validate'],
  summary: 'Check a Heroku Connect mapping export against an org',
  help: `Usage: connect-studio mapping validate FILE [org options]

${FILE_HELP}
Prints {"ok","problems":[{"severity","code","object","field"?,"message","fix"}]}: every problem
Heroku Connect would refuse (errors) or that will bite later (warnings), each with its fix.
Exits 1 when there is an error (warnings alone exit 0).

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...commonOptions, ...orgOptions },
      'mapping validate',
    );
    const document = readMappingFile(oneFile(positionals, 'mapping validate'));
    const { problems } = await orgDescribes(
      requireOrg(values, io, ORG_PURPOSE),
      values,
      io,
      document,
    );
    const ok = !problems.some((p) => p.severity === 'error');
    printJson(io, { ok, problems });
    return ok ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export const mappingDdlCommand: Command = {
  path: ['mapping', 'ddl'],
  summary: 'Print the SQL that lays out a mapping export in Postgres',
  help: `Usage: connect-studio mapping ddl FILE [org options] [--schema NAME] [--db URL] [--allow-drop] [--json]

${FILE_HELP}
Prints the SQL script that builds Heroku Connect's layout for the mappings: schema, system
tables, trigger-log functions, mapped tables, indexes and triggers. With a database (--db or
DATABASE_URL) the script holds only what that database lacks (ALTER for changed mappings), and
the file is merged into the mappings applied there, as Heroku Connect imports a file. Nothing
is run. Exits 1 (and prints no SQL) when the mappings have errors; see mapping validate.

${SCHEMA_HELP}
  --allow-drop                              plan DROP COLUMN for fields no longer mapped
  --json                                    print {"schema","statements":[{"sql","purpose",
                                            "destructive"}],"warnings"} instead of SQL
${DB_OPTIONS_HELP}

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, document, schemaName, selection, url } = planInputs(args, io, 'mapping ddl');
    const database = url ? await readDatabase(url, schemaName) : undefined;
    try {
      const target = database ? mergeMappingDocuments(database.applied, document) : document;
      const { catalog, problems } = await orgDescribes(selection, values, io, target);
      refuseOnErrors(problems, io, 'no SQL was printed');
      const plan = planFor(schemaName, target, catalog, database?.snapshot, values['allow-drop']);
      if (values.json) {
        printJson(io, {
          schema: plan.schemaName,
          statements: plan.statements,
          warnings: plan.warnings,
        });
      } else {
        io.stdout(planToSql(plan));
      }
      return EXIT_OK;
    } finally {
      await database?.pool.end();
    }
  },
};

export const mappingApplyCommand: Command = {
  path: ['mapping', 'apply'],
  summary: 'Validate a mapping export and apply its layout to a database',
  help: `Usage: connect-studio mapping apply FILE --db URL [org options] [--schema NAME] [--allow-drop]

${FILE_HELP}
Validates the mappings, then builds or alters Heroku Connect's layout in the database in one
transaction (all or nothing) and records the mappings in _hcmeta. Like Heroku Connect's import,
the file is merged into what is applied: mappings it does not name stay as they are. Columns of
fields no longer mapped are kept with their data unless --allow-drop is given.
Prints {"ok","schema","unchanged","statementsRun","hcmetaId","tables","dropped",
"notDropped","warnings"}. Exits 1, changing nothing, when the mappings have errors (the
problems are printed as mapping validate prints them) or the database refuses a statement.

${SCHEMA_HELP}
  --allow-drop                              drop columns of fields no longer mapped
${DB_OPTIONS_HELP}

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, document, schemaName, selection, url } = planInputs(args, io, 'mapping apply');
    if (!url) throw new UsageError(NO_DB);
    const database = await readDatabase(url, schemaName);
    try {
      const target = mergeMappingDocuments(database.applied, document);
      const { catalog, problems } = await orgDescribes(selection, values, io, target);
      if (problems.some((p) => p.severity === 'error')) {
        printJson(io, { ok: false, problems });
        throw new ProblemsFound(
          `nothing was applied: the mappings have ${countErrors(problems)}; fix them and apply again`,
        );
      }
      const { plan, unchanged, ...applied } = await applyOrExplain(() =>
        applyMappingDocument(database.pool, {
          schemaName,
          document: target,
          catalog,
          snapshot: database.snapshot,
          applied: database.applied,
          allowDrop: values['allow-drop'] === true,
        }),
      );
      printJson(io, {
        ok: true,
        schema: schemaName,
        unchanged,
        ...applied,
        tables: plan.tables.map((t) => ({
          object: t.objectName,
          table: t.table,
          access: t.access,
          created: !t.exists,
        })),
        dropped: plan.statements.filter((s) => s.destructive).map((s) => s.purpose),
        notDropped: plan.warnings
          .filter((w) => w.code === 'COLUMN_NOT_DROPPED')
          .map((w) => ({ table: w.table, column: w.column, message: w.message })),
        warnings: [
          ...plan.warnings
            .filter((w) => w.code !== 'COLUMN_NOT_DROPPED')
            .map((w) => ({ code: w.code, message: w.message })),
          ...problems.map((p) => ({ code: p.code, message: `${p.message} ${p.fix}` })),
        ],
      });
      return EXIT_OK;
    } finally {
      await database.pool.end();
    }
  },
};

export const mappingExportCommand: Command = {
  path: ['mapping', 'export'],
  summary: 'Print the Heroku Connect export of the mappings applied to a database',
  help: `Usage: connect-studio mapping export --db URL [--schema NAME] [org options]

Prints the mappings applied to the schema as a Heroku Connect export file (what mapping apply
recorded in _hcmeta). For a schema Heroku Connect itself created (no export recorded) the file
is rebuilt from the tables, indexes and trigger functions; org options, when given, restore
the API names' capitals from the describes. Reads only; changes nothing.

${SCHEMA_HELP}
${DB_OPTIONS_HELP}

Org options are optional here:
${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...commonOptions, ...orgOptions, ...dbOptions, ...schemaOption },
      'mapping export',
    );
    if (positionals.length > 0) {
      throw new UsageError(
        `mapping export takes no file (got ${positionals.join(' ')}); it reads the database named by --db`,
      );
    }
    const schemaName = schemaOf(values);
    const url = resolveDbUrl(values, io.env);
    if (!url) throw new UsageError(NO_DB);
    const selection = resolveOrgSelection(values, io.env);
    const database = await readDatabase(url, schemaName);
    try {
      const { snapshot } = database;
      if (!snapshot.schemaExists) {
        throw new ProblemsFound(
          `The database has no schema "${schemaName}", so nothing is applied there. ` +
            'Name the sync schema with --schema, or apply a mapping first (mapping apply).',
        );
      }
      let document: MappingDocument;
      if (database.applied) {
        document = keepApplied(database.applied, snapshot, io);
      } else {
        const tables = snapshot.tables.filter((t) => t.mapped);
        if (tables.length === 0) {
          throw new ProblemsFound(
            `Schema "${schemaName}" holds no mapped tables (none has sfid and _hc_lastop); ` +
              'there is nothing to export.',
          );
        }
        const catalog = selection
          ? (
              await orgDescribes(selection, values, io, {
                version: 1,
                mappings: tables.map((t) => createMapping(t.name, { fields: [] })),
              })
            ).catalog
          : undefined;
        document = rebuildFromTables(snapshot, catalog);
        io.stderr(
          `connect-studio: _hcmeta in "${schemaName}" records no mapping export, so the export was ` +
            'rebuilt from the tables: polling and API-call settings are the defaults' +
            (catalog ? '.\n' : ', and names are lower case (give org options to restore them).\n'),
        );
      }
      io.stdout(formatConnectExport(document));
      return EXIT_OK;
    } finally {
      await database.pool.end();
    }
  },
};

// --- The mapping file.

function oneFile(positionals: string[], command: string): string {
  if (positionals.length === 0) {
    throw new UsageError(
      `Give the mapping file to ${command.split(' ')[1]}: connect-studio ${command} mappings.json`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Give one mapping file; got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return positionals[0]!;
}

/** Reads and checks an export file; every failure names the file and what to fix. */
export function readMappingFile(file: string): MappingDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : error instanceof Error
            ? error.message
            : String(error);
    throw new UsageError(
      `Cannot read the mapping file ${file}: ${reason}. Give the path of a Heroku Connect export.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProblemsFound(
      `${file} is not valid JSON: ${reason}${whereInText(text, reason)}. ` +
        'Save the export exactly as Heroku Connect wrote it.',
    );
  }
  try {
    return parseConnectExport(value);
  } catch (error) {
    if (error instanceof ConnectExportError) {
      throw new ProblemsFound(
        `${file}: ${error.message}\nFix those keys (paths are inside the file) and run again.`,
      );
    }
    throw error;
  }
}

/** " (line L, column C)" for a JSON.parse message that gives a position but no line. */
function whereInText(text: string, reason: string): string {
  if (/line \d+/.test(reason)) return '';
  const match = /position (\d+)/.exec(reason);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/** What ddl and apply both read: the export, the schema, the org and the database URL. */
function planInputs(args: string[], io: CliIo, command: string) {
  const { values, positionals } = parseCommandLine(
    args,
    {
      ...commonOptions,
      ...orgOptions,
      ...dbOptions,
      ...schemaOption,
      'allow-drop': { type: 'boolean' },
    },
    command,
  );
  return {
    values,
    document: readMappingFile(oneFile(positionals, command)),
    schemaName: schemaOf(values),
    selection: requireOrg(values, io, ORG_PURPOSE),
    url: resolveDbUrl(values, io.env),
  };
}

function schemaOf(values: ParsedValues): string {
  const given = values.schema;
  if (given === undefined) return DEFAULT_SCHEMA_NAME;
  const name = String(given);
  if (name.trim() === '') throw new UsageError('--schema needs a name, e.g. --schema salesforce');
  return name;
}

// --- Validation and planning.

function validate(document: MappingDocument, catalog: DescribeCatalog): MappingProblem[] {
  return validateMappings(document.mappings, catalog, {
    writeAlgorithm: writeAlgorithmOf(document),
  });
}

function countErrors(problems: MappingProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return `${errors} error${errors === 1 ? '' : 's'}`;
}

/** Stops a command that must not act on invalid mappings; stderr lists the errors. */
function refuseOnErrors(problems: MappingProblem[], io: CliIo, consequence: string): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const lines = errors.map(
    (p) => `  ${p.code} ${p.object}${p.field ? `.${p.field}` : ''}: ${p.message} ${p.fix}`,
  );
  io.stderr(`${lines.join('\n')}\n`);
  throw new ProblemsFound(
    `${consequence}: the mappings have ${countErrors(problems)} (listed above; mapping validate prints them as JSON)`,
  );
}

/** Plan and apply errors as the CLI reports them: a bad schema name is usage, a refusal exit 1. */
export async function applyOrExplain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SchemaPlanError) throw new UsageError(`--schema: ${error.message}`);
    if (error instanceof SchemaApplyError) throw new ProblemsFound(error.message);
    throw error;
  }
}

function planFor(
  schemaName: string,
  document: MappingDocument,
  catalog: DescribeCatalog,
  current: DatabaseSnapshot | undefined,
  allowDrop: string | boolean | undefined,
): SchemaPlan {
  try {
    return planSchema({
      schemaName,
      mappings: document.mappings,
      catalog,
      ...(current ? { current } : {}),
      allowDrop: allowDrop === true,
    });
  } catch (error) {
    if (error instanceof SchemaPlanError) throw new UsageError(`--schema: ${error.message}`);
    throw error;
  }
}

// --- The database.

interface OpenDatabase {
  pool: PostgresPool;
  snapshot: DatabaseSnapshot;
  /** The mapping export the last apply recorded, if any. */
  applied: MappingDocument | undefined;
}

async function readDatabase(url: string, schemaName: string): Promise<OpenDatabase> {
  let pool: PostgresPool;
  try {
    pool = await openPool(url, { max: 2, applicationName: 'connect-studio mapping' });
  } catch (error) {
    if (error instanceof PostgresConnectError) throw new ProblemsFound(error.message);
    throw error;
  }
  try {
    const snapshot = await introspectSchema(pool, schemaName);
    return { pool, snapshot, applied: appliedMappings(snapshot) };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * The recorded export, less mappings whose table someone has since dropped; each is named on
 * stderr with what that means for the command (`consequence`).
 */
export function keepApplied(
  applied: MappingDocument,
  snapshot: DatabaseSnapshot,
  io: CliIo,
  consequence = 'it is left out',
): MappingDocument {
  const { document, notes } = withoutDroppedTables(applied, snapshot, consequence);
  for (const note of notes) io.stderr(`connect-studio: ${note}\n`);
  return document;
}

/**
 * A mapping export rebuilt from a schema nobody recorded an export for (Heroku Connect's own):
 * the mappings read from the tables, plus the org id _hcmeta holds.
 */
function rebuildFromTables(
  snapshot: DatabaseSnapshot,
  catalog: DescribeCatalog | undefined,
): MappingDocument {
  const { mappings } = mappingsFromSnapshot(snapshot, catalog);
  const orgId = [...snapshot.hcmeta].reverse().find((row) => row.orgId)?.orgId ?? undefined;
  return {
    version: 1,
    connection: {
      writeAlgorithm: 'merged',
      features: {},
      ...(orgId ? { organizationId: orgId } : {}),
    },
    mappings,
  };
}

// --- The org's describes.

/**
 * Describes of the mapped objects and of every parent their relationship fields reach, with the
 * document's validation problems against them.
 */
async function orgDescribes(
  selection: OrgSelection,
  values: ParsedValues,
  io: CliIo,
  document: MappingDocument,
): Promise<{ catalog: DescribeCatalog; problems: MappingProblem[] }> {
  const describes = await openDescribes(selection, values, io);
  const { catalog, result } = await describes.describeFor((c) => validate(document, c));
  return { catalog, problems: result };
}
