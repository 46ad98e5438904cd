// `connect-studio trigger-log list | retry | ignore`: the trigger log (Heroku Connect's queue of
// changes for the org) read and repaired from the command line, as the inspector does.
import type pg from 'pg';
import {
  DEFAULT_SCHEMA_NAME,
  appliedMappings,
  writeAlgorithmOf,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import { introspectSchema } from '../postgres';
import {
  TRIGGER_LOG_STATES,
  ignoreTriggerLogRows,
  listTriggerLog,
  retryTriggerLogRows,
  type TriggerLogEntry,
  type TriggerLogFilter,
} from '../sync';
import { EXIT_OK, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import {
  DB_OPTIONS_HELP,
  commonOptions,
  dbOptions,
  parseCommandLine,
  resolveDbUrl,
  type ParsedValues,
} from './options';
import { modeOf, openDatabase, schemaOf } from './sync';

const ACTIONS = ['INSERT', 'UPDATE', 'DELETE'] as const;
const ARCHIVES = ['live', 'archive', 'both'] as const;
const DEFAULT_LIMIT = 100;
/** The most rows one listing reads (listTriggerLog's page limit). */
const MAX_LIMIT = 10_000;

const SCHEMA_HELP = `  --schema NAME    the sync schema (default: ${DEFAULT_SCHEMA_NAME})`;

const schemaOption = { schema: { type: 'string' } } as const;

export const triggerLogListCommand: Command = {
  path: ['trigger-log', 'list'],
  summary: 'List trigger-log rows (the changes waiting for, sent to or refused by the org)',
  help: `Usage: connect-studio trigger-log list --db URL [--schema NAME] [filters] [--limit N] [--json]

Prints trigger-log rows, newest first, as a table (with --json: one JSON object per row,
values and old values as objects).
Filters (all optional, combined with AND):
  --state S        NEW, PENDING, SUCCESS, FAILED, MERGED, IGNORE, IGNORED, READONLY, REQUEUED
  --table T        a mapped table, e.g. account
  --action A       INSERT, UPDATE or DELETE
  --since ISO      created at or after this time, e.g. 2025-01-02T03:00:00Z
  --text X         the org's message or the values contain X
  --record-id N    the row's id in its table
  --sfid ID        the Salesforce Id
  --archive W      live (default), archive (_trigger_log_archive) or both
  --limit N        at most N rows (default ${DEFAULT_LIMIT})
${SCHEMA_HELP}
${DB_OPTIONS_HELP}`,
  async run(args, io) {
    const { values } = parse(args, 'trigger-log list', {
      state: { type: 'string' },
      table: { type: 'string' },
      action: { type: 'string' },
      since: { type: 'string' },
      text: { type: 'string' },
      'record-id': { type: 'string' },
      sfid: { type: 'string' },
      archive: { type: 'string' },
      limit: { type: 'string' },
    });
    const filter = listFilterOf(values);
    return withSchema(values, io, async (pool, schemaName) => {
      const rows = await listTriggerLog(pool, schemaName, filter);
      if (values.json) {
        for (const row of rows) printJson(io, row);
      } else {
        io.stdout(formatTable(rows));
      }
      return EXIT_OK;
    });
  },
};

export const triggerLogRetryCommand: Command = {
  path: ['trigger-log', 'retry'],
  summary: 'Send FAILED trigger-log rows again',
  help: `Usage: connect-studio trigger-log retry --db URL (--id N… | --table T --failed | --all-failed)
                                  [--mode merged|ordered] [--schema NAME]

Queues FAILED rows to be sent again at the next sync: with merged writes the rows go back to
NEW; with ordered writes the change is captured again from the row as it is now (so fix the
row first) and the old row becomes REQUEUED. Archived rows are copied back as new rows.
Prints {"requeued": N}.
  --id N           a trigger-log id; repeat (--id 3 --id 4) or list them (--id 3,4)
  --table T --failed
                   every FAILED row of one table
  --all-failed     every FAILED row
  --mode M         merged or ordered (default: the write algorithm of the applied mappings)
${SCHEMA_HELP}
${DB_OPTIONS_HELP}`,
  async run(args, io) {
    const { values } = parse(args, 'trigger-log retry', {
      id: { type: 'string', multiple: true },
      table: { type: 'string' },
      failed: { type: 'boolean' },
      'all-failed': { type: 'boolean' },
      mode: { type: 'string' },
    });
    const ids = idsOf(values);
    const table = textOf(values.table, '--table', 'account');
    const ways = [
      ids.length > 0 ? '--id' : null,
      table !== undefined || values.failed ? '--table/--failed' : null,
      values['all-failed'] ? '--all-failed' : null,
    ].filter((w): w is string => w !== null);
    if (ways.length === 0) {
      throw new UsageError(
        'Say which rows to retry: --id N (repeat for several), --table T --failed, or --all-failed',
      );
    }
    if (ways.length > 1) {
      throw new UsageError(`Name the rows one way only; got ${ways.join(' and ')}`);
    }
    if (ways[0] === '--table/--failed' && (table === undefined || !values.failed)) {
      throw new UsageError(
        table === undefined
          ? "--failed retries one table's FAILED rows: add --table T (or use --all-failed for every table)"
          : `--table ${table} needs --failed (only FAILED rows are retried by table); or retry rows by --id`,
      );
    }
    const mode = modeOf(values.mode);
    return withSchema(values, io, async (pool, schemaName) => {
      const algorithm = mode ?? (await appliedAlgorithm(pool, schemaName));
      const selection =
        ids.length > 0
          ? { ids }
          : table !== undefined
            ? { table, allFailed: true }
            : { allFailed: true };
      // A row in the wrong state is refused with a sentence naming it (exit 1, by runCli).
      const result = await retryTriggerLogRows(pool, schemaName, selection, algorithm);
      printJson(io, result);
      return EXIT_OK;
    });
  },
};

export const triggerLogIgnoreCommand: Command = {
  path: ['trigger-log', 'ignore'],
  summary: 'Mark trigger-log rows IGNORED: their changes are never sent',
  help: `Usage: connect-studio trigger-log ignore --db URL --id N… [--schema NAME]

Marks FAILED or NEW rows IGNORED, so the sync never sends them (the row in its table keeps
its values). Prints the outcome as JSON.
  --id N           a trigger-log id; repeat (--id 3 --id 4) or list them (--id 3,4)
${SCHEMA_HELP}
${DB_OPTIONS_HELP}`,
  async run(args, io) {
    const { values } = parse(args, 'trigger-log ignore', {
      id: { type: 'string', multiple: true },
    });
    const ids = idsOf(values);
    if (ids.length === 0) {
      throw new UsageError('Say which rows to ignore: --id N (repeat for several, or --id 3,4)');
    }
    return withSchema(values, io, async (pool, schemaName) => {
      const result = await ignoreTriggerLogRows(pool, schemaName, { ids });
      printJson(io, result);
      return EXIT_OK;
    });
  },
};

// --- Options.

function parse(
  args: string[],
  command: string,
  options: Parameters<typeof parseCommandLine>[1],
): { values: ParsedValues } {
  const { values, positionals } = parseCommandLine(
    args,
    { ...commonOptions, ...dbOptions, ...schemaOption, ...options },
    command,
  );
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${positionals[0]}" (see: connect-studio ${command} --help)`,
    );
  }
  return { values };
}

