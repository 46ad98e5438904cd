// `connect-studio demo`: everything on this machine, in one command: embedded Postgres, the local
// org with the demo data, the demo mappings applied, the sync engine running, and the studio
// serving its UI. The app's embedded default, and the quickest way to see a sync work.
import { ApiError, type SyncLogEntry } from '../../src-shared/api';
import { startWebHost, type WebHost } from '../host';
import { rendererDir, type Studio } from '../studio';
import { EXIT_OK, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { commonOptions, parseCommandLine, parsePort } from './options';
import { openBrowser } from './start';
import { openStudioForCli } from './studio-for-cli';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'Run the demo: embedded Postgres + local org + demo mappings + sync + the studio',
  help: `Usage: connect-studio demo [--user-data DIR] [--port N] [--no-open] [--json]

Starts, on this machine: the embedded Postgres server and the local org with its demo data
(both kept in the user-data folder, made the active database and org), applies the demo
mappings (Account and Contact read-write by their External_ID__c; Opportunity, Case and Lead
read-only) to the database's "salesforce" schema, runs the sync engine on them, and serves the
studio in the browser. Change a row in Postgres or a record in the org and watch it cross.
Runs until Ctrl+C (SIGINT) or SIGTERM, then stops everything cleanly. The studio is served to
the browser even where Electron is installed: the demo's services live in this process, and a
desktop window would start its own.
  --port N         the studio's port on 127.0.0.1 (default: any free port)
  --no-open        do not open a browser
  --json           print {"url","database","org"} as the first line
  --user-data DIR  keep the cache, the org and the database there instead of the usual folder`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...commonOptions, port: { type: 'string' }, 'no-open': { type: 'boolean' } },
      'demo',
    );
    if (positionals.length > 0) {
      throw new UsageError(
        `demo takes no arguments (got ${positionals.join(' ')}); see connect-studio demo --help`,
      );
    }
    const port = parsePort(values.port);
    const json = values.json === true;
    const open = values['no-open'] !== true && !json && !io.env.CI;

    // A signal that arrives while things start is honoured once they run.
    let stopRequested: (() => void) | undefined;
    const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
    const onSignal = () => stopRequested?.();
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

    const started = Date.now();
    const studio = openStudioForCli(values, io.env, 'web');
    // The engine's lines, held back until the demo is open so the saved profiles come first.
    let held: string[] | null = [];
    const print = (line: string) => (held ? held.push(line) : io.stderr(line));
    const stopPrinting = studio.events.subscribe((envelope) => {
      if (envelope.event !== 'sync.log') return;
      for (const entry of envelope.payload.entries) {
        if (printedInQuiet(entry)) print(`connect-studio: ${entry.message}\n`);
      }
    });
    const release = () => {
      const lines = held ?? [];
      held = null;
      for (const line of lines) io.stderr(line);
    };
    let host: WebHost | undefined;
    try {
      const demo = await openDemo(studio, io).finally(release);
      host = await startWebHost({ studio, rendererDir: rendererDir(), port: port ?? 0 });
      const url = host.openUrl;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (json) {
        io.stdout(JSON.stringify({ url, database: demo.database, org: demo.org }) + '\n');
      } else {
        io.stdout(
          `Connect Studio demo is running at ${url}\n` +
            `  database  ${demo.database} (schema ${demo.schemaName})\n` +
            `  org       ${demo.org}\n` +
            'Press Ctrl+C to stop.\n',
        );
      }
      io.stderr(`connect-studio: the demo came up in ${seconds} s.\n`);
      if (open) openBrowser(url);
      await stopped;
      io.stderr('connect-studio: stopping the demo…\n');
      return EXIT_OK;
    } finally {
      // In the reverse order of starting: the UI, the engine, then the org and Postgres.
      await host?.close().catch(() => {});
      stopPrinting();
      await studio.syncControl.sync.stop().catch(() => {});
      await studio.close().catch(() => {});
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      io.stderr('connect-studio: the demo stopped.\n');
    }
  },
};

/**
 * The studio's demo.open (the local org and embedded Postgres made active, the demo mappings
 * applied, the engine running), with the profiles it saved named on stderr.
 */
async function openDemo(studio: Studio, io: CliIo) {
  const known = new Set(studio.profiles.list().map((p) => p.id));
  let opened;
  try {
    opened = await studio.syncControl.sync.openDemo();
  } catch (error) {
    if (error instanceof ApiError) throw new ProblemsFound(error.message);
    throw error;
  }
  // The org's profile first, then the database's, as they were always named.
  const created = studio.profiles
    .list()
    .filter((p) => !known.has(p.id))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'salesforce' ? -1 : 1));
  if (created.length > 0) {
    io.stderr(
      `connect-studio: saved the profiles ${created.map((p) => `"${p.name}"`).join(' and ')} and made them active.\n`,
    );
  }
  return opened;
}

/**
 * The engine's event-log lines a terminal wants (as `sync --once` prints them): loads, polls,
 * batches, conflicts and problems; not every state change, nor the refusal the command reports.
 */
function printedInQuiet(entry: SyncLogEntry): boolean {
  if (entry.kind === 'engine.state') return false;
  if (entry.kind === 'mapping.status') return entry.level === 'error';
  if (entry.kind === 'studio') return entry.level !== 'error';
  return true;
}
