// `connect-studio sync`: the sync engine between a live org and a Postgres database, run until
// stopped or once (`--once`: load, poll, drain, exit with a JSON summary). Preparing a run (the
// mappings applied, the describes) is sync-control's prepareSync, worded here for the CLI; event
// lines are src-main/sync's describeSyncEvent, as the studio's event log has them.
import type pg from 'pg';
import {
  DEFAULT_SCHEMA_NAME,
  type MappingDocument,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import { PostgresConnectError, introspectSchema, openPool } from '../postgres';
import {
  SalesforceCallError,
  createSyncEngine,
  describeSyncEvent,
  openSalesforceApi,
  type SyncEngine,
  type SyncEvent,
  type SyncSummary,
} from '../sync';
import {
  PrepareSyncError,
  documentToSync,
  prepareSync as prepareSyncRun,
  type PreparedSync,
  type PrepareSyncOptions,
} from '../sync-control';
import { EXIT_OK, EXIT_PROBLEMS, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import { readMappingFile } from './mapping';
import {
  DB_OPTIONS_HELP,
  ORG_OPTIONS_HELP,
  commonOptions,
  dbOptions,
  orgOptions,
  parseCommandLine,
  resolveDbUrl,
  resolveOrgSelection,
  type ParsedValues,
} from './options';
import { salesforceTargetOf } from './org';

const LIVE_ORG_WAYS =
  '--org NAME (a saved profile), --instance-url and --access-token, or ' +
  '--login-url/--username/--password (or the SF_* variables)';
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Exit code after a second stop signal: 128 + SIGINT, as shells report an interrupted command. */
const EXIT_INTERRUPTED = 130;
/** Connections of the engine's pool: readers, the writer and the bookkeeping share it. */
const ENGINE_POOL_SIZE = 6;

export const syncCommand: Command = {
  path: ['sync'],
  summary: 'Sync an org and a Postgres database as Heroku Connect does (until stopped, or --once)',
  help: `Usage: connect-studio sync --db URL [org options] [--schema NAME] [--mappings FILE]
                           [--mode merged|ordered] [--once] [--json]

Runs the sync engine on the mappings applied to the database: loads each mapped table from the
org (once), polls the org for changes at each mapping's interval, and sends the changes the
trigger log records to the org. Everything it needs to resume lives in the database, so it can
be stopped, or killed, at any moment and started again.
  --mappings FILE  a Heroku Connect mapping export: validated against the org and applied to
                   the database first (as mapping apply does); without it, the mappings
                   already applied (mapping apply) are synced
  --schema NAME    the sync schema (default: ${DEFAULT_SCHEMA_NAME})
  --mode M         write algorithm: merged (one write per record with its changes combined)
                   or ordered (every change in order); default: the mappings' own setting
  --once           load what needs loading, poll once, send every pending change, then print
                   a JSON summary {"ok","durationMs","apiCalls","mappings","writes",
                   "triggerLog"} and exit: 0 when everything is synced, 1 when a change FAILED
                   (see connect-studio trigger-log list --state FAILED) or a mapping failed
  --json           without --once: print each event as one JSON object per line
Without --once it runs until Ctrl+C (SIGINT) or SIGTERM, printing what it does, then stops
cleanly and exits 0. A second Ctrl+C while it stops exits at once with 130.

${DB_OPTIONS_HELP}

${ORG_OPTIONS_HELP}
  (sync needs a live org: --describe is not enough)`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        ...commonOptions,
        ...orgOptions,
        ...dbOptions,
        schema: { type: 'string' },
        mappings: { type: 'string' },
        mode: { type: 'string' },
        once: { type: 'boolean' },
      },
      'sync',
    );
    if (positionals.length > 0) {
      throw new UsageError(
        `sync takes no arguments (got ${positionals.join(' ')}); give a mapping file with --mappings FILE`,
      );
    }
    const selection = resolveOrgSelection(values, io.env);
    if (!selection) throw new UsageError(`Name the org to sync with: ${LIVE_ORG_WAYS}`);
    if (selection.kind === 'describe') {
      throw new UsageError(
        `sync needs a live org to read from and write to; --describe gives only describes. Name it with ${LIVE_ORG_WAYS}`,
      );
    }
    const url = resolveDbUrl(values, io.env);
    if (!url) {
      throw new UsageError('Name the database to sync: --db postgres://… or set DATABASE_URL');
    }
    const schemaName = schemaOf(values);
    const mode = modeOf(values.mode);
    const incoming = mappingsFileOf(values);

    const target = salesforceTargetOf(selection, values, io);
    const pool = await openDatabase(url, 'connect-studio sync');
    try {
      // The database first: "nothing to sync" needs no sign-in.
      const snapshot = await introspectSchema(pool, schemaName);
      await cliRefusals(async () => documentToSync(snapshot, incoming));
      const { api, conn } = await openOrg(() => openSalesforceApi(target));
      const prepared = await prepareSync({
        conn,
        api,
        pool,
        schemaName,
        incoming,
        snapshot,
        ...(mode ? { mode } : {}),
        io,
      });
      const engine = createSyncEngine({
        pool,
        databaseUrl: url,
        salesforce: api,
        catalog: prepared.catalog,
        document: prepared.document,
        settings: { schemaName, ...(mode ? { writeAlgorithm: mode } : {}) },
      });
      if (values.once) return await runOnce(engine, io);
      return await runUntilStopped(engine, io, values.json === true);
    } finally {
      await pool.end().catch(() => {});
    }
  },
};

