import { readFileSync } from 'node:fs';
import { DEFAULT_API_VERSION } from '../../src-shared/api';
import {
  CompileError,
  checkResult,
  compileSoql,
  formatSoql,
  type CompiledQuery,
  lineColumnAt,
  parseSoql,
  validateSoql,
  type SoqlCheckResult,
} from '../../src-shared/soql';
import { EXIT_OK, EXIT_PROBLEMS, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import {
  ORG_OPTIONS_HELP,
  commonOptions,
  orgOptions,
  parseCommandLine,
  resolveOrgSelection,
  type OrgSelection,
  type ParsedValues,
} from './options';
import { herokuConnectSchema } from '../../src-shared/mapping';
import { readMappingFile } from './mapping';
import { noOrgMessage, openDescribes, requireOrg } from './org';

const QUOTE_HINT = 'put the query in quotes, e.g. "SELECT Id FROM Account"';

export const soqlCheckCommand: Command = {
  path: ['soql', 'check'],
  summary: 'Check SOQL queries against an org or saved describes',
  help: `Usage: connect-studio soql check "<query>" [org options]
       connect-studio soql check --file FILE [org options]

Prints {"ok":bool,"diagnostics":[{"errorCode","message","line","column"}]} for the query; with
--file, one such JSON line per non-empty line of FILE, in order. Messages and error codes are
worded as a real org words them; line and column are 1-based. Exits 1 when a query has problems.

  --file FILE                               check every non-empty line of FILE as a query
                                            (each describe is fetched once)

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...commonOptions, ...orgOptions, file: { type: 'string' } },
      'soql check',
    );
    const queries = readQueries(values, positionals);
    const selection = resolveOrgSelection(values, io.env);
    if (!selection) throw new UsageError(noOrgMessage('to check against'));
    const check = await openChecker(selection, values, io);
    let allOk = true;
    for (const query of queries) {
      const result = await check(query);
      allOk &&= result.ok;
      printJson(io, result);
    }
    return allOk ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export const soqlFormatCommand: Command = {
  path: ['soql', 'format'],
  summary: 'Pretty-print a SOQL query',
  help: `Usage: connect-studio soql format "<query>" [--width N] [--json]

Prints the query laid out one clause per line when it does not fit the width (default 80).
With --json prints {"formatted": "..."}. Exits 1 (and prints nothing) when the query has
syntax errors.`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...commonOptions, width: { type: 'string' } },
      'soql format',
    );
    const query = oneQuery(positionals, 'soql format');
    const width = parseWidth(values.width);
    const parsed = parseSoql(query);
    if (parsed.diagnostics.length > 0) {
      const lines = parsed.diagnostics.map((d) => {
        const { line, column } = lineColumnAt(query, d.range.start);
        return `  line ${line}, column ${column}: ${d.errorCode}: ${d.message}`;
      });
      throw new ProblemsFound(
        `the query has syntax errors, so it was not formatted:\n${lines.join('\n')}`,
      );
    }
    const formatted = formatSoql(parsed.query, { width });
    if (values.json) printJson(io, { formatted });
    else io.stdout(formatted + '\n');
    return EXIT_OK;
  },
};

export const soqlToSqlCommand: Command = {
  path: ['soql', 'to-sql'],
  summary: 'Compile SOQL to SQL over the Heroku Connect tables of a mapping export',
  help: `Usage: connect-studio soql to-sql "<query>" --mappings FILE [org options]
                                 [--schema NAME] [--dialect postgres|sqlite] [--json]

Prints the SQL that answers the query from the tables the mappings create (one table per
mapped object, joined child.lookup = parent.sfid), values as $1, $2 … parameters listed after
it. With --json prints {"sql","params","dialect"}. The org's describes resolve relationship
names; a query that does not validate is refused with its diagnostics (exit 1).

  --mappings FILE                           a Heroku Connect mapping export
  --schema NAME                             the sync schema (default: salesforce)
  --dialect postgres|sqlite                 the SQL dialect (default: postgres)

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        ...commonOptions,
        ...orgOptions,
        mappings: { type: 'string' },
        schema: { type: 'string' },
        dialect: { type: 'string' },
      },
      'soql to-sql',
    );
    const query = oneQuery(positionals, 'soql to-sql');
    if (typeof values.mappings !== 'string') {
      throw new UsageError('Give the mapping export: --mappings FILE');
    }
    const dialect = values.dialect ?? 'postgres';
    if (dialect !== 'postgres' && dialect !== 'sqlite') {
      throw new UsageError(`--dialect ${String(dialect)} is not a dialect; use postgres or sqlite`);
    }
    const schemaName = typeof values.schema === 'string' ? values.schema : 'salesforce';
    const document = readMappingFile(values.mappings);
    const selection = requireOrg(values, io, "whose describes resolve the query's relationships");
    const describes = await openDescribes(selection, values, io);
    const options = { apiVersion: describes.apiVersion ?? apiVersionOf(values) };
    const parsed = parseSoql(query);
    const { catalog, result: diagnostics } = await describes.describeFor((c) =>
      validateSoql(parsed, c, options),
    );
    const result = checkResult(query, diagnostics);
    if (!result.ok) {
      const lines = result.diagnostics.map(
        (d) => `  line ${d.line}, column ${d.column}: ${d.errorCode}: ${d.message}`,
      );
      throw new ProblemsFound(
        `the query does not validate, so no SQL was made:\n${lines.join('\n')}`,
      );
    }
    let compiled: CompiledQuery;
    try {
      compiled = compileSoql(parsed.query, {
        catalog,
        schema: herokuConnectSchema({ schemaName, mappings: document.mappings }),
        dialect,
        apiVersion: options.apiVersion,
      });
    } catch (error) {
      if (error instanceof CompileError) throw new ProblemsFound(error.message);
      throw error;
    }
    if (values.json) {
      printJson(io, { sql: compiled.sql, params: compiled.params, dialect });
    } else {
      const params = compiled.params.length
        ? `\n-- params: ${compiled.params.map((p, i) => `${dialect === 'postgres' ? `$${i + 1}` : `?${i + 1}`} = ${JSON.stringify(p)}`).join(', ')}`
        : '';
      io.stdout(`${compiled.sql};${params}\n`);
    }
    return EXIT_OK;
  },
};

