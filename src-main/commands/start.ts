import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startWebHost } from '../host';
import { appRoot, rendererDir } from '../studio';
import type { Command, CliIo } from './io';
import { commonOptions, parseCommandLine, parsePort } from './options';
import { openStudioForCli } from './studio-for-cli';

const options = {
  ...commonOptions,
  web: { type: 'boolean' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
} as const;

export const startCommand: Command = {
  path: ['start'],
  summary: 'Open the studio: the desktop window, or the browser form with --web',
  help: `Usage: connect-studio start [--web] [--port N] [--json] [--no-open] [--user-data DIR]

Opens the desktop window. Where Electron is not installed, or with --web, serves the studio
on 127.0.0.1 instead and prints its address; the address carries a token that this run alone
accepts.
  --web            serve the browser form (no window)
  --port N         port for --web (default: any free port)
  --json           print {"url":"http://127.0.0.1:PORT/?token=…"} as the first line
  --no-open        do not open a browser
  --user-data DIR  keep the cache there instead of the usual folder`,
  async run(args, io) {
    const { values } = parseCommandLine(args, options, 'start');
    const port = parsePort(values.port);
    if (!values.web) {
      const electron = findElectron();
      if (electron) return runDesktop(electron, values['user-data'], io);
      io.stderr(
        'Electron is not installed here, so Connect Studio opens in your browser instead ' +
          '(install it with `npm install electron` for the desktop window).\n',
      );
    }
    return runWeb(io, {
      port,
      json: values.json === true,
      open: values['no-open'] !== true && values.json !== true,
      userData: values['user-data'],
    });
  },
};

/** The Electron binary, when the optional dependency and its download are both there. */
function findElectron(): string | null {
  try {
    const requireFromRoot = createRequire(join(appRoot(), 'package.json'));
    const binary = requireFromRoot('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function runDesktop(
  electron: string,
  userData: string | boolean | undefined,
  io: CliIo,
): Promise<number> {
  const env = { ...io.env };
  if (typeof userData === 'string') env.CONNECT_STUDIO_HOME = userData;
  const child = spawn(electron, [appRoot()], { stdio: 'inherit', env });
  return new Promise((resolveExit) => {
    child.on('exit', (code) => resolveExit(code ?? 0));
    child.on('error', (error) => {
      io.stderr(`connect-studio: could not start Electron: ${error.message}\n`);
      resolveExit(1);
    });
  });
}

async function runWeb(
  io: CliIo,
  opts: {
    port: number | undefined;
    json: boolean;
    open: boolean;
    userData: string | boolean | undefined;
  },
): Promise<number> {
  const studio = openStudioForCli({ 'user-data': opts.userData }, io.env, 'web');
  const host = await startWebHost({ studio, rendererDir: rendererDir(), port: opts.port ?? 0 });
  if (opts.json) {
    io.stdout(JSON.stringify({ url: host.openUrl }) + '\n');
  } else {
    io.stdout(`Connect Studio is running at ${host.openUrl}\nPress Ctrl+C to stop.\n`);
  }
  if (opts.open && !io.env.CI) openBrowser(host.openUrl);

  return new Promise((resolveExit) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void host
        .close()
        .then(() => studio.close())
        .finally(() => resolveExit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Best effort: a missing opener is not an error, the URL is already printed. */
export function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Nothing to open with; the printed URL is enough.
  }
}