// --- Options.

export function schemaOf(values: ParsedValues): string {
  const given = values.schema;
  if (given === undefined) return DEFAULT_SCHEMA_NAME;
  const name = String(given).trim();
  if (name === '') throw new UsageError('--schema needs a name, e.g. --schema salesforce');
  return name;
}

export function modeOf(value: string | boolean | undefined): WriteAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (value === 'merged' || value === 'ordered') return value;
  throw new UsageError(
    `--mode ${String(value)} is not a write algorithm; use --mode merged or --mode ordered`,
  );
}

function mappingsFileOf(values: ParsedValues): MappingDocument | undefined {
  const file = values.mappings;
  if (file === undefined) return undefined;
  if (typeof file !== 'string' || file.trim() === '') {
    throw new UsageError('--mappings needs a file, e.g. --mappings connect.json');
  }
  return readMappingFile(file);
}

// --- Opening the org and the database.

/** Signs in; every failure becomes one sentence (exit 1). */
export async function openOrg<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof SalesforceCallError) throw new ProblemsFound(error.message);
    throw error;
  }
}

export async function openDatabase(url: string, applicationName: string): Promise<pg.Pool> {
  try {
    return await openPool(url, { max: ENGINE_POOL_SIZE, applicationName });
  } catch (error) {
    if (error instanceof PostgresConnectError) throw new ProblemsFound(error.message);
    throw error;
  }
}

// --- The mappings and describes the engine runs on.

/**
 * sync-control's prepareSync with the CLI's wording: lines on stderr, refusals as UsageError
 * (exit 2) or ProblemsFound (exit 1) naming the options that fix them.
 */
async function prepareSync(
  options: Omit<PrepareSyncOptions, 'warn' | 'droppedTableConsequence'> & { io: CliIo },
): Promise<PreparedSync> {
  const { io, ...rest } = options;
  return cliRefusals(() =>
    prepareSyncRun({
      ...rest,
      warn: (line) => io.stderr(`connect-studio: ${line}\n`),
      droppedTableConsequence:
        'it is not synced; apply the mappings again (--mappings FILE) to recreate it',
    }),
  );
}

/** PrepareSyncError in the words the CLI has always used. */
async function cliRefusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof PrepareSyncError ? cliError(error) : error;
  }
}

function cliError(error: PrepareSyncError): Error {
  const { failure } = error;
  switch (failure.kind) {
    case 'no-mappings': {
      const { schemaName } = failure;
      return new UsageError(
        `No mappings are applied to schema "${schemaName}" of this database, so there is nothing to sync. ` +
          'Pass a Heroku Connect mapping export with --mappings FILE, or apply one first with ' +
          'connect-studio mapping apply FILE --db URL' +
          (schemaName === DEFAULT_SCHEMA_NAME
            ? ' (or name the sync schema with --schema NAME)'
            : ''),
      );
    }
    case 'tables-gone':
      return new ProblemsFound(
        `Every table of the applied mappings is gone from schema "${failure.schemaName}"; ` +
          'apply the mappings again with --mappings FILE.',
      );
    case 'invalid': {
      const count = failure.errors.length;
      return new ProblemsFound(
        `nothing was synced: the mappings have ${count} error${count === 1 ? '' : 's'} ` +
          '(listed above; connect-studio mapping validate prints them as JSON); fix them and run again',
      );
    }
    case 'schema-name':
      return new UsageError(`--schema: ${error.message}`);
    case 'describes':
    case 'apply':
      return new ProblemsFound(error.message);
  }
}