function readQueries(values: ParsedValues, positionals: string[]): string[] {
  const file = typeof values.file === 'string' ? values.file : undefined;
  if (file === undefined) return [oneQuery(positionals, 'soql check')];
  if (positionals.length > 0) {
    throw new UsageError('Give either a query or --file FILE, not both');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot read --file ${file}: ${reason}`);
  }
  const queries = text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
  if (queries.length === 0) {
    throw new UsageError(`--file ${file} holds no queries; write one query per line`);
  }
  return queries;
}

function oneQuery(positionals: string[], command: string): string {
  if (positionals.length === 0) {
    throw new UsageError(`Give the query to ${command.split(' ')[1]}; ${QUOTE_HINT}`);
  }
  if (positionals.length > 1) {
    throw new UsageError(`Give one query as one argument; ${QUOTE_HINT}`);
  }
  return positionals[0]!;
}

function parseWidth(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 20 || Number(text) > 1000) {
    throw new UsageError(`--width ${text} is not a width; use a number from 20 to 1000`);
  }
  return Number(text);
}

type QueryCheck = (query: string) => Promise<SoqlCheckResult>;

/** A check function for the org the options name: offline describes or a live org. */
async function openChecker(
  selection: OrgSelection,
  values: ParsedValues,
  io: CliIo,
): Promise<QueryCheck> {
  const describes = await openDescribes(selection, values, io);
  const apiVersion = describes.apiVersion ?? apiVersionOf(values);
  const options = { apiVersion };
  return async (query) => {
    const parsed = parseSoql(query);
    const { result } = await describes.describeFor((c) => validateSoql(parsed, c, options));
    return checkResult(query, result);
  };
}

function apiVersionOf(values: ParsedValues): string {
  return typeof values['api-version'] === 'string' && values['api-version'].trim() !== ''
    ? values['api-version'].trim()
    : DEFAULT_API_VERSION;
}
