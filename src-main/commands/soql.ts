import { readFileSync } from 'node:fs';
import { DEFAULT_API_VERSION } from '../../src-shared/api';
import {
  checkSoql,
  formatSoql,
  lineColumnAt,
  parseSoql,
  type SoqlCheckResult,
} from '../../src-shared/soql';
import {
  DescribeSourceError,
  OrgQueryChecker,
  connectToSalesforce,
  explainSalesforceError,
  loadDescribeDir,
  type SalesforceTarget,
} from '../salesforce';
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
import { openStudioForCli } from './studio-for-cli';

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
    if (!selection) {
      throw new UsageError(
        'Name an org to check against: --describe DIR (offline), --org NAME, ' +
          '--instance-url and --access-token, or --login-url/--username/--password',
      );
    }
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
  if (selection.kind === 'describe') {
    let catalog;
    try {
      catalog = loadDescribeDir(selection.dir);
    } catch (error) {
      if (error instanceof DescribeSourceError)
        throw new UsageError(`--describe: ${error.message}`);
      throw error;
    }
    const apiVersion =
      typeof values['api-version'] === 'string' && values['api-version'].trim() !== ''
        ? values['api-version'].trim()
        : DEFAULT_API_VERSION;
    return (query) => Promise.resolve(checkSoql(query, catalog, { apiVersion }));
  }
  const target = targetOf(selection, values, io);
  const origin = target.method === 'password' ? target.loginUrl : target.instanceUrl;
  const explained = (error: unknown) => {
    const { message, hint } = explainSalesforceError(error, origin);
    return new ProblemsFound(hint ? `${message} ${hint}` : message);
  };
  let checker: OrgQueryChecker;
  try {
    checker = new OrgQueryChecker(await connectToSalesforce(target), {
      apiVersion: target.apiVersion,
    });
  } catch (error) {
    throw explained(error);
  }
  return async (query) => {
    try {
      return await checker.check(query);
    } catch (error) {
      throw explained(error);
    }
  };
}

function targetOf(
  selection: Exclude<OrgSelection, { kind: 'describe' }>,
  values: ParsedValues,
  io: CliIo,
): SalesforceTarget {
  switch (selection.kind) {
    case 'token':
      return {
        method: 'token',
        instanceUrl: selection.instanceUrl,
        accessToken: selection.accessToken,
        apiVersion: selection.apiVersion,
      };
    case 'password':
      return {
        method: 'password',
        loginUrl: selection.loginUrl,
        username: selection.username,
        password: selection.password,
        apiVersion: selection.apiVersion,
      };
    case 'profile': {
      const studio = openStudioForCli(values, io.env, 'cli');
      try {
        const profile = studio.profiles.find(selection.name);
        if (!profile || profile.kind !== 'salesforce') {
          throw new UsageError(
            `No Salesforce profile named "${selection.name}"; list them with connect-studio profiles list`,
          );
        }
        return studio.profiles.salesforceTarget(profile.id);
      } finally {
        studio.close();
      }
    }
  }
}
