import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppInfo } from '../../src-shared/api';
import { binScript, builtCli, childEnv, cliIsBuilt, repoRoot } from '../support/cli';
import { callApi, httpRequest } from '../support/http';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

const version = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

function runToEnd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binScript, ...args], {
    cwd: repoRoot,
    env: childEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** Starts `connect-studio start --web --json …` and resolves with its first stdout line. */
function startWeb(userData: string): Promise<{
  child: ChildProcess;
  firstLine: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}> {
  const child = spawn(
    process.execPath,
    [binScript, 'start', '--web', '--port', '0', '--json', '--no-open', '--user-data', userData],
    { cwd: repoRoot, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const firstLine = new Promise<string>((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveLine(line));
    void exited.then(({ code }) =>
      reject(new Error(`start exited (${code}) before printing: ${stderr}`)),
    );
  });
  return firstLine.then((line) => ({ child, firstLine: line, exited, stderr: () => stderr }));
}

beforeAll(() => {
  // global-setup.ts builds when needed; say plainly what is missing if that did not happen.
  if (!cliIsBuilt()) throw new Error(`${builtCli} is missing: run npm run build`);
});

describe('connect-studio as a command', () => {
  it('--version prints the package version', () => {
    const result = runToEnd(['--version']);
    expect(result).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help prints the commands', () => {
    const result = runToEnd(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: connect-studio <command> [options]');
    expect(result.stdout).toMatch(/^\s+db test\s+Connect to a Postgres database/m);
    expect(result.stderr).toBe('');
  });

  it('exits 2 with one line on stderr for an unknown command', () => {
    const result = runToEnd(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'connect-studio: Unknown command "frobnicate"; run connect-studio --help for the list\n',
    );
  });

  it('db test against a closed port exits 1 with the JSON result', async () => {
    const port = await closedPort();
    const result = runToEnd(['db', 'test', '--db', `postgres://u:p@127.0.0.1:${port}/d`]);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      message: `Nothing is listening at 127.0.0.1:${port} (connection refused).`,
    });
  });

  it('start --web --json prints the address with its token, serves the API, and stops on SIGTERM', async () => {
    const userData = tempDir('connect-studio-cli-');
    const { child, firstLine, exited, stderr } = await startWeb(userData);

    const printed = JSON.parse(firstLine) as { url: string };
    expect(Object.keys(printed)).toEqual(['url']);
    const url = new URL(printed.url);
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(url.pathname).toBe('/');
    const token = url.searchParams.get('token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const base = `${url.origin}/`;

    const refused = await callApi(base, 'app.info', {});
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    const answered = await callApi(base, 'app.info', {}, { token: token! });
    expect(answered.status).toBe(200);
    expect(AppInfo.parse(answered.json)).toMatchObject({
      name: 'Connect Studio',
      version,
      host: 'web',
      userDataDir: userData,
      secretStorage: 'keyFile',
    });
    // The printed address itself works in a browser: the page (or the not-built notice) is served.
    const page = await httpRequest(base, { path: `${url.pathname}${url.search}` });
    expect([200, 503]).toContain(page.status);

    // The same cache is shared with the other commands.
    const saved = await callApi(
      base,
      'profiles.save',
      {
        kind: 'postgres',
        name: 'Shared',
        connection: { method: 'url', url: 'postgres://u:shared-pw@127.0.0.1:5432/d' },
      },
      { token: token! },
    );
    expect(saved.status).toBe(200);
    const listed = runToEnd(['profiles', 'list', '--user-data', userData]);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { name: 'Shared', savedSecrets: ['password'] },
    ]);
    expect(listed.stdout).not.toContain('shared-pw');

    child.kill('SIGTERM');
    const exit = await exited;
    expect(exit, stderr()).toEqual({ code: 0, signal: null });
    await expect(callApi(base, 'app.info', {}, { token: token! })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('start --web with a bad port exits 2 before serving anything', () => {
    const result = runToEnd([
      'start',
      '--web',
      '--port',
      '99999',
      '--json',
      '--user-data',
      tempDir(),
    ]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'connect-studio: --port 99999 is not a port; use a number from 0 (any free port) to 65535\n',
    );
  });
});
