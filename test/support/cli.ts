import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CliIo } from '../../src-main/commands';

export const repoRoot = resolve(__dirname, '..', '..');
/** The `connect-studio` command as users run it. */
export const binScript = join(repoRoot, 'bin', 'connect-studio.js');
/** The bundle bin/connect-studio.js loads; built by `npm run build` (or global-setup.ts). */
export const builtCli = join(repoRoot, 'out', 'main', 'cli.js');

export function cliIsBuilt(): boolean {
  return existsSync(builtCli);
}

/** A CliIo that keeps what a command prints, for runCli in-process. */
export function memoryIo(
  env: NodeJS.ProcessEnv = {},
): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    out: () => out,
    err: () => err,
  };
}

/**
 * The environment a user's shell would give a child CLI, minus anything that names an org, a
 * database or a user-data folder (so the developer's own settings never leak into a test), and
 * with CI set so nothing opens a browser. `extra` is laid on top.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  for (const name of [
    'CONNECT_STUDIO_HOME',
    'DATABASE_URL',
    'SF_INSTANCE_URL',
    'SF_ACCESS_TOKEN',
    'SF_USERNAME',
    'SF_PASSWORD',
    'SF_LOGIN_URL',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI to its end without blocking this process, so a stand-in org served by the
 * test itself can answer it. Killed after `timeoutMs`.
 */
export function runCliProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [binScript, ...args], {
      cwd: repoRoot,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

export interface ServingCli {
  /** The first stdout line: the JSON a serving command prints when it is ready. */
  firstLine: string;
  /** Sends the signal and resolves when the process has exited. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

const serving: ChildProcess[] = [];

/**
 * Starts a command that serves until stopped (`local-org`, `db start`) and resolves once it
 * has printed its first line, and also `readyOnStderr` when given. Fails if it exits first.
 */
export async function startCliServer(
  args: string[],
  options: { readyOnStderr?: string } = {},
): Promise<ServingCli> {
  const child = spawn(process.execPath, [binScript, ...args], {
    cwd: repoRoot,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serving.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const firstLine = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine);
    void exited.then(({ code }) =>
      reject(new Error(`${args.join(' ')} exited (${code}) before printing: ${stderr}`)),
    );
  });
  const ready = options.readyOnStderr;
  for (let waited = 0; ready && !stderr.includes(ready) && waited < 10_000; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    firstLine,
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
    stderr: () => stderr,
  };
}

/** Kills every server startCliServer started that is still running (for afterEach/afterAll). */
export function killCliServers(): void {
  for (const child of serving.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
