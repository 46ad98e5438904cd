import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