function listFilterOf(values: ParsedValues): TriggerLogFilter {
  const state = oneOf(values.state, '--state', TRIGGER_LOG_STATES);
  const action = oneOf(values.action, '--action', ACTIONS);
  const archive = oneOf(values.archive, '--archive', ARCHIVES, false);
  const table = textOf(values.table, '--table', 'account');
  const text = textOf(values.text, '--text', 'UNABLE_TO_LOCK_ROW');
  const sfid = textOf(values.sfid, '--sfid', '001000000000001AAA');
  if (sfid !== undefined && !/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(sfid)) {
    throw new UsageError(`--sfid ${sfid} is not a Salesforce Id; give 15 or 18 letters and digits`);
  }
  let since: Date | undefined;
  if (values.since !== undefined) {
    const given = String(values.since).trim();
    since = new Date(given);
    if (given === '' || Number.isNaN(since.getTime())) {
      throw new UsageError(
        `--since ${given} is not a time; use ISO 8601, e.g. --since 2025-01-02T03:00:00Z`,
      );
    }
  }
  const recordId = wholeNumberOf(values['record-id'], '--record-id');
  const limit = wholeNumberOf(values.limit, '--limit') ?? DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(
      `--limit ${limit} is out of range; give 1 to ${MAX_LIMIT.toLocaleString('en-US')}`,
    );
  }
  return {
    ...(state ? { state } : {}),
    ...(action ? { action } : {}),
    ...(table !== undefined ? { table } : {}),
    ...(since ? { since } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(recordId !== undefined ? { recordId } : {}),
    ...(sfid !== undefined ? { sfid } : {}),
    archive: archive ?? 'live',
    limit,
  };
}

