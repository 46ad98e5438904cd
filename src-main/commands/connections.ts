import { readdirSync, statSync } from 'node:fs';
import type { ConnectionTestResult } from '../../src-shared/api';
import { testPostgresConnection } from '../postgres';
import { testSalesforceConnection } from '../salesforce';
import type { Command } from './io';
import { printJson } from './io';
import { UsageError, EXIT_OK, EXIT_PROBLEMS } from './errors';
import {
  DB_OPTIONS_HELP,
  ORG_OPTIONS_HELP,
  commonOptions,
  dbOptions,
  orgOptions,
  parseCommandLine,
  resolveDbUrl,
  resolveOrgSelection,
} from './options';
import { openStudioForCli } from './studio-for-cli';

export const orgTestCommand: Command = {
  path: ['org', 'test'],
  summary: 'Sign in to an org and read its API limits',
  help: `Usage: connect-studio org test [org options]

Prints {"ok","message","hint"?,"durationMs","details"}; exits 1 when the org cannot be reached.

${ORG_OPTIONS_HELP}`,
  async run(args, io) {
    const { values } = parseCommandLine(args, { ...commonOptions, ...orgOptions }, 'org test');
    const selection = resolveOrgSelection(values, io.env);
    if (!selection) {
      throw new UsageError(
        'Name an org: --instance-url and --access-token, --login-url/--username/--password, or --org NAME',
      );
    }
    let result: ConnectionTestResult;
    switch (selection.kind) {
      case 'token':
        result = await testSalesforceConnection({ method: 'token', ...selection });
        break;
      case 'password':
        result = await testSalesforceConnection({ method: 'password', ...selection });
        break;
      case 'profile': {
        const studio = openStudioForCli(values, io.env, 'cli');
        try {
          const profile = studio.profiles.find(selection.name);
          if (!profile || profile.kind !== 'salesforce') {
            const names = studio.profiles
              .list()
              .filter((p) => p.kind === 'salesforce')
              .map((p) => p.name);
            throw new UsageError(
              `No Salesforce profile named "${selection.name}"` +
                (names.length
                  ? `; saved: ${names.join(', ')}`
                  : '; save one in the Connections workspace'),
            );
          }
          result = await studio.profiles.test({ id: profile.id });
        } finally {
          await studio.close();
        }
        break;
      }
      case 'describe':
        result = checkDescribeDir(selection.dir);
        break;
    }
    printJson(io, result);
    return result.ok ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export const dbTestCommand: Command = {
  path: ['db', 'test'],
  summary: 'Connect to a Postgres database and check the sync schema',
  help: `Usage: connect-studio db test [--db URL] [--schema NAME]

Prints {"ok","message","hint"?,"durationMs","details"}; exits 1 when the database cannot be reached.

${DB_OPTIONS_HELP}
  --schema NAME                             the sync schema (default: salesforce)`,
  async run(args, io) {
    const { values } = parseCommandLine(
      args,
      { ...commonOptions, ...dbOptions, schema: { type: 'string' } },
      'db test',
    );
    const url = resolveDbUrl(values, io.env);
    if (!url) throw new UsageError('Name a database: --db postgres://… or set DATABASE_URL');
    const schema = typeof values.schema === 'string' ? values.schema : 'salesforce';
    const result = await testPostgresConnection(url, schema);
    printJson(io, result);
    return result.ok ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export const profilesListCommand: Command = {
  path: ['profiles', 'list'],
  summary: 'List saved connection profiles (never their secrets)',
  help: `Usage: connect-studio profiles list [--user-data DIR]

Prints one JSON array of profiles as the Connections workspace shows them.`,
  async run(args, io) {
    const { values } = parseCommandLine(args, commonOptions, 'profiles list');
    const studio = openStudioForCli(values, io.env, 'cli');
    try {
      printJson(io, studio.profiles.list());
    } finally {
      await studio.close();
    }
    return EXIT_OK;
  },
};

function checkDescribeDir(dir: string): ConnectionTestResult {
  const started = performance.now();
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    throw new UsageError(`--describe ${dir} is not a folder of <Object>.json describe files`);
  }
  const durationMs = Math.round(performance.now() - started);
  if (files.length === 0) {
    return {
      ok: false,
      message: `${dir} holds no <Object>.json describe files.`,
      hint: 'Save describes there, one file per object, in Salesforce’s own describe format.',
      durationMs,
      details: {},
    };
  }
  return {
    ok: true,
    message: `Offline describes: ${files.length} object${files.length === 1 ? '' : 's'} in ${dir}.`,
    durationMs,
    details: { objects: files.map((f) => f.replace(/\.json$/, '')).join(', ') },
  };
}
