// `connect-studio sync`: the sync engine between a live org and a Postgres database, run until
// stopped or once (`--once`: load, poll, drain, exit with a JSON summary). Also the pieces
// `demo` shares: applying mappings before a run, describes for the engine, event lines.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import {
  DEFAULT_SCHEMA_NAME,
  appliedMappings,
  mergeMappingDocuments,
  validateMappings,
  writeAlgorithmOf,
  type DatabaseSnapshot,
  type MappingDocument,
  type MappingProblem,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import {
  PostgresConnectError,
  applyMappingDocument,
  introspectSchema,
  openPool,
} from '../postgres';
import { DescribeSourceError, LiveDescribes, explainSalesforceError } from '../salesforce';
import {
  SalesforceCallError,
  createSyncEngine,
  openSalesforceApi,
  type SalesforceApi,
  type SyncEngine,
  type SyncEvent,
  type SyncSummary,
} from '../sync';
import { EXIT_OK, EXIT_PROBLEMS, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import { applyOrExplain, keepApplied, readMappingFile } from './mapping';
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
      documentToSync(snapshot, incoming);
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

export interface PreparedSync {
  /** The mappings applied to the schema, as the engine syncs them. */
  document: MappingDocument;
  /** Describes of the mapped objects and of the parents their lookups reach. */
  catalog: DescribeCatalog;
}

/**
 * With `incoming`: validates it (merged into what is applied, as Heroku Connect imports a file)
 * against the org and applies its layout to the schema, refusing on errors. Without: the
 * mappings already applied, refused when there are none. Either way, describes for the engine.
 */
export async function prepareSync(options: {
  conn: Connection;
  api: SalesforceApi;
  pool: pg.Pool;
  schemaName: string;
  incoming: MappingDocument | undefined;
  /** The schema as introspected, when the caller has it already. */
  snapshot?: DatabaseSnapshot;
  /** The write algorithm this run uses when it overrides the document's (--mode). */
  mode?: WriteAlgorithm;
  /** Print the file's warnings (default true); errors are always printed. */
  warnings?: boolean;
  io: CliIo;
}): Promise<PreparedSync> {
  const { conn, pool, schemaName, incoming, io } = options;
  const snapshot = options.snapshot ?? (await introspectSchema(pool, schemaName));
  const { document, applied } = documentToSync(snapshot, incoming, io);

  const origin = conn.instanceUrl;
  const live = new LiveDescribes(conn);
  let described: { catalog: DescribeCatalog; result: MappingProblem[] };
  try {
    described = await live.describeFor((catalog) => {
      // Touch every mapped object and the parents of its lookups: relationship external-ID
      // columns resolve through the parent's describe.
      for (const mapping of document.mappings) {
        for (const field of catalog.describe(mapping.objectName)?.fields ?? []) {
          for (const parent of field.referenceTo) catalog.describe(parent);
        }
      }
      return incoming
        ? validateMappings(document.mappings, catalog, {
            writeAlgorithm: options.mode ?? writeAlgorithmOf(document),
          })
        : [];
    });
  } catch (error) {
    if (error instanceof DescribeSourceError) throw new ProblemsFound(error.message);
    const { message, hint } = explainSalesforceError(error, origin);
    throw new ProblemsFound(
      `Could not read the org's describes: ${message}${hint ? ` ${hint}` : ''}`,
    );
  }
  const { catalog, result: problems } = described;

  await warnOnOtherOrg(options.api, document, io);
  if (incoming) {
    const errors = problems.filter((p) => p.severity === 'error');
    for (const problem of options.warnings === false ? errors : problems) {
      io.stderr(
        `connect-studio: ${problem.severity} ${problem.code} ${problem.object}${problem.field ? `.${problem.field}` : ''}: ${problem.message} ${problem.fix}\n`,
      );
    }
    if (errors.length > 0) {
      throw new ProblemsFound(
        `nothing was synced: the mappings have ${errors.length} error${errors.length === 1 ? '' : 's'} ` +
          '(listed above; connect-studio mapping validate prints them as JSON); fix them and run again',
      );
    }
    await applyMappings(pool, schemaName, document, catalog, snapshot, applied, io);
  }
  return { document, catalog };
}

/**
 * What a run syncs: the file merged into what is applied (as Heroku Connect imports a file), or
 * what is applied. Refuses a run with neither a mapping file nor mappings applied to the schema.
 */
function documentToSync(
  snapshot: DatabaseSnapshot,
  incoming: MappingDocument | undefined,
  io?: CliIo,
): { document: MappingDocument; applied: MappingDocument | undefined } {
  const applied = appliedMappings(snapshot);
  if (incoming) return { document: mergeMappingDocuments(applied, incoming), applied };
  if (applied && applied.mappings.length > 0) {
    return { document: io ? appliedToSync(applied, snapshot, io) : applied, applied };
  }
  const schemaName = snapshot.schemaName;
  throw new UsageError(
    `No mappings are applied to schema "${schemaName}" of this database, so there is nothing to sync. ` +
      'Pass a Heroku Connect mapping export with --mappings FILE, or apply one first with ' +
      'connect-studio mapping apply FILE --db URL' +
      (schemaName === DEFAULT_SCHEMA_NAME ? ' (or name the sync schema with --schema NAME)' : ''),
  );
}

/** mapping apply's work, reported in one line on stderr. */
async function applyMappings(
  pool: pg.Pool,
  schemaName: string,
  document: MappingDocument,
  catalog: DescribeCatalog,
  snapshot: DatabaseSnapshot,
  applied: MappingDocument | undefined,
  io: CliIo,
): Promise<void> {
  const result = await applyOrExplain(() =>
    applyMappingDocument(pool, { schemaName, document, catalog, snapshot, applied }),
  );
  if (result.unchanged) return;
  const created = result.plan.tables.filter((t) => !t.exists).map((t) => t.table);
  io.stderr(
    `connect-studio: applied the mappings to schema "${schemaName}" (${result.statementsRun} statements` +
      `${created.length > 0 ? `; new tables: ${created.join(', ')}` : ''}).\n`,
  );
}

/** The applied export, less mappings whose table someone has since dropped; none left is an error. */
function appliedToSync(
  applied: MappingDocument,
  snapshot: DatabaseSnapshot,
  io: CliIo,
): MappingDocument {
  const document = keepApplied(
    applied,
    snapshot,
    io,
    'it is not synced; apply the mappings again (--mappings FILE) to recreate it',
  );
  if (document.mappings.length === 0) {
    throw new ProblemsFound(
      `Every table of the applied mappings is gone from schema "${snapshot.schemaName}"; ` +
        'apply the mappings again with --mappings FILE.',
    );
  }
  return document;
}

/** A schema laid out for one org and synced with another mixes two orgs' ids: say so. */
async function warnOnOtherOrg(
  api: SalesforceApi,
  document: MappingDocument,
  io: CliIo,
): Promise<void> {
  const expected = document.connection?.organizationId;
  if (!expected) return;
  const actual = await api.organizationId().catch(() => undefined);
  if (actual && actual.slice(0, 15) !== expected.slice(0, 15)) {
    io.stderr(
      `connect-studio: warning: the mappings were exported from org ${expected} but this org is ${actual}; ` +
        'sfids in the tables may belong to the other org.\n',
    );
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

/** One line of text for an event. */
export function describeEvent(event: SyncEvent): string {
  switch (event.type) {
    case 'engine.state':
      return `engine ${event.state}${event.message ? `: ${event.message}` : ''}`;
    case 'mapping.status': {
      const s = event.status;
      const next = s.nextPollAt ? `, next poll ${s.nextPollAt}` : '';
      return `${s.objectName}: ${s.paused ? 'paused' : s.phase.replace('_', ' ')}${s.error ? ` (${s.error})` : next}`;
    }
    case 'load.progress': {
      const p = event.progress;
      const eta = p.etaSeconds === null ? '' : `, ${Math.round(p.etaSeconds)} s left`;
      return `${event.objectName}: loaded ${count(p.done)} of ${count(p.total)} through ${p.api === 'bulk' ? 'Bulk 2.0' : 'REST'} (${count(Math.round(p.ratePerSecond))}/s${eta})`;
    }
    case 'poll.done':
      return `${event.objectName}: polled through ${event.api === 'bulk' ? 'Bulk 2.0' : 'REST'}: ${count(event.upserted)} changed, ${count(event.deleted)} deleted${event.conflicts > 0 ? `, ${count(event.conflicts)} conflicts` : ''}`;
    case 'conflict':
      return `${event.objectName} ${event.sfid}: row ${event.recordId} has changes not sent yet, so its ${event.keptColumns.join(', ')} kept the Postgres values over the org's`;
    case 'write.batch': {
      const extra = [
        event.failed > 0 ? `${count(event.failed)} failed` : '',
        event.retrying > 0 ? `${count(event.retrying)} to retry` : '',
      ].filter((x) => x !== '');
      return `${event.table}: ${event.operation} of ${count(event.records)} through ${event.api === 'bulk' ? 'Bulk 2.0' : 'collections'}: ${count(event.succeeded)} ok${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`;
    }
    case 'log':
      return `${event.level === 'info' ? '' : `${event.level}: `}${event.message}`;
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}