function oneOf<T extends string>(
  value: string | boolean | undefined,
  option: string,
  allowed: readonly T[],
  upperCase = true,
): T | undefined {
  if (value === undefined) return undefined;
  const given = String(value).trim();
  const normal = upperCase ? given.toUpperCase() : given.toLowerCase();
  const match = allowed.find((a) => a === normal);
  if (!match) {
    throw new UsageError(`${option} ${given} is not one of ${allowed.join(', ')}`);
  }
  return match;
}

function textOf(
  value: string | boolean | undefined,
  option: string,
  example: string,
): string | undefined {
  if (value === undefined) return undefined;
  const given = String(value).trim();
  if (given === '') throw new UsageError(`${option} needs a value, e.g. ${option} ${example}`);
  return given;
}

function wholeNumberOf(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const given = String(value).trim();
  if (!/^\d{1,15}$/.test(given)) {
    throw new UsageError(`${option} ${given} is not a whole number, e.g. ${option} 42`);
  }
  return Number(given);
}

/** `--id 3 --id 4` and `--id 3,4` alike. */
function idsOf(values: ParsedValues): number[] {
  const raw = (values as Record<string, unknown>).id;
  const given = Array.isArray(raw) ? raw.map(String) : [];
  const ids: number[] = [];
  for (const part of given.flatMap((g) => g.split(','))) {
    const text = part.trim();
    if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
      throw new UsageError(
        `--id ${text === '' ? '(empty)' : text} is not a trigger-log id; give whole numbers, e.g. --id 42 --id 43`,
      );
    }
    ids.push(Number(text));
  }
  return [...new Set(ids)];
}

// --- The database.

async function withSchema(
  values: ParsedValues,
  io: CliIo,
  work: (pool: pg.Pool, schemaName: string) => Promise<number>,
): Promise<number> {
  const url = resolveDbUrl(values, io.env);
  if (!url) throw new UsageError('Name the database: --db postgres://… or set DATABASE_URL');
  const schemaName = schemaOf(values);
  const pool = await openDatabase(url, 'connect-studio trigger-log');
  try {
    const { rows } = await pool.query<{ found: boolean }>(
      `SELECT to_regclass(format('%I.%I', $1::text, '_trigger_log')) IS NOT NULL AS found`,
      [schemaName],
    );
    if (!rows[0]?.found) {
      throw new ProblemsFound(
        `Schema "${schemaName}" has no trigger log (${schemaName}._trigger_log); name the sync schema ` +
          'with --schema, or apply mappings first (connect-studio mapping apply FILE --db URL).',
      );
    }
    return await work(pool, schemaName);
  } finally {
    await pool.end().catch(() => {});
  }
}

/** The applied mappings' write algorithm; merged when nothing records one. */
async function appliedAlgorithm(pool: pg.Pool, schemaName: string): Promise<WriteAlgorithm> {
  const applied = appliedMappings(await introspectSchema(pool, schemaName));
  return applied ? writeAlgorithmOf(applied) : 'merged';
}

// --- The table.

// The message is the last column: long enough for the org's sentence, one line still.
const MESSAGE_WIDTH = 200;

function formatTable(rows: TriggerLogEntry[]): string {
  if (rows.length === 0) return 'No trigger-log rows match.\n';
  const header = ['ID', 'STATE', 'ACTION', 'TABLE', 'RECORD', 'SFID', 'CREATED', 'MESSAGE'];
  const lines = rows.map((row) => [
    `${row.source === 'archive' ? 'a' : ''}${row.id}`,
    row.state,
    row.action,
    row.table_name,
    String(row.record_id ?? ''),
    row.sfid ?? '',
    timeText(row.created_at),
    shorten(row.sf_message ?? '', MESSAGE_WIDTH),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const archived = rows.some((r) => r.source === 'archive')
    ? '\n(ids starting with "a" are archived rows)'
    : '';
  return `${[format(header), ...lines.map(format)].join('\n')}${archived}\n`;
}

/** `2025-01-02T03:04:05Z`: the listing's ISO times to the second. */
function timeText(value: string | null): string {
  return value === null ? '' : value.replace(/\.\d+Z$/, 'Z');
}

function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