// --- Running.

async function runOnce(engine: SyncEngine, io: CliIo): Promise<number> {
  const printer = eventPrinter((line) => io.stderr(`connect-studio: ${line}\n`), {
    json: false,
    quiet: true,
  });
  const unsubscribe = engine.subscribe(printer);
  let summary: SyncSummary;
  try {
    summary = await engine.runOnce();
  } catch (error) {
    throw new ProblemsFound(
      `The sync stopped: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    unsubscribe();
  }
  printJson(io, summary);
  if (!summary.ok) {
    const failed = summary.triggerLog.FAILED ?? 0;
    const reasons = [
      failed > 0
        ? `${failed} change${failed === 1 ? '' : 's'} FAILED (connect-studio trigger-log list --state FAILED shows why)`
        : '',
      ...summary.mappings.filter((m) => m.error).map((m) => `${m.objectName}: ${m.error}`),
      (summary.triggerLog.NEW ?? 0) + (summary.triggerLog.PENDING ?? 0) > 0
        ? `${(summary.triggerLog.NEW ?? 0) + (summary.triggerLog.PENDING ?? 0)} changes are still waiting to be sent`
        : '',
    ].filter((r) => r !== '');
    io.stderr(
      `connect-studio: not everything is synced: ${reasons.join('; ') || 'see the summary'}.\n`,
    );
  }
  return summary.ok ? EXIT_OK : EXIT_PROBLEMS;
}

async function runUntilStopped(engine: SyncEngine, io: CliIo, json: boolean): Promise<number> {
  // A signal that arrives while the engine starts is honoured once it runs. A second one does
  // not wait for the engine: what it was sending stays PENDING and goes out on the next run.
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      stopRequested?.();
      return;
    }
    io.stderr(
      `connect-studio: second stop signal (${signal}): exiting now without waiting for the sync ` +
        'to stop; changes on their way to Salesforce are sent again on the next run.\n',
    );
    process.exit(EXIT_INTERRUPTED);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const unsubscribe = engine.subscribe(
    eventPrinter((line) => io.stdout(`${line}\n`), { json, quiet: false }),
  );
  try {
    try {
      await engine.start();
    } catch (error) {
      await engine.stop().catch(() => {});
      throw new ProblemsFound(
        `The sync did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!json) io.stderr('connect-studio: syncing; Ctrl+C stops.\n');
    await stopped;
    if (!json) io.stderr('connect-studio: stopping the sync…\n');
    await engine.stop();
    if (!json) io.stderr('connect-studio: the sync stopped.\n');
    return EXIT_OK;
  } finally {
    unsubscribe();
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

// --- Events as lines.

/** How often a running load's progress is printed, per object (JSON prints every event). */
const PROGRESS_EVERY_MS = 2_000;

/**
 * A listener that prints events: JSON (one object per line) or a line of text each. `quiet`
 * prints only what a `--once` run wants on stderr: loads, polls, batches and problems.
 */
export function eventPrinter(
  print: (line: string) => void,
  options: { json: boolean; quiet: boolean },
): (event: SyncEvent) => void {
  const lastProgress = new Map<string, { at: number; done: number }>();
  const lastStatus = new Map<string, string>();
  return (event) => {
    if (options.json) {
      print(JSON.stringify({ at: new Date().toISOString(), ...event }));
      return;
    }
    if (event.type === 'load.progress') {
      const now = Date.now();
      const last = lastProgress.get(event.objectName);
      const { done, total } = event.progress;
      const finished = done >= total;
      if (finished ? last?.done === done : last && now - last.at < PROGRESS_EVERY_MS) return;
      lastProgress.set(event.objectName, { at: now, done });
    }
    if (event.type === 'mapping.status') {
      // The engine reports a status on every step; print changes of phase or error only.
      const key = `${event.status.phase}|${event.status.paused}|${event.status.error ?? ''}`;
      if (lastStatus.get(event.status.objectName) === key) return;
      lastStatus.set(event.status.objectName, key);
      if (options.quiet && event.status.phase !== 'error') return;
    }
    if (options.quiet && event.type === 'engine.state') return;
    const line = describeEvent(event);
    if (line) print(options.quiet ? line : `${clock()} ${line}`);
  };
}

/** One line of text for an event (a `log` event's level leads unless it is info). */
export function describeEvent(event: SyncEvent): string {
  const { level, message } = describeSyncEvent(event);
  return event.type === 'log' && level !== 'info' ? `${level}: ${message}` : message;
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}
